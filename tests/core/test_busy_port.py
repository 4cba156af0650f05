"""A busy port is explained (which port, which provider, how to move it) by the CLI and by the pytest plugin."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port some other program is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.slow
def test_serve_on_a_busy_port_exits_2_with_a_message(busy_port: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockservers", "serve", "pixop", "--port", f"pixop={busy_port}"],
        capture_output=True, text=True, timeout=60, env={**os.environ},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"port {busy_port}" in result.stderr and "pixop" in result.stderr
    assert "--port pixop=N" in result.stderr and "MOCKSERVERS_PIXOP_PORT" in result.stderr


@pytest.mark.slow
def test_plugin_on_a_busy_port_fails_clearly(pytester: pytest.Pytester, busy_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSERVERS_PIXOP_PORT", str(busy_port))
    pytester.makepyfile(
        """
        def test_uses_pixop(pixop):
            pass
        """
    )
    # A subprocess: the plugin's session fixtures must not share this process's imports.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert f"port {busy_port} on 127.0.0.1 for pixop is already in use" in output
    assert "MOCKSERVERS_PIXOP_PORT" in output
    assert "Traceback" not in output
