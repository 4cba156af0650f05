"""Vonage Media API domain: accounts, applications (with RSA keys) and media items. No Flask here."""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any

from mockservers.core.blobs import BlobInfo
from mockservers.core.clock import parse_iso8601
from mockservers.core.demo import DemoData
from mockservers.core.errors import ApiError
from mockservers.core.media import NotMediaError, probe_media
from mockservers.core.paths import fixtures_dir
from mockservers.core.safepaths import fixture_file
from mockservers.core.state import BaseState
from mockservers.core.tables import IndexSpec, RecordList
from mockservers.vonage import auth
from mockservers.vonage.errors import vonage_error

WEEK = 7 * 86400
STORE_ID = "s3"  # the docs' example value for "an internal identifier of how the file is stored"
FIXTURE_PREFIX = "fixture:vonage/"
# Probed MIME types renamed to the names Vonage's docs use (their example item is "audio/vnd.wave").
MIME_NAMES = {"audio/wav": "audio/vnd.wave", "audio/x-wav": "audio/vnd.wave"}
EXTENSION_MIME = {".wav": "audio/vnd.wave", ".mp3": "audio/mpeg"}
# Media fields a client may change (PUT info); the spec's read-only fields are tolerated and ignored.
EDITABLE = ("public", "metadata_primary", "metadata_secondary", "title", "description", "mime_type", "max_downloads_allowed")
READ_ONLY = (
    "id", "original_file_name", "account_id", "store_id", "times_downloaded", "etag", "media_size",
    "time_created", "time_last_updated", "source_url", "store_meta_params",
)


def _pem(value: str) -> str:
    """A PEM given inline or as a path inside fixtures/vonage/."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    # Only files under fixtures/vonage/: a world from POST /__admin/seed must not read (and then
    # hand out as credentials) any file of this machine.
    return fixture_file("vonage", value, "accounts[].applications[].private_key/public_key").read_text()


def _audio_path(name: str, field: str = "audio[]") -> str:
    return str(fixture_file("vonage/audio", name, field))


def not_found(media_id: str) -> ApiError:
    """The documented 404 (also for another account's items: never leak that they exist)."""
    return vonage_error(404, "not-found", f"media item {media_id} does not exist, or you do not have access to it")


def _apply(item: dict[str, Any], changes: dict[str, Any]) -> None:
    """Set changed fields; a null title or description removes it (the answer then leaves it out, as for never-set ones)."""
    for name, value in changes.items():
        if value is None and name in ("title", "description"):
            item.pop(name, None)
        else:
            item[name] = value


def _fixture_keys(media: dict[str, Any]) -> list[str]:
    """Blob keys of the shipped audio seeded items point at (each once, in a stable order)."""
    return sorted({item["blob_key"] for item in media.values() if item["blob_key"].startswith(FIXTURE_PREFIX)})


# GET /v3/media answers from this: each account's items by (time_created, id), kept up to date from what a test changed.
MEDIA_BY_ACCOUNT = IndexSpec("vonage.media.by_account", lambda m: (m["account_id"],), lambda m: (m["time_created"], m["id"]))


def _created_of(entry: Any) -> float:
    return entry[0][0]


class VonageState(BaseState):
    """All Vonage Media data of one emulator instance."""

    provider = "vonage"
    tables = ("accounts", "applications", "media")

    # -- world -------------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """fixtures/vonage/world.json."""
        return json.loads((fixtures_dir() / "vonage" / "world.json").read_text())

    def build_world(self) -> None:
        """Accounts, their applications (shipped demo key pairs) and a few hundred media items."""
        world = self.world
        demo = DemoData()
        demo.seed_instance(self.seed)
        audio = list(world.get("audio") or ["greeting.wav"])
        infos = {name: self.ctx.blobs.put_file(_audio_path(name), key=FIXTURE_PREFIX + name) for name in audio}
        days = float(world.get("days", 28))
        public_share, capped_share = float(world.get("public_share", 0.15)), float(world.get("capped_share", 0.1))
        for account in world.get("accounts", []):
            api_key = account["api_key"]
            self.db["accounts"][api_key] = {
                "api_key": api_key, "api_secret": account["api_secret"], "key": account["key"],
                "name": account.get("name") or demo.company(),
            }
            for app in account.get("applications", []):
                app_id = app.get("id") or self.ids.uuid()
                self.db["applications"][app_id] = {
                    "id": app_id, "name": app.get("name") or demo.catch_phrase(), "account_id": api_key,
                    "public_key": _pem(app["public_key"]), "private_key": _pem(app["private_key"]),
                }
            for _ in range(int(account.get("media_items", 0))):
                name = audio[demo.random_int(0, len(audio) - 1)]
                info = infos[name]
                age = round(demo.random.uniform(60.0, days * 86400), 3)
                public = demo.random.random() < public_share
                capped = demo.random.random() < capped_share
                cap = demo.random_int(1, 5) if capped else None
                downloads = demo.random_int(0, cap) if cap else demo.random_int(0, 12)
                item = self._new_item(
                    api_key, info, demo.file_name(category="audio", extension=Path(name).suffix[1:]),
                    EXTENSION_MIME.get(Path(name).suffix, "application/octet-stream"), 0.0,
                )
                updated_age = age - round(demo.random.uniform(0, min(age - 1, 86400.0)), 3) if demo.boolean(30) else age
                item.update({
                    "public": public, "max_downloads_allowed": cap, "times_downloaded": downloads,
                    "metadata_primary": ",".join(demo.words(2)), "metadata_secondary": str(demo.random_int(1, 999)),
                    "title": demo.sentence(nb_words=4).rstrip("."),
                    "_age": age, "_updated_age": updated_age,
                })
                if demo.boolean(40):
                    item["description"] = demo.sentence(nb_words=10)
        self._place_items()

    def after_load(self) -> None:
        """Register the shipped audio with the blob store; place seeded items relative to the clock's now.

        Seeded ages are relative (to the start of the current hour), so the default one-week window of a
        list always finds part of the world, whenever the emulator starts; a world with an ``epoch`` pins
        them to absolute times instead.
        """
        # The paths are resolved (and checked) in the scan, so once per built world while media is pristine.
        def fixture_paths(media: dict[str, Any]) -> list[tuple[str, str]]:
            return [(key, _audio_path(key[len(FIXTURE_PREFIX):], "db.media[].blob_key")) for key in _fixture_keys(media)]

        for key, path in self.scan("media", "fixture_paths", fixture_paths):
            if self.ctx.blobs.get(key) is None:
                self.ctx.blobs.put_file(path, key=key)
        # Built worlds are placed already (build_world); a snapshot of an older version may not be.
        if self.scan("media", "unplaced", lambda media: any("_age" in item for item in media.values())):
            self._place_items()

    def world_variant(self) -> Any:
        """Seeded items are placed relative to the anchor hour, so the built world depends on it."""
        return self._anchor()

    def _anchor(self) -> float:
        epoch = self.world.get("epoch")
        # The start of the current hour, not the instant: an emulator reset a moment after a fresh one was
        # built holds the very same world (reset equals fresh), and items stay in the past.
        return parse_iso8601(epoch).timestamp() if epoch else float(int(self.now()) // 3600 * 3600)

    def _place_items(self) -> None:
        anchor = self._anchor()
        media = self.db["media"]
        for key in [key for key, item in media.items() if "_age" in item]:
            item = media[key]  # by key: the writable copy
            item["time_created"] = round(anchor - item.pop("_age"), 3)
            item["time_last_updated"] = round(anchor - item.pop("_updated_age"), 3)

    def credentials(self) -> dict[str, Any]:
        """The demo account's API key and secret, its application id and that application's private key."""
        account = next((a for a in self.db["accounts"].values() if a["key"] == "demo"), None) or next(iter(self.db["accounts"].values()))
        return self.account_credentials(account["key"])

    def account_credentials(self, key: str) -> dict[str, Any]:
        """Credentials of a seeded account by its world key (``demo``, ``other``)."""
        account = next(a for a in self.db["accounts"].values() if a["key"] == key)
        app = next(a for a in self.db["applications"].values() if a["account_id"] == account["api_key"])
        return {"api_key": account["api_key"], "api_secret": account["api_secret"], "application_id": app["id"], "private_key": app["private_key"]}

    # -- authentication --------------------------------------------------------
    def authenticate_basic(self, api_key: str, api_secret: str) -> dict[str, Any]:
        """The account of these Basic credentials, or 401."""
        account = self.db["accounts"].get(api_key)
        if account is None or account["api_secret"] != api_secret:
            raise auth.unauthorized("unknown api_key or wrong api_secret in the Basic credentials")
        return account

    def authenticate_jwt(self, token: str, method: str, path: str) -> dict[str, Any]:
        """The account whose application signed this token, after signature, time and acl checks."""
        claims = auth.unverified_claims(token)
        app_id = claims.get("application_id")
        if not isinstance(app_id, str) or not app_id:
            raise auth.unauthorized("the JWT has no application_id claim")
        app = self.db["applications"].get(app_id)
        if app is None:
            raise auth.unauthorized(f"the JWT names application_id {app_id}, which is not a known application")
        now = self.now()
        auth.verify(token, app["public_key"], now)
        auth.check_times(claims, now)
        auth.check_acl(claims, method, path)
        return self.db["accounts"][app["account_id"]]

    def mint_token(self, application_id: str | None = None, *, lifetime: float | None = auth.DEFAULT_LIFETIME, **claims: Any) -> str:
        """Sign a token for tests with an application's key; ``claim=None`` drops a claim, ``lifetime=None`` omits exp."""
        app_id = application_id or self.credentials()["application_id"]
        app = self.db["applications"][app_id]
        now = int(self.now())
        payload: dict[str, Any] = {"application_id": app_id, "iat": now, "jti": self.ids.uuid()}
        if lifetime is not None:
            payload["exp"] = now + int(lifetime)
        payload.update(claims)
        return auth.sign({k: v for k, v in payload.items() if v is not None}, app["private_key"])

    # -- media ---------------------------------------------------------------
    def _new_item(self, account_id: str, blob: BlobInfo, filename: str, mime_type: str, at: float) -> dict[str, Any]:
        media_id = self.ids.uuid()
        item: dict[str, Any] = {
            "id": media_id, "original_file_name": filename, "mime_type": mime_type, "account_id": account_id,
            "store_id": STORE_ID, "max_downloads_allowed": None, "times_downloaded": 0, "blob_key": blob.key,
            "etag": blob.md5, "media_size": blob.size, "time_created": at, "time_last_updated": at, "public": False,
            # Node SDK fixtures: an item nobody described answers null for both (not "").
            "metadata_primary": None, "metadata_secondary": None,
        }
        self.db["media"][media_id] = item
        return item

    def item(self, account_id: str, media_id: str) -> dict[str, Any]:
        """One of the account's items, or 404."""
        item = self.db["media"].get(media_id)
        if item is None or item["account_id"] != account_id:
            raise not_found(media_id)
        return item

    def list_media(self, account_id: str, ascending: bool, start: float, end: float | None) -> RecordList:
        """The account's items created in [start, end], ordered by creation time (read-only records, from an index)."""
        media = self.db["media"]
        entries = media.ordered(MEDIA_BY_ACCOUNT, account_id)
        low = bisect_left(entries, start, key=_created_of)
        high = len(entries) if end is None else bisect_right(entries, end, key=_created_of)
        return RecordList(media, entries, low, max(low, high), reverse=not ascending)

    def create(self, account_id: str, blob: BlobInfo, filename: str, declared_mime: str | None,
               changes: dict[str, Any], source_url: str | None = None) -> dict[str, Any]:
        """A new item holding an uploaded (or fetched) file."""
        if blob.size == 0:
            raise vonage_error(400, "invalid-params", "the uploaded file is empty", "filedata")
        mime = changes.pop("mime_type", None) or declared_mime or self._probe_mime(blob)
        with self.lock:
            item = self._new_item(account_id, blob, filename, mime, self.now())
            if source_url is not None:
                item["source_url"] = source_url
            _apply(item, changes)
            return item

    def update(self, account_id: str, media_id: str, changes: dict[str, Any],
               blob: BlobInfo | None = None, declared_mime: str | None = None) -> dict[str, Any]:
        """Change metadata and/or replace the content (new etag, size, probed type); time_last_updated moves."""
        with self.lock:
            item = self.item(account_id, media_id)
            if blob is not None:
                if blob.size == 0:
                    raise vonage_error(400, "invalid-params", "the uploaded file is empty", "filedata")
                old = item["blob_key"]
                item.update({"blob_key": blob.key, "etag": blob.md5, "media_size": blob.size})
                if "mime_type" not in changes:
                    item["mime_type"] = declared_mime or self._probe_mime(blob)
                if not old.startswith(FIXTURE_PREFIX) and not any(m["blob_key"] == old for m in self.db["media"].values()):
                    self.ctx.blobs.delete(old)
            _apply(item, changes)
            # Strictly later than before, so clients comparing timestamps always see the move.
            item["time_last_updated"] = max(self.now(), item["time_last_updated"] + 0.001)
            return item

    def delete(self, account_id: str, media_id: str) -> None:
        """Remove an item and (unless shared with a seeded item) its stored file."""
        with self.lock:
            item = self.item(account_id, media_id)
            del self.db["media"][media_id]
            key = item["blob_key"]
            if not key.startswith(FIXTURE_PREFIX) and not any(m["blob_key"] == key for m in self.db["media"].values()):
                self.ctx.blobs.delete(key)

    def _probe_mime(self, blob: BlobInfo) -> str:
        try:
            probed = probe_media(blob.path).mime_type
        except NotMediaError:
            return "application/octet-stream"
        return MIME_NAMES.get(probed, probed)

    # -- downloads -------------------------------------------------------------
    def downloadable(self, account_id: str | None, media_id: str) -> tuple[dict[str, Any], BlobInfo]:
        """The item and its file; without credentials only public items under their download cap."""
        with self.lock:
            if account_id is not None:
                item = self.item(account_id, media_id)
            else:
                item = self.db["media"].get(media_id)
                if item is None or not item["public"]:
                    raise auth.unauthorized(
                        "credentials are required: this media item is not public (or does not exist); use a JWT or Basic api_key:api_secret"
                    )
                self._check_cap(item)
            blob = self.ctx.blobs.get(item["blob_key"])
            if blob is None:
                raise not_found(media_id)
            return item, blob

    def count_download(self, account_id: str | None, media_id: str) -> None:
        """One more download; an unauthenticated one is refused once the cap is reached."""
        with self.lock:
            item = self.db["media"].get(media_id)
            if item is None:
                raise not_found(media_id)
            if account_id is None:
                self._check_cap(item)
            item["times_downloaded"] += 1

    @staticmethod
    def _check_cap(item: dict[str, Any]) -> None:
        cap = item["max_downloads_allowed"]
        if cap and item["times_downloaded"] >= cap:
            raise vonage_error(
                403, "forbidden",
                f"media item {item['id']} has reached its max_downloads_allowed ({cap}) for unauthenticated downloads; "
                "authenticated downloads are not capped",
            )
