"""Conformance walks run the steps they describe (a step silently skipped checks nothing)."""

from __future__ import annotations

from typing import Any

from mockservers.conformance.check import run_check
from mockservers.registry import create_emulator


def test_pixop_walk_gets_a_listed_video() -> None:
    emulator = create_emulator("pixop").start()
    try:
        run_check("pixop", emulator.base_url, emulator.credentials)
        listing = emulator.journal.last(method="GET", path="/videos/v1/videos")
        assert listing is not None and listing.status == 200
        listed: list[dict[str, Any]] = listing.response_body["json"]["_embedded"]["videos"]
        assert listed, "the seeded world lists no video, so the step cannot run"
        listed_ids = {video["id"] for video in listed}
        fetched = {e.path.rsplit("/", 1)[-1] for e in emulator.journal.entries(method="GET", path="/videos/v1/video/*") if e.status == 200}
        assert fetched & listed_ids, "the walk never fetched a video it listed"
    finally:
        emulator.close()
