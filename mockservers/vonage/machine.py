"""Vonage's state machine: uploads, metadata updates, downloads and their caps, the one-week list window, JWTs.

Override the ``client_*`` methods to drive your own Vonage Media client instead of the built-in requests
calls; each makes one API call and returns plain values (ids, dicts, statuses, bytes). The built-in client
signs its JWTs with the emulator's virtual clock, so a token minted before the clock jumps expires with it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, consumes, initialize, invariant, precondition, rule

from mockservers.core.paths import fixtures_dir
from mockservers.machines import EmulatorMachine
from mockservers.vonage.walk import anonymous, mint_jwt

WEEK = 7 * 86400  # GET /v3/media's start_time defaults to one week ago
AUDIO = {"beep.wav": "audio/vnd.wave", "goodbye.wav": "audio/vnd.wave", "announcement.mp3": "audio/mpeg"}
TITLES = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
CAPS = st.one_of(st.none(), st.integers(min_value=1, max_value=3))


def _epoch(stamp: str) -> float:
    """The API's ``2020-01-01T14:00:00.000Z`` as POSIX seconds."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _stamp(epoch: float) -> str:
    """POSIX seconds in the API's form, UTC with milliseconds."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class VonageMachine(EmulatorMachine):
    """Random sequences of Vonage Media operations checked against a model of the demo account's items."""

    items = Bundle("items")

    # -- client methods (override these to drive your own client) -------------------------------
    def client_login(self) -> None:
        """Mint a fresh application JWT (RS256, 15 minutes) from application_id and private_key; send it as Bearer."""
        creds = self.emulator.credentials
        token = mint_jwt(creds["application_id"], creds["private_key"], now=self.emulator.clock.time())
        self.session.headers["Authorization"] = f"Bearer {token}"

    def client_list(self, page_size: int = 1000, start_time: str | None = None) -> list[dict[str, Any]]:
        """GET /v3/media (newest first), following the ``next`` links; the items in order ([] on the documented 404)."""
        params: dict[str, Any] = {"page_size": page_size, "order": "descending"}
        if start_time is not None:
            params["start_time"] = start_time
        answer = self._call("GET", "/v3/media", expect=(200, 404), params=params)
        found: list[dict[str, Any]] = []
        while answer.status_code == 200:
            body = answer.json()
            found += body["_embedded"]["media"]
            link = body["_links"].get("next")
            if link is None:
                break
            answer = self._call("GET", link["href"])
        return found

    def client_count(self) -> tuple[int, str | None]:
        """GET /v3/media?page_size=1 (the default window); the ``count`` and the newest id (0, None on 404)."""
        answer = self._call("GET", "/v3/media", expect=(200, 404), params={"page_size": 1})
        if answer.status_code == 404:
            return 0, None
        body = answer.json()
        return body["count"], body["_embedded"]["media"][0]["id"]

    def client_upload(self, name: str, title: str, public: bool) -> dict[str, Any]:
        """POST /v3/media with a multipart ``filedata`` part and ``info``; the created item."""
        content = (fixtures_dir() / "vonage" / "audio" / name).read_bytes()
        info = json.dumps({"title": title, "public": public})
        answer = self._call("POST", "/v3/media", expect=(201,), files={"filedata": (name, content, AUDIO[name])}, data={"info": info})
        return answer.json()

    def client_update(self, media_id: str, changes: dict[str, Any]) -> int:
        """PUT /v3/media/{id}/info with a JSON body; the status (204, or 404 for a deleted item)."""
        return self._call("PUT", f"/v3/media/{media_id}/info", expect=(204, 404), json=changes).status_code

    def client_info(self, media_id: str) -> dict[str, Any] | None:
        """GET /v3/media/{id}/info; the item, or None on 404."""
        answer = self._call("GET", f"/v3/media/{media_id}/info", expect=(200, 404))
        return answer.json() if answer.status_code == 200 else None

    def client_download(self, media_id: str, authenticated: bool = True) -> tuple[int, bytes]:
        """GET /v3/media/{id}, with credentials or without; the status and the content."""
        kwargs: dict[str, Any] = {} if authenticated else {"auth": anonymous}
        answer = self._call("GET", f"/v3/media/{media_id}", expect=(200, 401, 403, 404), retry=authenticated, **kwargs)
        return answer.status_code, answer.content

    def client_delete(self, media_id: str) -> int:
        """DELETE /v3/media/{id}; the status (204, or 404 when already gone)."""
        return self._call("DELETE", f"/v3/media/{media_id}", expect=(204, 404)).status_code

    # -- model and rules ----------------------------------------------------------------------------
    @initialize()
    def log_in(self) -> None:
        """Sign a token and take the seeded items (creation times, caps, counters) into the model."""
        self.client_login()
        self.model: dict[str, dict[str, Any]] = {}
        # Items only ever leave the default one-week window as time passes, so it is all the model needs.
        for item in self.client_list():
            self.model[item["id"]] = {
                "created": _epoch(item["time_created"]), "public": item["public"], "title": item.get("title"),
                "cap": item["max_downloads_allowed"] or None, "downloads": item["times_downloaded"],
                "size": item["media_size"], "content": None,
            }
        self.deleted: set[str] = set()

    @rule(target=items, name=st.sampled_from(sorted(AUDIO)), title=TITLES, public=st.booleans())
    def upload(self, name: str, title: str, public: bool) -> str:
        """A new item holds the uploaded bytes, its declared type and info, created at the virtual now."""
        created = self.client_upload(name, title, public)
        content = (fixtures_dir() / "vonage" / "audio" / name).read_bytes()
        media_id = created["id"]
        assert media_id not in self.model and media_id not in self.deleted
        assert created["media_size"] == len(content) and created["mime_type"] == AUDIO[name]
        assert created["original_file_name"] == Path(name).name and created["times_downloaded"] == 0
        self.model[media_id] = {
            "created": self.emulator.clock.time(), "public": public, "title": title, "cap": None,
            "downloads": 0, "size": len(content), "content": content,
        }
        return media_id

    @rule(media_id=items, title=st.one_of(st.none(), TITLES), public=st.one_of(st.none(), st.booleans()), cap=CAPS)
    def update(self, media_id: str, title: str | None, public: bool | None, cap: int | None) -> None:
        """Changed fields stick; unsent ones keep their value; a deleted item answers 404."""
        changes: dict[str, Any] = {"max_downloads_allowed": cap}
        if title is not None:
            changes["title"] = title
        if public is not None:
            changes["public"] = public
        status = self.client_update(media_id, changes)
        if media_id in self.deleted:
            assert status == 404
            return
        assert status == 204
        entry = self.model[media_id]
        entry["cap"] = cap
        entry.update({k: v for k, v in changes.items() if k in ("title", "public")})

    @rule(media_id=items)
    def info_matches_the_model(self, media_id: str) -> None:
        """An item's info shows what the model expects; a deleted one is 404."""
        info = self.client_info(media_id)
        if media_id in self.deleted:
            assert info is None
            return
        entry = self.model[media_id]
        assert info is not None
        assert (info["public"], info.get("title"), info["max_downloads_allowed"], info["times_downloaded"], info["media_size"]) == (
            entry["public"], entry["title"], entry["cap"] or 0, entry["downloads"], entry["size"],
        )

    @rule(media_id=items, authenticated=st.booleans())
    def download(self, media_id: str, authenticated: bool) -> None:
        """The owner always gets the bytes; anyone else only a public item under its download cap (401/403)."""
        status, content = self.client_download(media_id, authenticated)
        entry = self.model.get(media_id)
        if media_id in self.deleted or entry is None:
            assert status == (404 if authenticated else 401)
            return
        if authenticated or (entry["public"] and (entry["cap"] is None or entry["downloads"] < entry["cap"])):
            assert status == 200 and content == entry["content"], status
            entry["downloads"] += 1
        else:
            assert status == (401 if not entry["public"] else 403), (status, entry)

    @rule(media_id=consumes(items))
    def delete(self, media_id: str) -> None:
        """A deleted item is gone (a second delete is 404)."""
        status = self.client_delete(media_id)
        assert status == (404 if media_id in self.deleted else 204)
        self.model.pop(media_id, None)
        self.deleted.add(media_id)

    @rule(page_size=st.sampled_from([2, 5, 20]), hours=st.sampled_from([1, 24, 72]))
    def list_in_pages(self, page_size: int, hours: int) -> None:
        """A start_time window read through the next links over small pages: all its items, in order, once."""
        start_time = _stamp(self.emulator.clock.time() - hours * 3600)
        listed = [m["id"] for m in self.client_list(page_size=page_size, start_time=start_time)]
        assert listed == self._expected_window(_epoch(start_time))

    @rule(seconds=st.sampled_from([1, 60, 3600, 2 * 86400]))
    def advance_clock(self, seconds: float) -> None:
        """Virtual time passes; items older than a week leave the default list window."""
        self.emulator.clock.advance(seconds)

    @rule()
    def let_the_token_expire(self) -> None:
        """JWTs live 15 virtual minutes; the next call must sign a new one."""
        self.emulator.clock.advance(16 * 60)

    @precondition(lambda self: hasattr(self, "model"))
    @invariant()
    def listing_matches_the_model(self) -> None:
        """The default list (the last week, newest first) counts the model's items of that week, newest first."""
        expected = self._expected_window(self.emulator.clock.time() - WEEK)
        assert self.client_count() == (len(expected), expected[0] if expected else None)

    def _expected_window(self, start: float) -> list[str]:
        recent = [(e["created"], mid) for mid, e in self.model.items() if e["created"] >= start]
        return [mid for _, mid in sorted(recent, reverse=True)]


MACHINE = VonageMachine
