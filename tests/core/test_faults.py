"""Fault injection over HTTP (Python API and /__admin/faults) and FaultRegistry rules."""

from __future__ import annotations

import time

import pytest
import requests

from mockservers.core.clock import VirtualClock
from mockservers.core.faults import FaultRegistry, FaultSpecError, parse_rule
from mockservers.pytest_plugin import check_contracts

PROJECTS = "/videos/v1/projects"


def _admin(pixop, client, method: str, path: str, **kwargs) -> requests.Response:
    return client.request(method, f"{pixop.base_url}/__admin{path}", **kwargs)


# -- status faults ---------------------------------------------------------------
def test_fixed_status_with_json_body_and_headers(pixop, pixop_client) -> None:
    body = {"exception": "ServiceUnavailableException", "errorMessage": "maintenance"}
    rule = pixop.faults.add(kind="status", path=PROJECTS, status=503, body=body, headers={"X-Fault": "yes"})
    response = pixop_client.get(PROJECTS)
    assert response.status_code == 503
    assert response.json() == body
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Fault"] == "yes"
    entry = pixop.journal.last(path=PROJECTS)
    assert (entry.status, entry.fault) == (503, rule.id)
    assert rule.hits == 1


def test_text_and_empty_fault_bodies(pixop, pixop_client) -> None:
    pixop.faults.add(path=PROJECTS, status=502, body="bad gateway", times=1)
    pixop.faults.add(path=PROJECTS, status=500, times=1)
    text = pixop_client.get(PROJECTS)
    assert (text.status_code, text.text) == (502, "bad gateway")
    assert text.headers["Content-Type"].startswith("text/plain")
    empty = pixop_client.get(PROJECTS)
    assert (empty.status_code, empty.content) == (500, b"")
    assert pixop_client.get(PROJECTS).status_code == 200


def test_times_fails_the_next_n_then_succeeds(pixop, pixop_client) -> None:
    pixop.faults.add(path=PROJECTS, status=503, times=2)
    statuses = [pixop_client.get(PROJECTS).status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]
    assert pixop.faults.rules() == []  # exhausted rules go away


def test_method_and_glob_path_matching(pixop, pixop_client) -> None:
    pixop.faults.add(method="put", path="/videos/v1/project", status=500)
    pixop.faults.add(method="GET", path="/videos/v1/project/*", status=418)
    assert pixop_client.put("/videos/v1/project", json={"name": "x"}).status_code == 500
    assert pixop_client.get(PROJECTS).status_code == 200  # neither rule matches
    assert pixop_client.get("/videos/v1/project/anything").status_code == 418
    assert pixop_client.delete("/videos/v1/project/anything").status_code == 404  # method differs: real answer


def test_regex_path_matching(pixop, pixop_client) -> None:
    pixop.faults.add(path=r"re:^/videos/v1/video/[0-9a-f-]{36}$", status=409)
    video_id = pixop_client.put("/videos/v1/video", json={}).json()["videoId"]
    assert pixop_client.get(f"/videos/v1/video/{video_id}").status_code == 409
    assert pixop_client.get("/videos/v1/video/short").status_code == 404  # regex does not match
    assert pixop_client.get("/videos/v1/videos").status_code == 200


def test_dropped_connection(pixop, pixop_client) -> None:
    rule = pixop.faults.add(kind="drop", path=PROJECTS, times=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        pixop_client.get(PROJECTS)
    entry = pixop.journal.last(path=PROJECTS)
    assert entry.dropped is True
    assert entry.fault == rule.id
    assert entry.status == 0
    assert pixop_client.get(PROJECTS).status_code == 200  # the server survives


def test_dropped_connection_with_a_request_body(pixop, pixop_client) -> None:
    pixop.faults.add(kind="drop", method="PUT", path="/videos/v1/project", times=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        pixop_client.put("/videos/v1/project", json={"name": "lost"})
    assert pixop_client.put("/videos/v1/project", json={"name": "kept"}).status_code == 200
    names = [p["name"] for p in pixop_client.get(PROJECTS, params={"page-size": 1000}).json()["_embedded"]["projects"]]
    assert "kept" in names and "lost" not in names


def test_latency_delays_the_real_response(pixop, pixop_client) -> None:
    pixop.faults.add(kind="latency", path=PROJECTS, latency_ms=60, times=1)
    started = time.perf_counter()
    response = pixop_client.get(PROJECTS)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200  # the real answer, late
    assert elapsed >= 0.06
    assert response.json()["_embedded"]["totalFound"] > 0


def test_rate_limit_uses_the_virtual_clock(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    pixop.faults.add(kind="rate_limit", path=PROJECTS, limit=2, window_seconds=60)
    assert [pixop_client.get(PROJECTS).status_code for _ in range(2)] == [200, 200]
    limited = pixop_client.get(PROJECTS)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "60"

    pixop.clock.advance(45)
    limited = pixop_client.get(PROJECTS)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "15"
    assert pixop_client.get("/videos/v1/videos").status_code == 200  # other paths unaffected

    moved = _admin(pixop, pixop_client, "POST", "/clock", json={"advance_seconds": 15})
    assert moved.status_code == 200
    assert [pixop_client.get(PROJECTS).status_code for _ in range(3)] == [200, 200, 429]


def test_rate_limit_of_zero_refuses_everything() -> None:
    """Regression: limit=0 used to raise IndexError on the empty window."""
    clock = VirtualClock()
    clock.freeze()
    faults = FaultRegistry(clock)
    faults.add(kind="rate_limit", limit=0, window_seconds=30)
    action = faults.match("GET", "/x")
    assert action is not None
    assert action.status == 429
    assert dict(action.headers)["Retry-After"] == "30"


def _hit_pattern(pixop, client, count: int = 24) -> list[bool]:
    return [client.get(PROJECTS).status_code == 503 for _ in range(count)]


def test_probability_is_seeded_and_repeats_after_reset(pixop, pixop_client) -> None:
    pixop.faults.add(path=PROJECTS, status=503, probability=0.5)
    first = _hit_pattern(pixop, pixop_client)
    assert 0 < sum(first) < len(first)  # some hit, some missed
    assert check_contracts(pixop) == []  # reset forgets the journal the fixture would check
    assert _admin(pixop, pixop_client, "POST", "/reset").status_code == 200
    pixop_client.login()
    pixop.faults.add(path=PROJECTS, status=503, probability=0.5)
    assert _hit_pattern(pixop, pixop_client) == first


def test_probability_sequence_depends_on_the_seed() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = FaultRegistry(VirtualClock(), seed)
        faults.add(probability=0.5)
        return [faults.match("GET", "/x") is not None for _ in range(64)]

    assert pattern(1) == pattern(1)
    assert pattern(1) != pattern(2)


def test_probability_edges() -> None:
    faults = FaultRegistry(VirtualClock())
    never = faults.add(probability=0.0, path="/never")
    assert all(faults.match("GET", "/never") is None for _ in range(50))
    assert never.hits == 0


def test_admin_faults_round_trip(pixop, pixop_client) -> None:
    added = _admin(
        pixop,
        pixop_client,
        "POST",
        "/faults",
        json=[
            {"path": PROJECTS, "status": 500, "times": 1},
            {"method": "GET", "path": "/videos/v1/videos", "status": 503, "body": {"why": "test"}},
        ],
    )
    assert added.status_code == 201
    rules = added.json()["faults"]
    assert [(r["path"], r["status"]) for r in rules] == [(PROJECTS, 500), ("/videos/v1/videos", 503)]
    assert len({r["id"] for r in rules}) == 2

    listed = _admin(pixop, pixop_client, "GET", "/faults").json()["faults"]
    assert [r["id"] for r in listed] == [r["id"] for r in rules]
    assert listed == [r.to_json() for r in pixop.faults.rules()]

    assert pixop_client.get(PROJECTS).status_code == 500
    videos = pixop_client.get("/videos/v1/videos")
    assert (videos.status_code, videos.json()) == (503, {"why": "test"})

    remaining = _admin(pixop, pixop_client, "GET", "/faults").json()["faults"]
    assert [r["id"] for r in remaining] == [rules[1]["id"]]  # times=1 rule used up
    assert remaining[0]["hits"] == 1

    gone = _admin(pixop, pixop_client, "DELETE", f"/faults/{rules[1]['id']}")
    assert (gone.status_code, gone.json()) == (200, {"faults": []})
    assert pixop_client.get("/videos/v1/videos").status_code == 200
    missing = _admin(pixop, pixop_client, "DELETE", f"/faults/{rules[1]['id']}")
    assert missing.status_code == 404
    assert rules[1]["id"] in missing.json()["error"]


def test_admin_delete_all_faults(pixop, pixop_client) -> None:
    one = _admin(pixop, pixop_client, "POST", "/faults", json={"status": 500, "path": PROJECTS})
    assert one.status_code == 201
    assert len(pixop.faults.rules()) == 1
    cleared = _admin(pixop, pixop_client, "DELETE", "/faults")
    assert (cleared.status_code, cleared.json()) == (200, {"faults": []})
    assert pixop.faults.rules() == []
    assert pixop_client.get(PROJECTS).status_code == 200


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "explode"}, "kind"),
        ({"status": 42}, "status"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"times": 0}, "times"),
        ({"probability": 1.5}, "probability"),
        ({"window_seconds": 0, "kind": "rate_limit"}, "window_seconds"),
        ({"limit": -1, "kind": "rate_limit"}, "limit"),
        ({"headers": {"X": 1}}, "headers"),
        ({"path": "re:(unclosed"}, "path"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_rule_is_400_naming_the_field(pixop, pixop_client, rule: dict, field: str) -> None:
    response = _admin(pixop, pixop_client, "POST", "/faults", json=rule)
    assert response.status_code == 400
    error = response.json()
    assert error["status"] == 400
    assert field in error["error"]
    assert pixop.faults.rules() == []


def test_bad_rule_in_a_list_adds_none(pixop, pixop_client) -> None:
    response = _admin(pixop, pixop_client, "POST", "/faults", json=[{"status": 500}, {"kind": "nope"}])
    assert response.status_code == 400
    assert pixop.faults.rules() == []


def test_non_object_rule_is_400(pixop, pixop_client) -> None:
    response = _admin(pixop, pixop_client, "POST", "/faults", data="not json", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_python_api_rejects_bad_rules_naming_the_field(pixop) -> None:
    with pytest.raises(FaultSpecError, match="probability"):
        pixop.faults.add(probability=-0.1)
    with pytest.raises(FaultSpecError, match="nonsense"):
        parse_rule({"nonsense": True})
    assert pixop.faults.rules() == []


def test_admin_paths_are_never_faulted(pixop, pixop_client) -> None:
    pixop.faults.add(path="*", status=500)
    pixop.faults.add(path="/__admin/*", kind="drop")
    pixop.faults.add(kind="rate_limit", limit=0)
    clock = _admin(pixop, pixop_client, "GET", "/clock")
    assert clock.status_code == 200
    assert len(_admin(pixop, pixop_client, "GET", "/faults").json()["faults"]) == 3
    assert pixop_client.get(PROJECTS).status_code == 500
    assert _admin(pixop, pixop_client, "DELETE", "/faults").status_code == 200
    assert pixop_client.get(PROJECTS).status_code == 200


def test_rules_match_in_the_order_added() -> None:
    faults = FaultRegistry(VirtualClock())
    first = faults.add(path="/a/*", status=501)
    faults.add(path="/a/b", status=502)
    action = faults.match("GET", "/a/b")
    assert action is not None and action.rule is first and action.status == 501
    assert faults.remove(first.id) is True
    assert faults.remove(first.id) is False
    assert faults.match("GET", "/a/b").status == 502


def test_reset_removes_rules_and_restarts_ids() -> None:
    faults = FaultRegistry(VirtualClock())
    faults.add(status=500)
    faults.reset()
    assert faults.rules() == []
    assert faults.match("GET", "/") is None
    assert faults.add(status=500).id == "fault-1"
