# The two commands: `make sandbox` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: sandbox test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	touch $@ $(VENV)/.installed

## Serve every emulator on localhost with the seeded demo world (Ctrl-C stops). ARGS="pixop --seed 7"
sandbox: $(VENV)/.installed
	$(BIN)/mockservers serve --info-file .sandbox-info.json $(ARGS)

## Run the whole test suite.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## Print the performance ratios (no pass/fail).
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check mockservers tests bench

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache .sandbox-info.json
