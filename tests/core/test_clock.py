"""VirtualClock: follows real time, freezes, jumps, notifies; tokens expire on virtual time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from mockservers.core.clock import VirtualClock, parse_iso8601


class FakeRealTime:
    """A controllable stand-in for time.time (the clock's notion of real time)."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_runs_with_real_time() -> None:
    real = FakeRealTime()
    clock = VirtualClock(real_time=real)
    start = clock.time()
    assert start == real.now
    real.now += 7.5
    assert clock.time() == pytest.approx(start + 7.5)
    assert clock.frozen is False


def test_default_clock_tracks_the_wall_clock() -> None:
    clock = VirtualClock()
    assert abs(clock.time() - time.time()) < 1.0
    assert clock.now().tzinfo is timezone.utc


def test_freeze_stops_time_and_unfreeze_resumes_without_a_jump() -> None:
    real = FakeRealTime()
    clock = VirtualClock(real_time=real)
    real.now += 3
    clock.freeze()
    frozen_at = clock.time()
    real.now += 100
    assert clock.time() == frozen_at
    assert clock.frozen is True
    clock.freeze(False)
    assert clock.time() == frozen_at  # resumes from the frozen instant
    real.now += 2
    assert clock.time() == pytest.approx(frozen_at + 2)


def test_advance_and_set_jump() -> None:
    real = FakeRealTime()
    clock = VirtualClock(real_time=real)
    before = clock.time()
    clock.advance(3600)
    assert clock.time() == pytest.approx(before + 3600)
    real.now += 1  # still running after the jump
    assert clock.time() == pytest.approx(before + 3601)

    target = datetime(2030, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    clock.set(target)
    assert clock.now() == target
    clock.set(1_500_000_000.0)
    assert clock.time() == 1_500_000_000.0


def test_set_keeps_a_frozen_clock_frozen() -> None:
    real = FakeRealTime()
    clock = VirtualClock(real_time=real)
    clock.freeze()
    clock.set(2_000_000_000.0)
    real.now += 50
    assert clock.time() == 2_000_000_000.0
    clock.advance(10)
    assert clock.time() == 2_000_000_010.0


def test_advance_refuses_negative_and_leaves_the_clock_alone() -> None:
    real = FakeRealTime()
    clock = VirtualClock(real_time=real)
    clock.freeze()
    before = clock.time()
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    assert clock.time() == before


def test_reset_returns_to_running_real_time() -> None:
    real = FakeRealTime()
    clock = VirtualClock(real_time=real)
    clock.freeze()
    clock.advance(10_000)
    clock.reset()
    assert clock.frozen is False
    assert clock.time() == real.now


def test_listeners_are_notified_after_every_jump() -> None:
    real = FakeRealTime()
    clock = VirtualClock(real_time=real)
    seen: list[float] = []
    clock.add_listener(lambda: seen.append(clock.time()))
    clock.freeze()
    clock.advance(5)
    clock.set(42.0)
    clock.reset()
    assert seen == [real.now, real.now + 5, 42.0, real.now]


def test_describe_is_utc_iso_with_z() -> None:
    clock = VirtualClock(real_time=FakeRealTime())
    clock.freeze()
    clock.set(datetime(2031, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    view = clock.describe()
    assert view == {"now": "2031-01-02T03:04:05Z", "epoch": 1925089445.0, "frozen": True}


def test_parse_iso8601_normalizes_to_utc() -> None:
    assert parse_iso8601("2030-01-01T02:00:00+02:00") == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert parse_iso8601("2030-01-01T00:00:00Z") == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert parse_iso8601(" 2030-01-01T00:00:00 ").utcoffset() == timedelta(0)  # naive taken as UTC
    with pytest.raises(ValueError):
        parse_iso8601("next tuesday")


# -- over HTTP: tokens live 15 virtual minutes ------------------------------------
def test_token_expires_after_15_virtual_minutes(pixop, pixop_client) -> None:
    admin = f"{pixop.base_url}/__admin/clock"
    assert pixop_client.post(admin, json={"freeze": True}).status_code == 200
    pixop_client.login()  # token minted at the frozen instant

    moved = pixop_client.post(admin, json={"advance_seconds": 899})
    assert moved.status_code == 200
    assert pixop_client.get("/accounts/v1/account").status_code == 200

    moved = pixop_client.post(admin, json={"advance_seconds": 2})
    assert moved.status_code == 200
    response = pixop_client.get("/accounts/v1/account")
    assert response.status_code == 401
    assert response.json()["exception"] == "ExpiredJWTTokenException"

    pixop_client.login()  # a fresh token works again at the new virtual time
    assert pixop_client.get("/accounts/v1/account").status_code == 200


def test_token_expires_when_the_running_clock_is_advanced_901_seconds(pixop, pixop_client) -> None:
    moved = pixop_client.post(f"{pixop.base_url}/__admin/clock", json={"advance_seconds": 901})
    assert moved.status_code == 200
    response = pixop_client.get("/videos/v1/projects")
    assert response.status_code == 401
    assert response.json()["exception"] == "ExpiredJWTTokenException"
