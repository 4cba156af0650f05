"""Shared query and body field parsing: the value, or a 400 that names the parameter."""

from __future__ import annotations

import pytest
from flask import Flask

from mockservers.core.errors import BadRequestError
from mockservers.core.params import json_string, query_int

app = Flask(__name__)


@pytest.mark.parametrize(
    ("query", "blank_is_default", "expected"),
    [("", False, 5), ("page=7", False, 7), ("page=", True, 5), ("page=0", False, 0)],
)
def test_query_int_values(query: str, blank_is_default: bool, expected: int) -> None:
    with app.test_request_context(f"/?{query}"):
        assert query_int("page", 5, 0, 10, blank_is_default=blank_is_default) == expected


@pytest.mark.parametrize("raw", ["", "-1", "11", "1.5", "abc", "٣"])
def test_query_int_refuses_with_the_parameter_named(raw: str) -> None:
    with app.test_request_context("/", query_string={"page": raw}), pytest.raises(BadRequestError) as caught:
        query_int("page", 5, 0, 10)
    assert caught.value.field == "page" and "page must be an integer from 0 to 10" in caught.value.message


def test_json_string() -> None:
    assert json_string({"name": "x"}, "name") == "x"
    assert json_string({}, "name", required=False) is None
    assert json_string({"p": " "}, "p", allow_blank=True) == " "
    for body, message in [({}, "name is required"), ({"name": " "}, "non-empty"), ({"name": 3}, "non-empty"), ({"name": "abc"}, "at most 2")]:
        with pytest.raises(BadRequestError, match=message):
            json_string(body, "name", max_length=2 if body.get("name") == "abc" else 255)
