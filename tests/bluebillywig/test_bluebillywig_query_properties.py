"""Property tests of the query parser: never crashes, reads what it is given, boolean laws hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockservers.bluebillywig import query
from mockservers.core.errors import BadRequestError

WORDS = st.sampled_from(["coffee", "tea", "news", "espresso", "caf*", "t?a", "Sport"])
FIELDS = st.sampled_from(["title", "description", "cat", "status", "mediatype", None])
RECORDS = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["Coffee news", "Tea time", "Espresso", "", "sport and tea"]),
        "description": st.sampled_from(["", "all about coffee", "news of the day"]),
        "cat": st.lists(st.sampled_from(["news", "coffee", "sport"]), max_size=2),
        "status": st.sampled_from(["draft", "published"]),
        "mediatype": st.sampled_from(["video", "audio"]),
        "views": st.integers(0, 100),
    }
)


def get(record: dict, field: str):
    return record.get(field)


@st.composite
def queries(draw, depth: int = 0) -> str:
    """Well-formed queries in the supported grammar."""
    kind = draw(st.integers(0, 5 if depth < 2 else 1))
    if kind == 0:
        field = draw(FIELDS)
        word = draw(WORDS)
        return f"{field}:{word}" if field else word
    if kind == 1:
        low, high = sorted([draw(st.integers(0, 100)), draw(st.integers(0, 100))])
        return f"views:[{low} TO {high}]"
    if kind == 2:
        return f"({draw(queries(depth + 1))})"
    if kind == 3:
        return f"NOT {draw(queries(depth + 1))}"
    op = draw(st.sampled_from([" AND ", " OR ", " "]))
    return draw(queries(depth + 1)) + op + draw(queries(depth + 1))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_parses_or_is_a_400(text: str) -> None:
    try:
        node = query.parse_query(text)
    except BadRequestError as error:
        assert error.status == 400 and error.message.startswith("cannot parse q:")
    else:
        query.matches(node, {"title": "x"}, get, 0.0)


@settings(max_examples=200, deadline=None)
@given(queries(), RECORDS)
def test_generated_queries_parse_and_obey_boolean_laws(text: str, record: dict) -> None:
    node = query.parse_query(text)
    result = query.matches(node, record, get, 0.0)
    assert query.matches(query.parse_query(f"NOT ({text})"), record, get, 0.0) is (not result)
    assert query.matches(query.parse_query(f"({text}) OR *:*"), record, get, 0.0) is True
    assert query.matches(query.parse_query(f"({text}) AND *:*"), record, get, 0.0) is result


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 100), st.integers(0, 100), RECORDS)
def test_inclusive_range_is_the_union_of_exclusive_and_ends(low: int, high: int, record: dict) -> None:
    inclusive = query.matches(query.parse_query(f"views:[{low} TO {high}]"), record, get, 0.0)
    exclusive = query.matches(query.parse_query(f"views:{{{low} TO {high}}}"), record, get, 0.0)
    ends = record["views"] in (low, high) and low <= high
    assert inclusive is (exclusive or ends)
