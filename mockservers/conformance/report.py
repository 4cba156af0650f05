"""The report both contract commands print: one row per endpoint, ok / violation / skipped."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from mockservers.core.contracts import Violation, contract_set

OK, VIOLATION, SKIPPED = "ok", "violation", "skipped"


_RANK = {SKIPPED: 0, OK: 1, VIOLATION: 2}


@dataclass
class Row:
    """What was found for one endpoint: the worst outcome seen, with the notes of that outcome."""

    endpoint: str
    outcome: str = SKIPPED
    notes: dict[str, list[str]] = field(default_factory=dict)
    exchanges: int = 0

    def add(self, outcome: str, detail: str = "") -> None:
        """Fold in one observation; a violation outranks ok, ok outranks skipped."""
        if _RANK[outcome] > _RANK[self.outcome]:
            self.outcome = outcome
        notes = self.notes.setdefault(outcome, [])
        if detail and detail not in notes:
            notes.append(detail)

    @property
    def details(self) -> list[str]:
        """The notes that explain the outcome."""
        return self.notes.get(self.outcome, [])


class Report:
    """Rows for every endpoint of a provider's contract, in contract order, plus unmatched routes."""

    def __init__(self, provider: str, title: str) -> None:
        self.provider = provider
        self.title = title
        self.rows: dict[str, Row] = {}
        # Exchanges left out on purpose, by reason (fault-injected, foreign host, ...): said, not failed.
        self.ignored: Counter[str] = Counter()
        if provider:
            for endpoint in contract_set(provider).endpoints:
                label = endpoint_label(endpoint.method, endpoint.path)
                self.rows[label] = Row(label)

    @classmethod
    def empty(cls) -> Report:
        """A report of no provider (all traffic was left out)."""
        return cls("", "no provider exchanges in the traffic")

    def row(self, label: str) -> Row:
        """The row of one endpoint label (created for routes no contract covers)."""
        return self.rows.setdefault(label, Row(label))

    def ok(self, label: str, detail: str = "") -> None:
        """Record a conforming exchange."""
        row = self.row(label)
        row.exchanges += 1
        row.add(OK, detail)

    def skipped(self, label: str, why: str) -> None:
        """Record that an endpoint was not exercised, and why."""
        self.row(label).add(SKIPPED, why)

    def violations(self, label: str, found: list[Violation], context: str = "") -> None:
        """Record the violations of one exchange (or ok when there are none)."""
        if not found:
            self.ok(label)
            return
        row = self.row(label)
        row.exchanges += 1
        for violation in found[:5]:
            row.add(VIOLATION, describe(violation, context))

    def violation(self, label: str, message: str) -> None:
        """Record a behavioural violation (e.g. an unexpected status)."""
        row = self.row(label)
        row.exchanges += 1
        row.add(VIOLATION, message)

    @property
    def failed(self) -> bool:
        """Whether any row is a violation."""
        return any(row.outcome == VIOLATION for row in self.rows.values())

    def counts(self) -> dict[str, int]:
        """How many rows have each outcome."""
        found = {OK: 0, VIOLATION: 0, SKIPPED: 0}
        for row in self.rows.values():
            found[row.outcome] += 1
        return found

    def shown_rows(self, seen_only: bool = False) -> list[Row]:
        """The rows to print: all, or only endpoints the traffic (or walk) reached."""
        return [row for row in self.rows.values() if row.exchanges or not seen_only]

    def render(self, seen_only: bool = False) -> str:
        """The report as a plain-text table (``seen_only``: endpoints without exchanges left out)."""
        rows = self.shown_rows(seen_only)
        width = max([len(row.endpoint) for row in rows] + [8])
        lines = [self.title, f"{'endpoint':<{width}}  {'result':<9}  detail", "-" * (width + 40)]
        for row in rows:
            details = row.details or ([f"{row.exchanges} exchange(s)"] if row.exchanges else ["not exercised"])
            lines.append(f"{row.endpoint:<{width}}  {row.outcome:<9}  {details[0]}")
            lines.extend(f"{'':<{width}}  {'':<9}  {more}" for more in details[1:])
        counts = self.counts()
        lines.append("-" * (width + 40))
        lines.append(f"{counts[OK]} ok, {counts[VIOLATION]} violation(s), {counts[SKIPPED]} skipped")
        if self.ignored:
            listed = ", ".join(f"{count} {reason}" for reason, count in sorted(self.ignored.items()))
            lines.append(f"left out (not checked): {listed}")
        return "\n".join(lines)

    def to_json(self, seen_only: bool = False) -> dict[str, Any]:
        """The report as JSON (for machines)."""
        return {
            "provider": self.provider,
            "failed": self.failed,
            "counts": self.counts(),
            "ignored": dict(self.ignored),
            "endpoints": [
                {"endpoint": r.endpoint, "outcome": r.outcome, "exchanges": r.exchanges, "details": r.details}
                for r in self.shown_rows(seen_only)
            ],
        }


def junit_xml(reports: list[Report], seen_only: bool = False) -> bytes:
    """JUnit XML for CI: a test suite per provider, a test case per endpoint (violation: failure)."""
    root = ElementTree.Element("testsuites", name="mockservers contracts")
    for report in reports:
        rows = report.shown_rows(seen_only)
        counts = {OK: 0, VIOLATION: 0, SKIPPED: 0}
        for row in rows:
            counts[row.outcome] += 1
        suite = ElementTree.SubElement(
            root, "testsuite", name=f"contracts.{report.provider or 'none'}", tests=str(len(rows)),
            failures=str(counts[VIOLATION]), errors="0", skipped=str(counts[SKIPPED]),
        )
        for row in rows:
            case = ElementTree.SubElement(suite, "testcase", classname=f"contracts.{report.provider}", name=row.endpoint)
            if row.outcome == VIOLATION:
                failure = ElementTree.SubElement(case, "failure", message=row.details[0] if row.details else "violation")
                failure.text = "\n".join(row.details)
            elif row.outcome == SKIPPED:
                ElementTree.SubElement(case, "skipped", message=row.details[0] if row.details else "not exercised")
        if report.ignored:
            ElementTree.SubElement(suite, "system-out").text = "left out: " + ", ".join(
                f"{count} {reason}" for reason, count in sorted(report.ignored.items())
            )
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def endpoint_label(method: str, path: str) -> str:
    """``GET /videos/v1/video/<video_id>``: how rows are named."""
    return f"{method.upper()} {path}"


def describe(violation: Violation, context: str = "") -> str:
    """One violation as a report line: part, JSON pointer, message, offending value."""
    value = json.dumps(violation.value, default=str)
    if len(value) > 80:
        value = value[:77] + "..."
    prefix = f"{context}: " if context else ""
    return f"{prefix}{violation.part} {violation.pointer or '/'}: {violation.message} (value: {value})"
