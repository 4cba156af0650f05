"""Mediabank's state machine: assets, the evidence's update form, S3 upload + ingest on the clock, token expiry.

Override the ``client_*`` methods to drive your own Mediabank client instead of
the built-in requests calls; each returns plain values (ids, metadata, statuses).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, consumes, initialize, invariant, precondition, rule

from mockservers.core.paths import fixtures_dir
from mockservers.machines import EmulatorMachine

TITLES = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40).filter(str.strip)


class MediabankMachine(EmulatorMachine):
    """Random sequences of Mediabank operations checked against a model of assets and ingests."""

    assets = Bundle("assets")

    # -- client methods (override these to drive your own client) -------------------------------
    def client_login(self) -> None:
        """POST {jwt_url}/login with form fields; keep the token and send MAP-Application."""
        creds = self.emulator.credentials
        answer = self.session.post(f"{creds['jwt_url']}/login", data={"email": creds["email"], "password": creds["password"]}, timeout=30)
        assert answer.status_code == 200, answer.text
        self.session.headers.update({"Authorization": f"Bearer {answer.json()['token']}", "MAP-Application": "state-machine"})

    def client_list_asset_ids(self) -> set[str]:
        """Every asset id, following the pages."""
        found: set[str] = set()
        page = 1
        while True:
            body = self._call("GET", "/asset/", params={"page": page, "per_page": 100}).json()
            found.update(a["id"] for a in body["assets"])
            if page >= body["pages"]:
                return found
            page += 1

    def client_create_asset(self, title: str) -> str:
        """POST /asset/; the new id."""
        return self._call("POST", "/asset/", json={"metadata": {"title": title}}).json()["asset"]["id"]

    def client_update_title(self, asset_id: str, title: str) -> str:
        """PUT /asset/ (form: id, metadata JSON text, notify); the title it now has."""
        data = {"id": asset_id, "metadata": json.dumps({"title": title}), "notify": "true"}
        return self._call("PUT", "/asset/", data=data).json()["asset"]["metadata"]["title"]

    def client_delete_asset(self, asset_id: str) -> None:
        """DELETE /asset/{id}."""
        self._call("DELETE", f"/asset/{asset_id}")

    def client_upload_and_ingest(self, asset_id: str) -> str:
        """Put the sample video in the bucket, then POST /ingest/; the ingest id."""
        creds = self.emulator.credentials
        key = f"machine/{asset_id}.mov"
        self.emulator.s3.client.put_object(Bucket=creds["bucket"], Key=key, Body=(fixtures_dir() / "media" / "small.mov").read_bytes())
        return self._call("POST", "/ingest/", json={"asset_id": asset_id, "key": key}).json()["ingest"]["id"]

    def client_asset_has_file(self, asset_id: str) -> bool:
        """GET /asset/{id}; whether a file is linked."""
        return self._call("GET", f"/asset/{asset_id}").json()["asset"]["file"] is not None

    # -- model and rules ----------------------------------------------------------------------------
    @initialize()
    def log_in(self) -> None:
        """Log in and take the seeded assets into the model."""
        self.client_login()
        self.model_assets: dict[str, dict[str, Any]] = {aid: {"ingested_at": None} for aid in self.client_list_asset_ids()}
        self.ingest_seconds = float(self.emulator.context.settings["ingest_seconds"])
        self.ttl = float(self.emulator.context.settings["token_ttl_seconds"])

    @rule(target=assets, title=TITLES)
    def create_asset(self, title: str) -> str:
        """A new asset appears in the listing."""
        asset_id = self.client_create_asset(title)
        assert asset_id not in self.model_assets
        self.model_assets[asset_id] = {"ingested_at": None}
        return asset_id

    @rule(asset_id=assets, title=TITLES)
    def update_title(self, asset_id: str, title: str) -> None:
        """The evidence's update form sticks."""
        if asset_id in self.model_assets:
            assert self.client_update_title(asset_id, title) == title

    @rule(asset_id=consumes(assets))
    def delete_asset(self, asset_id: str) -> None:
        """A deleted asset leaves the listing."""
        if asset_id in self.model_assets:
            self.client_delete_asset(asset_id)
            del self.model_assets[asset_id]

    @rule(asset_id=assets)
    def ingest(self, asset_id: str) -> None:
        """Upload and ingest once per asset; the file is linked when the run ends."""
        asset = self.model_assets.get(asset_id)
        if asset is None or asset["ingested_at"] is not None:
            return
        self.client_upload_and_ingest(asset_id)
        asset["ingested_at"] = self.emulator.clock.time()

    @rule(seconds=st.sampled_from([0.5, 1, 2, 5]))
    def advance_clock(self, seconds: float) -> None:
        """Virtual time passes."""
        self.emulator.clock.advance(seconds)

    @rule()
    def let_the_token_expire(self) -> None:
        """The token's TTL runs out; the next call must log in again."""
        self.emulator.clock.advance(self.ttl + 1)

    @precondition(lambda self: any(a["ingested_at"] is not None for a in getattr(self, "model_assets", {}).values()))
    @rule(data=st.data())
    def file_follows_the_clock(self, data: st.DataObject) -> None:
        """The file is linked exactly when ingest_seconds have passed since the request."""
        ingested = sorted(aid for aid, a in self.model_assets.items() if a["ingested_at"] is not None)
        asset_id = data.draw(st.sampled_from(ingested))
        elapsed = self.emulator.clock.time() - self.model_assets[asset_id]["ingested_at"]
        assert self.client_asset_has_file(asset_id) == (elapsed >= self.ingest_seconds), elapsed

    @invariant()
    def listing_matches_the_model(self) -> None:
        """The API lists exactly the assets the model holds."""
        if hasattr(self, "model_assets"):
            assert self.client_list_asset_ids() == set(self.model_assets)


MACHINE = MediabankMachine
