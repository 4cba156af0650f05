"""Pixop tests: every JSON answer a test saw is parsed the way the official Java client parses it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pixop_strict import check_journal


@pytest.fixture(autouse=True)
def strict_client_parsing(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the emulator, parse its journaled answers strictly (unknown property = failure)."""
    emulator = request.getfixturevalue("pixop") if "pixop" in request.fixturenames else None
    yield
    if emulator is not None:
        check_journal(emulator)


MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"


@pytest.fixture
def upload_small_mov(pixop, pixop_client) -> Callable[..., dict]:
    """Freeze the clock, create a video and upload fixtures/media/small.mov through ``endpoint``; its create answer.

    ``ingest=True`` then advances the clock past the ingest (small.mov: 560x320, 25 fps, 1 s).
    """

    def upload(name: str = "Source", endpoint: str = "uploadMediaUrl", ingest: bool = True) -> dict:
        pixop.clock.freeze()
        created = pixop_client.put("/videos/v1/video", json={"name": name}).json()
        with open(MEDIA / "small.mov", "rb") as handle:
            assert pixop_client.post(created[endpoint], files={"file": ("small.mov", handle)}).status_code == 200
        if ingest:
            pixop.clock.advance(60)
        return created

    return upload
