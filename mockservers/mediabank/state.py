"""Mediabank's domain: companies, users, storage configurations, assets and ingests. No Flask here."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from mockservers.core import fidelity
from mockservers.core.clock import parse_iso8601
from mockservers.core.demo import DemoData
from mockservers.core.errors import ApiError, BadRequestError
from mockservers.core.media import probe_media
from mockservers.core.paths import fixtures_dir
from mockservers.core.safepaths import fixture_file
from mockservers.core.state import BaseState
from mockservers.core.tables import IndexSpec, RecordList
from mockservers.mediabank import tokens
from mockservers.mediabank.errors import mediabank_error
from mockservers.mediabank.ingest import (
    IngestMixin,
    file_checksums,
    file_record,
    media_record,
    system_metadata,
)
from mockservers.mediabank.model import (
    ASSET_SUFFIX,
    CATEGORIES,
    COMPANY_SUFFIX,
    FIRST_ASSET,
    FIRST_COMPANY,
    FIRST_USER,
    MAX_METADATA_KEYS,
    ROLE_NAMES,
    ROLE_READ,
    ROLE_WRITE,
    USER_SUFFIX,
    asset_number,
    valid_unicode,
)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
DEFAULT_JWT_REGION = "eu-hilversum-1"  # client: the region claim of the integration's tokens


@lru_cache(maxsize=8192)
def iso_time(epoch: float) -> str:
    """ISO 8601 UTC with a Z, to the second (inferred format)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_password(salt: str, password: str) -> str:
    return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()


def _media_path(name: str) -> str:
    return str(fixture_file("media", name, "media"))


def _asset_groups(asset: dict[str, Any]) -> list[Any]:
    """The company's list, and (company, trigram) for every three characters of a casefolded metadata value."""
    company = asset["company_id"]
    groups: dict[Any, None] = {(company,): None}
    for value in asset["metadata"].values():
        if isinstance(value, str):
            text = value.casefold()
            for start in range(len(text) - 2):
                groups[("3", company, text[start : start + 3])] = None
    return list(groups)


# The asset list and its search answer from this (kept up to date from what a test changed): a search
# checks only the assets holding every three characters of its text, never the whole table.
ASSETS_NEWEST_FIRST = IndexSpec("mediabank.assets.newest", _asset_groups, lambda a: (-a["created"], -a["id"]))


class MediabankState(IngestMixin, BaseState):
    """All Mediabank data of one emulator instance."""

    provider = "mediabank"
    tables = ("companies", "users", "storages", "assets", "ingests")

    # -- world -------------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """fixtures/mediabank/world.json."""
        return json.loads((fixtures_dir() / "mediabank" / "world.json").read_text())

    def build_world(self) -> None:
        """Companies, users, storage configurations and seeded demo assets (some with a linked file)."""
        world = self.world
        demo = DemoData()
        demo.seed_instance(self.seed)
        epoch = parse_iso8601(world.get("epoch", "2026-01-05T09:00:00Z")).timestamp()
        self.meta = {
            "epoch": epoch,
            "region": world.get("region", "eu1"),
            "jwt_region": world.get("jwt_region", DEFAULT_JWT_REGION),
            "secret": self.ids.hex(32),
            "next_asset": FIRST_ASSET,
        }
        companies: dict[str, str] = {}
        for company in world.get("companies", []):
            company_id = str((FIRST_COMPANY + len(companies)) * 1000 + COMPANY_SUFFIX)  # the token's company_id: digits
            companies[company["key"]] = company_id
            self.db["companies"][company_id] = {"id": company_id, "key": company["key"], "name": company.get("name") or demo.company()}
        owners: dict[str, str] = {}
        for user in world.get("users", []):
            if user.get("company") not in companies:
                raise ValueError(f"user {user.get('key')!r} names an unknown company {user.get('company')!r}")
            userid = (FIRST_USER + len(self.db["users"])) * 1000 + USER_SUFFIX
            user_id = str(userid)
            salt = self.ids.hex(8)
            roles = list(user.get("roles", [ROLE_READ]))
            if not all(isinstance(r, int) and not isinstance(r, bool) for r in roles):
                raise ValueError(f"user {user.get('key')!r}: roles must be integers (see docs/mediabank.md), not {roles!r}")
            self.db["users"][user_id] = {
                "id": user_id,
                "userid": userid,
                "key": user["key"],
                "username": user.get("username") or user["email"],
                "email": user["email"],
                "fullname": user.get("fullname") or demo.name(),
                "phone": user.get("phone") or demo.numerify("+47 ### ## ###"),
                "company_id": companies[user["company"]],
                "roles": roles,
                # Both are opaque strings in the real tokens (apiToken: base64 of 40 hex digits).
                "api_token": base64.b64encode(self.ids.hex(20).encode()).decode(),
                "tags_api_token": user.get("tags_api_token"),
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
            asset = self._seed_asset(companies[spec["company"]], owners.get(companies[spec["company"]], ""), created, demo)
            if spec.get("media"):
                self._seed_file(asset, spec["media"], created + 600)
        for company_id in companies.values():
            for _ in range(int(world.get("generated_assets_per_company", 0))):
                created += 1800
                self._seed_asset(company_id, owners.get(company_id, ""), created, demo)

    def _seed_asset(self, company_id: str, owner: str, created: float, demo: DemoData) -> dict[str, Any]:
        metadata = {
            "Title": demo.sentence(nb_words=4).rstrip("."),
            "Description": demo.paragraph(nb_sentences=2),
            "Category": demo.random_element(CATEGORIES),
            "Language": demo.random_element(("en", "no", "sv", "da")),
            "Tags": ", ".join(demo.words(nb=3)),
        }
        return self._new_asset(company_id, owner, "seed", metadata, created)

    def _seed_file(self, asset: dict[str, Any], media: str, at: float) -> None:
        path = _media_path(media)
        info = probe_media(path)
        storage = next((s for s in self.db["storages"].values() if s["company_id"] == asset["company_id"]), None)
        size = os.path.getsize(path)
        asset["file"] = file_record(
            self.ids.uuid(), media, storage, f"archive/{media}", size, file_checksums(path),
            media_record(info), info.mime_type, None, at,
        )
        asset["metadata"].update(system_metadata(info, media, size))
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
        user = self.db["users"].find(lambda u: u["key"] == key)
        if user is None:
            raise KeyError(key)
        return user

    def _setting(self, name: str, default: Any) -> Any:
        return self.ctx.settings.get(name, default)

    # -- JWT service ----------------------------------------------------------
    def login(self, email: str, password: str) -> dict[str, Any]:
        """The user with these credentials, or 401 invalid_credentials."""
        wanted = email.strip().lower()
        user = self.db["users"].find(lambda u: u["email"].lower() == wanted)
        if user is None or _hash_password(user["password_salt"], password) != user["password_hash"]:
            raise mediabank_error(401, "invalid_credentials", "login failed: unknown email or wrong password")
        return user

    def token_ttl(self) -> int:
        """Token lifetime in seconds (setting ``token_ttl_seconds``)."""
        return int(self._setting("token_ttl_seconds", 3600))

    def issue_token(self, user: dict[str, Any]) -> dict[str, Any]:
        """A token with the real service's claim layout, living ``token_ttl_seconds`` of virtual time."""
        return {"token": self.mint_token(user["id"], company_id=user["company_id"]), "ttl": self.token_ttl()}

    def token_claims(self, user_id: str, *, company_id: str | None = None, lifetime: float | None = None) -> dict[str, Any]:
        """The claims the JWT service signs for a user (of their own company unless ``company_id`` names another)."""
        user = self.db["users"][user_id]
        company = self.db["companies"][company_id or user["company_id"]]
        now = int(self.now())
        return {
            "iss": tokens.ISSUER,
            "aud": tokens.AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + int(self.token_ttl() if lifetime is None else lifetime),
            "userId": user["userid"],
            "tagsApiToken": user["tags_api_token"],
            "apiToken": user["api_token"],
            "user": {
                "userid": user["userid"],
                "username": user["username"],
                "fullname": user["fullname"],
                "phone": user["phone"],
                "email": user["email"],
                "company_id": company["id"],
                "company_name": company["name"],
                "tags_api_token": user["tags_api_token"],
                "roles": list(user["roles"]),
                "region": self.meta["jwt_region"],
            },
        }

    def mint_token(
        self, user_id: str, *, company_id: str | None = None, lifetime: float | None = None, secret: str | None = None,
        user_claims: dict[str, Any] | None = None, **claims: Any,
    ) -> str:
        """Sign a token for tests: override top-level claims (None drops one), ``user`` claims, a lifetime, or the secret."""
        payload = self.token_claims(user_id, company_id=company_id, lifetime=lifetime)
        payload["user"].update(user_claims or {})
        for name, value in claims.items():
            if value is None:
                payload.pop(name, None)
            else:
                payload[name] = value
        return tokens.sign(payload, secret or self.meta["secret"])

    def authenticate(self, token: str) -> dict[str, Any]:
        """The caller a bearer token stands for: its user, the company and roles the token names; else a 401 saying why."""
        claims = tokens.verified_claims(token, self.meta["secret"], self.now())
        nested = claims.get("user")
        if not isinstance(nested, dict):
            raise tokens.auth_error("token_claims_invalid", "the token has no user object; get a token from the JWT service")
        userid = tokens.integer_id(claims.get("userId"))
        user = self.db["users"].get(str(userid)) if userid is not None else None
        if user is None or tokens.integer_id(nested.get("userid")) != userid:
            raise tokens.auth_error("token_claims_invalid", "the token's userId and user.userid do not name one user of this Mediabank")
        company_id = nested.get("company_id")
        # Tenancy comes from the token: the real service issues one user tokens for several companies.
        if isinstance(company_id, int) and not isinstance(company_id, bool):
            company_id = str(company_id)
        if not isinstance(company_id, str) or company_id not in self.db["companies"]:
            raise tokens.auth_error("token_claims_invalid", f"the token's user.company_id {company_id!r} is not a company of this Mediabank")
        roles = nested.get("roles")
        if not isinstance(roles, list) or not all(tokens.integer_id(r) is not None for r in roles):
            raise tokens.auth_error("token_claims_invalid", "the token's user.roles must be a list of integers")
        return {**user, "company_id": company_id, "roles": [tokens.integer_id(r) for r in roles]}

    def refresh(self, token: str) -> dict[str, Any]:
        """A fresh token for a still-valid one (an expired token must log in again), for the same company."""
        caller = self.authenticate(token)
        user = self.db["users"][caller["id"]]
        return {"token": self.mint_token(user["id"], company_id=caller["company_id"]), "ttl": self.token_ttl()}

    # -- permissions ----------------------------------------------------------
    @staticmethod
    def require_role(user: dict[str, Any], role: int) -> None:
        """403 unless the user holds ``role``."""
        if role not in user["roles"]:
            meaning = ROLE_NAMES.get(role, "this request")
            raise mediabank_error(403, "forbidden", f"user {user['email']} lacks role {role} ({meaning}) in user.roles of the token")

    # -- storages -------------------------------------------------------------
    def storages(self, user: dict[str, Any]) -> list[dict[str, Any]]:
        """The user's company's storage configurations."""
        with self.lock:
            return [s for s in self.db["storages"].values() if s["company_id"] == user["company_id"]]

    # -- assets ---------------------------------------------------------------
    def _new_asset(self, company_id: str, user_id: str, application: str, metadata: dict[str, str], at: float) -> dict[str, Any]:
        meta: dict[str, Any] = self.meta
        number = meta["next_asset"]
        meta["next_asset"] = number + 1
        asset_id = number * 1000 + ASSET_SUFFIX
        asset = {
            "id": asset_id, "company_id": company_id, "metadata": {**metadata, "FileStatus": "empty"}, "status": "empty",
            "file": None, "created": at, "updated": at, "created_by": int(user_id) if user_id else 0,
            "updated_by": int(user_id) if user_id else 0, "application": application, "revision": 1,
        }
        self.db["assets"][str(asset_id)] = asset
        return asset

    def asset(self, user: dict[str, Any], asset_id: Any) -> dict[str, Any]:
        """An asset of the user's company, or 404 (other companies' assets are invisible)."""
        number = asset_number(asset_id, "id")
        self.finalize_due()
        found = self.db["assets"].get(str(number))
        if found is None or found["company_id"] != user["company_id"]:
            raise mediabank_error(404, "asset_not_found", f"asset {number} not found")
        return found

    def create_asset(self, user: dict[str, Any], application: str, metadata: Any) -> dict[str, Any]:
        """A new asset with metadata (no file yet: FileStatus "empty")."""
        self.require_role(user, ROLE_WRITE)
        given = check_metadata(metadata, required=True)
        checked = {k: v for k, v in given.items() if v is not None}
        if len(checked) < len(given):
            fidelity.warn(
                "metadata-null-on-create",
                f"metadata keys {', '.join(sorted(set(given) - set(checked)))} are null on create; the emulator leaves them out "
                "(the real service may store them as NULL, as its hstore allows)",
                "inferred",
            )
        with self.lock:
            return self._new_asset(user["company_id"], user["id"], application, checked, self.now())

    def update_asset(self, user: dict[str, Any], application: str, asset_id: Any, metadata: Any) -> dict[str, Any]:
        """Merge metadata into an asset: given keys are set, keys given as null are removed (inferred)."""
        self.require_role(user, ROLE_WRITE)
        changes = check_metadata(metadata, required=True)
        with self.lock:
            asset = self.asset(user, asset_id)
            merged = {**asset["metadata"], **changes}
            asset["metadata"] = {k: v for k, v in merged.items() if v is not None}
            asset["updated"] = self.now()
            asset["updated_by"] = int(user["id"])
            asset["application"] = application
            asset["revision"] += 1
            return asset

    def delete_asset(self, user: dict[str, Any], asset_id: Any) -> int:
        """Remove an asset (its id answered); a running ingest into it then fails."""
        self.require_role(user, ROLE_WRITE)
        with self.lock:
            asset = self.asset(user, asset_id)
            del self.db["assets"][str(asset["id"])]
            return int(asset["id"])

    def search_assets(self, user: dict[str, Any], query: str | None) -> Sequence[dict[str, Any]]:
        """The company's assets, newest first; ``query`` matches any metadata value (case-insensitive).

        Read-only records, from an index (no rescan and resort per page).
        """
        self.require_role(user, ROLE_READ)
        self.finalize_due()
        assets, company = self.db["assets"], user["company_id"]
        with self.lock:
            entries = assets.ordered(ASSETS_NEWEST_FIRST, (company,))
            if not query:
                return RecordList(assets, entries)
            needle = query.casefold()
            group: tuple[str, ...] = (company,)
            for start in range(len(needle) - 2):  # the rarest trigram of the text narrows the candidates
                trigram = ("3", company, needle[start : start + 3])
                holding = assets.ordered(ASSETS_NEWEST_FIRST, trigram)
                if len(holding) < len(entries):
                    entries, group = holding, trigram
            found = assets.matching(
                ASSETS_NEWEST_FIRST, group, needle, lambda a: any(needle in v.casefold() for v in a["metadata"].values())
            )
        return RecordList(assets, found)


def check_metadata(metadata: Any, required: bool) -> dict[str, str | None]:
    """Metadata: a flat JSON object of string values (null removes a key); other values are stored as their text.

    The real store is a text-to-text map (the integration reads it as a PostgreSQL hstore), so a
    number or a list cannot be kept as such: the emulator keeps its JSON text and warns (inferred).
    """
    if metadata is None:
        if required:
            raise BadRequestError("metadata is required (a JSON object)", "metadata")
        return {}
    if not isinstance(metadata, dict):
        raise BadRequestError(f"metadata must be a JSON object, not {type(metadata).__name__}", "metadata")
    if len(metadata) > MAX_METADATA_KEYS:
        raise BadRequestError(f"metadata may hold at most {MAX_METADATA_KEYS} keys", "metadata")
    checked: dict[str, str | None] = {}
    for key, value in metadata.items():
        if not key.strip() or len(key) > 128:
            raise BadRequestError("metadata keys must be non-empty strings of at most 128 characters", "metadata")
        valid_unicode(key, "metadata")
        if value is None or isinstance(value, str):
            checked[key] = value if value is None else valid_unicode(value, f"metadata.{key}")
            continue
        text = valid_unicode(json.dumps(value, ensure_ascii=False, separators=(",", ":")), f"metadata.{key}")
        fidelity.warn(
            "metadata-not-string",
            f"metadata.{key} is a {type(value).__name__}; Mediabank keeps metadata as strings, so it is stored as {text!r}"
            " (the real service may refuse it or store another text form)",
            "inferred",
        )
        checked[key] = text
    return checked


def require_application(value: str | None) -> str:
    """The MAP-Application header is required (inferred from the public integration, which always sends it)."""
    if value is None or not value.strip():
        raise ApiError(400, "the MAP-Application header is required: name your application (e.g. MAP-Application: my-app)", "missing_application")
    if len(value) > 128:
        raise ApiError(400, "the MAP-Application header must be at most 128 characters", "invalid_application")
    return value.strip()
