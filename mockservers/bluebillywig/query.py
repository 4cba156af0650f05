"""The Solr-style query language of ``q`` (lists, search, sourceid lookups): tokenizer, parser, evaluator.

Supported, as the seed documents and real clients send it: ``field:term``,
``field:"quoted phrase"`` (also the typographic quotes the seed prints),
``*`` / ``?`` wildcards, ``[A TO B]`` / ``{A TO B}`` ranges on dates (ISO 8601,
``NOW``, ``NOW-7DAYS``) and numbers, ``AND`` / ``OR`` / ``NOT`` (also ``&&``,
``||``, ``!``, ``+`` / ``-`` prefixes), parentheses, ``field:(a OR b)`` and
``*:*``. Adjacent clauses without an operator are AND-ed (inferred). An unknown
field matches nothing, as Blue Billywig's SDK records for the real index.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from mockservers.core.clock import parse_iso8601
from mockservers.core.errors import BadRequestError

# Index field types (inferred from the mediaclip attributes in the seed).
INT_FIELDS = frozenset({"id", "length", "views", "width", "height", "publicationid"})
DATE_FIELDS = frozenset({"createddate", "updateddate", "publisheddate", "date"})
TEXT_FIELDS = frozenset({"title", "description", "author", "copyright", "originalfilename"})
LIST_FIELDS = frozenset({"cat", "tags"})
STRING_FIELDS = frozenset(
    {"status", "mediatype", "usetype", "sourceid", "sourcetype", "deeplink", "fitmode", "type", "createdBy", "updatedBy", "dar"}
)
KNOWN_FIELDS = INT_FIELDS | DATE_FIELDS | TEXT_FIELDS | LIST_FIELDS | STRING_FIELDS
DEFAULT_FIELDS = ("title", "description", "author", "copyright", "cat", "tags")
SORTABLE_FIELDS = KNOWN_FIELDS - LIST_FIELDS

_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201d": "\u201d", "\u201e": "\u201d"}
_SPECIAL = set('()"\u201c\u201d\u201e[]{}')
_WORD = re.compile(r"\w+", re.UNICODE)
_DATE_MATH = re.compile(r"^NOW(?:([+-])(\d+)(SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|YEAR)S?)?$", re.IGNORECASE)
_UNIT_SECONDS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 604800, "MONTH": 2592000, "YEAR": 31536000}


# -- AST -----------------------------------------------------------------------
@dataclass(frozen=True)
class MatchAll:
    """``*:*``."""


@dataclass(frozen=True)
class Term:
    """A word, wildcard or phrase on one field (None: the default fields)."""

    field: str | None
    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Range:
    """``field:[low TO high]``; None bounds are open (``*``)."""

    field: str
    low: str | None
    high: str | None
    include_low: bool
    include_high: bool


@dataclass(frozen=True)
class And:
    """All clauses match."""

    clauses: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any clause matches."""

    clauses: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The clause does not match."""

    clause: Node


Node = MatchAll | Term | Range | And | Or | Not


# -- tokenizer -----------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    """One lexical token and where it starts."""

    kind: str  # LPAREN RPAREN AND OR NOT PLUS MINUS FIELD WORD PHRASE RANGE EOF
    value: Any
    position: int


def _error(problem: str, position: int | None = None) -> BadRequestError:
    where = f" at position {position}" if position is not None else ""
    return BadRequestError(f"cannot parse q: {problem}{where}", "q")


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens; a lexical problem is a 400 naming it and its position."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    after_field = False
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            after_field = False
            continue
        start = i
        if char == "(":
            tokens.append(Token("LPAREN", "(", i))
            i += 1
        elif char == ")":
            tokens.append(Token("RPAREN", ")", i))
            i += 1
        elif char in _QUOTES:
            close = _QUOTES[char]
            i += 1
            chars: list[str] = []
            while i < n and text[i] not in (close, '"'):
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(text[i])
                i += 1
            if i >= n:
                raise _error("unterminated quoted phrase", start)
            i += 1
            tokens.append(Token("PHRASE", "".join(chars), start))
        elif char in "[{":
            end = start + 1
            while end < n and text[end] not in "]}":
                end += 1
            if end >= n:
                raise _error("unterminated range (missing ']' or '}')", start)
            parts = text[start + 1 : end].split()
            if len(parts) != 3 or parts[1] != "TO":
                raise _error(f"a range must read [A TO B], got {text[start : end + 1]!r}", start)
            low, high = (None if p == "*" else p.strip('"') for p in (parts[0], parts[2]))
            tokens.append(Token("RANGE", (low, high, char == "[", text[end] == "]"), start))
            i = end + 1
        elif char in "]}":
            raise _error(f"unexpected {char!r}", i)
        elif text.startswith("&&", i):
            tokens.append(Token("AND", "&&", i))
            i += 2
        elif text.startswith("||", i):
            tokens.append(Token("OR", "||", i))
            i += 2
        elif char == "!" and not after_field:
            tokens.append(Token("NOT", "!", i))
            i += 1
        elif char in "+-" and not after_field and i + 1 < n and not text[i + 1].isspace():
            tokens.append(Token("PLUS" if char == "+" else "MINUS", char, i))
            i += 1
        else:
            chars = []
            while i < n and not text[i].isspace() and text[i] not in _SPECIAL:
                if text[i] == "\\" and i + 1 < n:
                    chars.append(text[i + 1])
                    i += 2
                    continue
                # After "field:" a value may hold colons (times, URLs); before, a colon ends the field name.
                if text[i] == ":" and not after_field:
                    break
                chars.append(text[i])
                i += 1
            word = "".join(chars)
            if i < n and text[i] == ":" and not after_field:
                if not word:
                    raise _error("a field name is missing before ':'", i)
                tokens.append(Token("FIELD", word, start))
                i += 1
                after_field = True
                continue
            if not word:
                raise _error(f"unexpected {text[i]!r}", i)
            if not after_field and word in ("AND", "OR", "NOT"):
                tokens.append(Token(word, word, start))
            else:
                tokens.append(Token("WORD", word, start))
        after_field = False
    tokens.append(Token("EOF", None, n))
    return tokens


# -- parser --------------------------------------------------------------------
MAX_QUERY_LENGTH = 4096
MAX_DEPTH = 32


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            raise _error("the query is empty")
        node = self.or_expr(None)
        token = self.peek()
        if token.kind == "RPAREN":
            raise _error("unbalanced ')'", token.position)
        if token.kind != "EOF":
            raise _error(f"unexpected {token.value!r}", token.position)
        return node

    def or_expr(self, field: str | None) -> Node:
        clauses = [self.and_expr(field)]
        while self.peek().kind == "OR":
            self.take()
            clauses.append(self.and_expr(field))
        return clauses[0] if len(clauses) == 1 else Or(tuple(clauses))

    def and_expr(self, field: str | None) -> Node:
        clauses = [self.unary(field)]
        while self.peek().kind not in ("OR", "RPAREN", "EOF"):
            if self.peek().kind == "AND":
                self.take()
            clauses.append(self.unary(field))
        return clauses[0] if len(clauses) == 1 else And(tuple(clauses))

    def unary(self, field: str | None) -> Node:
        token = self.peek()
        if token.kind in ("NOT", "MINUS"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _error(f"NOT nested deeper than {MAX_DEPTH}", token.position)
            node = Not(self.unary(field))
            self.depth -= 1
            return node
        if token.kind == "PLUS":
            self.take()
        return self.primary(field)

    def primary(self, field: str | None) -> Node:
        token = self.take()
        if token.kind == "LPAREN":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _error(f"parentheses nested deeper than {MAX_DEPTH}", token.position)
            node = self.or_expr(field)
            self.depth -= 1
            closing = self.take()
            if closing.kind != "RPAREN":
                raise _error("missing ')' for the '(' opened", token.position)
            return node
        if token.kind == "FIELD":
            if field is not None:
                raise _error(f"field {token.value!r} inside the group of field {field!r}", token.position)
            value = self.peek()
            if value.kind == "LPAREN":
                return self.primary(token.value)
            if value.kind not in ("WORD", "PHRASE", "RANGE"):
                raise _error(f"a value is missing after '{token.value}:'", value.position)
            return self.value(token.value, self.take())
        if token.kind in ("WORD", "PHRASE", "RANGE"):
            return self.value(field, token)
        if token.kind == "EOF":
            raise _error("the query ends where a term was expected", token.position)
        raise _error(f"unexpected {token.value!r}", token.position)

    def value(self, field: str | None, token: Token) -> Node:
        if token.kind == "RANGE":
            if field is None:
                raise _error("a range needs a field, e.g. createddate:[A TO B]", token.position)
            low, high, include_low, include_high = token.value
            return Range(field, low, high, include_low, include_high)
        if token.kind == "PHRASE":
            return Term(field, token.value, phrase=True)
        if field == "*" and token.value == "*":
            return MatchAll()
        if field == "*":
            return Term(None, token.value)
        return Term(field, token.value)


def parse_query(text: str) -> Node:
    """The AST of a query; a 400 naming the problem when it cannot be read."""
    if len(text) > MAX_QUERY_LENGTH:
        raise _error(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    node = _Parser(tokenize(text)).parse()
    _check_values(node)
    return node


# -- values --------------------------------------------------------------------
def parse_date(text: str, now: float) -> float:
    """An ISO 8601 instant (or a date, or NOW with simple date math) as POSIX seconds."""
    math = _DATE_MATH.match(text)
    if math:
        sign, amount, unit = math.groups()
        if not sign:
            return now
        delta = int(amount) * _UNIT_SECONDS[unit.upper()]
        return now + delta if sign == "+" else now - delta
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()
        return parse_iso8601(text).timestamp()
    except (ValueError, OverflowError):
        raise _error(f"{text!r} is not a date (ISO 8601 like 2019-12-31T22:59:59Z, or NOW-7DAYS)") from None


def _parse_number(text: str, field: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _error(f"{text!r} is not a number (field {field} is numeric)") from None


def _is_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _check_values(node: Node) -> None:
    """Reject values a typed field cannot hold (Solr answers 400 for these too)."""
    if isinstance(node, (And, Or)):
        for clause in node.clauses:
            _check_values(clause)
    elif isinstance(node, Not):
        _check_values(node.clause)
    elif isinstance(node, Range):
        for bound in (node.low, node.high):
            if bound is None:
                continue
            if node.field in INT_FIELDS:
                _parse_number(bound, node.field)
            elif node.field in DATE_FIELDS:
                parse_date(bound, 0.0)
    elif isinstance(node, Term) and node.field is not None and not _is_wildcard(node.text):
        if node.field in INT_FIELDS:
            _parse_number(node.text, node.field)
        elif node.field in DATE_FIELDS:
            parse_date(node.text, 0.0)


# -- evaluation ----------------------------------------------------------------
Getter = Callable[[dict[str, Any], str], Any]


def _words(value: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(value)]


def _match_text(value: Any, term: Term) -> bool:
    words = _words(str(value or ""))
    if _is_wildcard(term.text) and not term.phrase:
        pattern = term.text.lower()
        return any(fnmatch.fnmatchcase(w, pattern) for w in words)
    wanted = _words(term.text)
    if not wanted:
        return False
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def _match_string(value: Any, term: Term) -> bool:
    if value is None:
        return False
    text = str(value).lower()
    if _is_wildcard(term.text) and not term.phrase:
        return fnmatch.fnmatchcase(text, term.text.lower())
    return text == term.text.lower()


def _has_value(value: Any) -> bool:
    return value not in (None, "", [])


def _match_term(record: dict[str, Any], term: Term, get: Getter, now: float) -> bool:
    if term.field is None:
        return any(_match_term(record, Term(f, term.text, term.phrase), get, now) for f in DEFAULT_FIELDS)
    field = term.field
    if field not in KNOWN_FIELDS:
        return False
    value = get(record, field)
    if term.text == "*" and not term.phrase:
        return _has_value(value)
    if field in TEXT_FIELDS:
        return _match_text(value, term)
    if field in LIST_FIELDS:
        return any(_match_string(item, term) for item in (value or []))
    if field in INT_FIELDS:
        if _is_wildcard(term.text):
            return _match_string(value, term)
        return value is not None and float(value) == _parse_number(term.text, field)
    if field in DATE_FIELDS:
        if _is_wildcard(term.text):
            return _has_value(value)
        return value is not None and int(value) == int(parse_date(term.text, now))
    return _match_string(value, term)


def _match_range(record: dict[str, Any], node: Range, get: Getter, now: float) -> bool:
    if node.field not in KNOWN_FIELDS:
        return False
    value = get(record, node.field)
    if value is None or value == "":
        return False
    convert: Callable[[str], Any]
    if node.field in INT_FIELDS:
        subject: Any = float(value)

        def convert(text: str) -> Any:
            return _parse_number(text, node.field)
    elif node.field in DATE_FIELDS:
        subject = float(value)

        def convert(text: str) -> Any:
            return parse_date(text, now)
    else:
        subject = str(value).lower()

        def convert(text: str) -> Any:
            return text.lower()
    if node.low is not None:
        low = convert(node.low)
        if subject < low or (subject == low and not node.include_low):
            return False
    if node.high is not None:
        high = convert(node.high)
        if subject > high or (subject == high and not node.include_high):
            return False
    return True


def matches(node: Node, record: dict[str, Any], get: Getter, now: float) -> bool:
    """Whether ``record`` satisfies the query; ``get(record, field)`` reads an index field."""
    if isinstance(node, MatchAll):
        return True
    if isinstance(node, And):
        return all(matches(c, record, get, now) for c in node.clauses)
    if isinstance(node, Or):
        return any(matches(c, record, get, now) for c in node.clauses)
    if isinstance(node, Not):
        return not matches(node.clause, record, get, now)
    if isinstance(node, Range):
        return _match_range(record, node, get, now)
    return _match_term(record, node, get, now)


# -- sort ----------------------------------------------------------------------
def parse_sort(text: str) -> list[tuple[str, bool]]:
    """``"field asc|desc[, field2 dir]"`` (any case) as [(field, descending)]; 400 on anything else."""
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise BadRequestError(f"sort must read 'field asc|desc' (comma separated), got {text!r}", "sort")
        field = words[0]
        direction = words[1].lower() if len(words) == 2 else "asc"
        if field not in SORTABLE_FIELDS:
            raise BadRequestError(
                f"cannot sort on {field!r}; sortable fields: {', '.join(sorted(SORTABLE_FIELDS))}", "sort"
            )
        if direction not in ("asc", "desc"):
            raise BadRequestError(f"sort direction must be asc or desc, got {words[1]!r}", "sort")
        keys.append((field, direction == "desc"))
    return keys


def sort_key(field: str, value: Any) -> tuple[int, Any]:
    """A comparable key for one field's value; missing values sort as smallest."""
    if value is None or value == "":
        return (0, 0)
    if field in INT_FIELDS or field in DATE_FIELDS:
        return (1, float(value))
    return (1, str(value).lower())
