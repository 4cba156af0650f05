"""Mediabank's domain: companies, users, storage configurations, assets and ingests. No Flask here."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from faker import Faker

from mockservers.core.clock import parse_iso8601
from mockservers.core.errors import ApiError, BadRequestError
from mockservers.core.media import probe_media
from mockservers.core.paths import fixtures_dir
from mockservers.core.safepaths import fixture_file
from mockservers.core.state import BaseState
from mockservers.mediabank import tokens
from mockservers.mediabank.errors import mediabank_error
from mockservers.mediabank.ingest import IngestMixin, file_checksums, file_record, media_record

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
ROLE_READ, ROLE_WRITE, ROLE_INGEST = "asset:read", "asset:write", "ingest"
MAX_METADATA_KEYS = 200
CATEGORIES = ("News", "Sports", "Documentary", "Entertainment", "Archive", "Promo")


@lru_cache(maxsize=8192)
def iso_time(epoch: float) -> str:
    """ISO 8601 UTC with a Z, to the second (inferred format)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_password(salt: str, password: str) -> str:
    return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()


def _media_path(name: str) -> str:
    return str(fixture_file("media", name, "media"))


class MediabankState(IngestMixin, BaseState):
    """All Mediabank data of one emulator instance."""

    provider = "mediabank"
    tables = ("companies", "users", "storages", "assets", "ingests")

    # -- world -------------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """fixtures/mediabank/world.json."""
        return json.loads((fixtures_dir() / "mediabank" / "world.json").read_text())

    def build_world(self) -> None:
        """Companies, users, storage configurations and Faker-made assets (some with a linked file)."""
        world = self.world
        faker = Faker()
        faker.seed_instance(self.seed)
        epoch = parse_iso8601(world.get("epoch", "2026-01-05T09:00:00Z")).timestamp()
        self.db["meta"] = {"epoch": epoch, "region": world.get("region", "eu1"), "secret": self.ids.hex(32)}  # type: ignore[assignment]
        companies: dict[str, str] = {}
        for company in world.get("companies", []):
            company_id = str(1000 + len(companies) + 1)  # inferred: numeric company ids (claims carry company_id)
            companies[company["key"]] = company_id
            self.db["companies"][company_id] = {"id": company_id, "key": company["key"], "name": company.get("name") or faker.company()}
        owners: dict[str, str] = {}
        for user in world.get("users", []):
            if user.get("company") not in companies:
                raise ValueError(f"user {user.get('key')!r} names an unknown company {user.get('company')!r}")
            user_id = self.ids.uuid()
            salt = self.ids.hex(8)
            self.db["users"][user_id] = {
                "id": user_id,
                "key": user["key"],
                "email": user["email"],
                "fullname": user.get("fullname") or faker.name(),
                "phone": user.get("phone") or faker.numerify("+47 ### ## ###"),
                "company_id": companies[user["company"]],
                "roles": list(user.get("roles", [ROLE_READ])),
                "password_salt": salt,
                "password_hash": _hash_password(salt, user["password"]),
                "demo_password": user["password"],
            }
            owners.setdefault(companies[user["company"]], user_id)
        for storage in world.get("storages", []):
            storage_id = self.ids.uuid()
            self.db["storages"][storage_id] = {
                "id": storage_id,
                "key": storage["key"],
                "company_id": companies[storage["company"]],
                "name": storage.get("name") or f"{storage['key']} (S3)",
                "type": "s3",
                "bucket": storage["bucket"],
            }
        created = epoch - 86400 * 30
        for spec in world.get("assets", []):
            created += 3600
            asset = self._seed_asset(companies[spec["company"]], owners.get(companies[spec["company"]], ""), created, faker)
            if spec.get("media"):
                self._seed_file(asset, spec["media"], created + 600)
        for company_id in companies.values():
            for _ in range(int(world.get("generated_assets_per_company", 0))):
                created += 1800
                self._seed_asset(company_id, owners.get(company_id, ""), created, faker)

    def _seed_asset(self, company_id: str, owner: str, created: float, faker: Faker) -> dict[str, Any]:
        metadata = {
            "title": faker.sentence(nb_words=4).rstrip("."),
            "description": faker.paragraph(nb_sentences=2),
            "category": faker.random_element(CATEGORIES),
            "language": faker.random_element(("en", "no", "sv", "da")),
            "tags": faker.words(nb=3),
        }
        return self._new_asset(company_id, owner, "seed", metadata, created)

    def _seed_file(self, asset: dict[str, Any], media: str, at: float) -> None:
        path = _media_path(media)
        info = probe_media(path)
        storage = next((s for s in self.db["storages"].values() if s["company_id"] == asset["company_id"]), None)
        asset["file"] = file_record(
            self.ids.uuid(), media, storage, f"archive/{media}", os.path.getsize(path), file_checksums(path),
            media_record(info), info.mime_type, None, at,
        )
        asset["status"] = "ready"
        asset["updated"] = at

    def s3_buckets(self) -> list[str]:
        """Every storage configuration's bucket (created on start, emptied on reset)."""
        return sorted({s["bucket"] for s in self.db["storages"].values()})

    def credentials(self) -> dict[str, Any]:
        """The demo user's login, the JWT service URL, and the S3 storage to upload to."""
        demo = self.user_by_key("demo") if any(u["key"] == "demo" for u in self.db["users"].values()) else next(iter(self.db["users"].values()))
        storage = next((s for s in self.db["storages"].values() if s["company_id"] == demo["company_id"]), None)
        found: dict[str, Any] = {"email": demo["email"], "password": demo["demo_password"]}
        base = self.ctx.base_url
        found["jwt_url"] = f"{base}/jwt" if base else "/jwt"
        found["map_application"] = "mockservers-demo"
        if storage is not None:
            found["storage_id"] = storage["id"]
            found["bucket"] = storage["bucket"]
        if self.ctx.s3 is not None and self.ctx.s3.running:
            info = self.ctx.s3.info()
            found.update({
                "s3_endpoint_url": info["endpoint_url"],
                "s3_region": info["region"],
                "s3_access_key_id": info["access_key_id"],
                "s3_secret_access_key": info["secret_access_key"],
            })
        return found

    def user_by_key(self, key: str) -> dict[str, Any]:
        """A seeded user by world key (demo, editor, other)."""
        for user in self.db["users"].values():
            if user["key"] == key:
                return user
        raise KeyError(key)

    def _setting(self, name: str, default: Any) -> Any:
        return self.ctx.settings.get(name, default)

    # -- JWT service ----------------------------------------------------------
    def login(self, email: str, password: str) -> dict[str, Any]:
        """The user with these credentials, or 401 invalid_credentials."""
        user = next((u for u in self.db["users"].values() if u["email"].lower() == email.strip().lower()), None)
        if user is None or _hash_password(user["password_salt"], password) != user["password_hash"]:
            raise mediabank_error(401, "invalid_credentials", "login failed: unknown email or wrong password")
        return user

    def token_ttl(self) -> int:
        """Token lifetime in seconds (setting ``token_ttl_seconds``)."""
        return int(self._setting("token_ttl_seconds", 3600))

    def issue_token(self, user: dict[str, Any]) -> dict[str, Any]:
        """A token with the claims of the public integration, living ``token_ttl_seconds`` of virtual time."""
        return {"token": self.mint_token(user["id"]), "ttl": self.token_ttl()}

    def mint_token(self, user_id: str, *, lifetime: float | None = None, secret: str | None = None, **claims: Any) -> str:
        """Sign a token for tests: override claims, a lifetime, or another secret (a wrongly signed token)."""
        user = self.db["users"][user_id]
        company = self.db["companies"][user["company_id"]]
        now = int(self.now())
        payload: dict[str, Any] = {
            "iss": tokens.ISSUER,
            "sub": user["id"],
            "fullname": user["fullname"],
            "email": user["email"],
            "phone": user["phone"],
            "company_id": company["id"],
            "company_name": company["name"],
            "roles": list(user["roles"]),
            "region": self.db["meta"]["region"],  # type: ignore[index]
            "iat": now,
            "exp": now + int(self.token_ttl() if lifetime is None else lifetime),
        }
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return tokens.sign(payload, secret or self.db["meta"]["secret"])  # type: ignore[index]

    def authenticate(self, token: str) -> dict[str, Any]:
        """The user a bearer token stands for, or a 401 that says what is wrong with it."""
        claims = tokens.verified_claims(token, self.db["meta"]["secret"], self.now())  # type: ignore[index]
        user_id = claims.get("sub")
        user = self.db["users"].get(user_id) if isinstance(user_id, str) else None
        if user is None or claims.get("company_id") != user["company_id"]:
            raise tokens.auth_error("token_claims_invalid", "the token's sub and company_id do not name a user of this Mediabank")
        return user

    def refresh(self, token: str) -> dict[str, Any]:
        """A fresh token for a still-valid one (an expired token must log in again)."""
        return self.issue_token(self.authenticate(token))

    # -- permissions ----------------------------------------------------------
    @staticmethod
    def require_role(user: dict[str, Any], role: str) -> None:
        """403 unless the user holds ``role``."""
        if role not in user["roles"]:
            raise mediabank_error(403, "forbidden", f"user {user['email']} lacks the {role!r} role needed for this request")

    # -- storages -------------------------------------------------------------
    def storages(self, user: dict[str, Any]) -> list[dict[str, Any]]:
        """The user's company's storage configurations."""
        with self.lock:
            return [s for s in self.db["storages"].values() if s["company_id"] == user["company_id"]]

    # -- assets ---------------------------------------------------------------
    def _new_asset(self, company_id: str, user_id: str, application: str, metadata: dict[str, Any], at: float) -> dict[str, Any]:
        asset_id = self.ids.uuid()
        asset = {
            "id": asset_id, "company_id": company_id, "metadata": metadata, "status": "empty", "file": None,
            "created": at, "updated": at, "created_by": user_id, "updated_by": user_id, "application": application,
            "revision": 1,
        }
        self.db["assets"][asset_id] = asset
        return asset

    def asset(self, user: dict[str, Any], asset_id: Any) -> dict[str, Any]:
        """An asset of the user's company, or 404 (other companies' assets are invisible)."""
        if not isinstance(asset_id, str) or not asset_id.strip():
            raise BadRequestError("id must be a non-empty string", "id")
        self.finalize_due()
        found = self.db["assets"].get(asset_id)
        if found is None or found["company_id"] != user["company_id"]:
            raise mediabank_error(404, "asset_not_found", f"asset {asset_id} not found")
        return found

    def create_asset(self, user: dict[str, Any], application: str, metadata: Any) -> dict[str, Any]:
        """A new asset with metadata (no file yet)."""
        self.require_role(user, ROLE_WRITE)
        checked = check_metadata(metadata, required=True)
        with self.lock:
            return self._new_asset(user["company_id"], user["id"], application, checked, self.now())

    def update_asset(self, user: dict[str, Any], application: str, asset_id: Any, metadata: Any) -> dict[str, Any]:
        """Merge metadata into an asset: given keys are set, keys given as null are removed (inferred)."""
        self.require_role(user, ROLE_WRITE)
        changes = check_metadata(metadata, required=True, allow_null=True)
        with self.lock:
            asset = self.asset(user, asset_id)
            merged = {**asset["metadata"], **changes}
            asset["metadata"] = {k: v for k, v in merged.items() if v is not None}
            asset["updated"] = self.now()
            asset["updated_by"] = user["id"]
            asset["application"] = application
            asset["revision"] += 1
            return asset

    def delete_asset(self, user: dict[str, Any], asset_id: str) -> None:
        """Remove an asset; a running ingest into it then fails."""
        self.require_role(user, ROLE_WRITE)
        with self.lock:
            asset = self.asset(user, asset_id)
            del self.db["assets"][asset["id"]]

    def search_assets(self, user: dict[str, Any], query: str | None) -> list[dict[str, Any]]:
        """The company's assets, newest first; ``query`` matches any text in the metadata (case-insensitive)."""
        self.require_role(user, ROLE_READ)
        self.finalize_due()
        with self.lock:
            found = [a for a in self.db["assets"].values() if a["company_id"] == user["company_id"]]
        if query:
            needle = query.casefold()
            found = [a for a in found if needle in _text_of(a["metadata"]).casefold()]
        return sorted(found, key=lambda a: (-a["created"], a["id"]))


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_text_of(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_text_of(v) for v in value)
    return ""


def check_metadata(metadata: Any, required: bool, allow_null: bool = False) -> dict[str, Any]:
    """Metadata must be a JSON object with non-empty string keys (values any JSON; null only to remove on update)."""
    if metadata is None:
        if required:
            raise BadRequestError("metadata is required (a JSON object)", "metadata")
        return {}
    if not isinstance(metadata, dict):
        raise BadRequestError(f"metadata must be a JSON object, not {type(metadata).__name__}", "metadata")
    if len(metadata) > MAX_METADATA_KEYS:
        raise BadRequestError(f"metadata may hold at most {MAX_METADATA_KEYS} keys", "metadata")
    for key, value in metadata.items():
        if not key.strip() or len(key) > 128:
            raise BadRequestError("metadata keys must be non-empty strings of at most 128 characters", "metadata")
        if value is None and not allow_null:
            raise BadRequestError(f"metadata.{key} is null; leave it out instead", f"metadata.{key}")
    return dict(metadata)


def require_application(value: str | None) -> str:
    """The MAP-Application header is required (inferred from the public integration, which always sends it)."""
    if value is None or not value.strip():
        raise ApiError(400, "the MAP-Application header is required: name your application (e.g. MAP-Application: my-app)", "missing_application")
    if len(value) > 128:
        raise ApiError(400, "the MAP-Application header must be at most 128 characters", "invalid_application")
    return value.strip()
