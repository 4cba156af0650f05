"""Building Mediaflow's seed world: customer, users, folder tree with rights, a few hundred files."""

from __future__ import annotations

import hashlib
import json
import string
from functools import cache
from pathlib import Path
from typing import Any

from mockservers.core.clock import parse_iso8601
from mockservers.core.demo import DemoData
from mockservers.core.media import probe_visual_size
from mockservers.core.paths import fixtures_dir
from mockservers.core.safepaths import fixture_file
from mockservers.core.state import BaseState
from mockservers.mediaflow.filetypes import type_for
from mockservers.mediaflow.probe import empty_facts, probe_facts

RIGHTS = ("read", "upload")
# Kinds whose geometry is read and previews rendered; documents get neither (inferred).
PICTURE_KINDS = ("image", "video")
IMAGE_SAMPLES = (
    "landscape-960x540.jpg",
    "landscape-640x427.jpg",
    "portrait-400x600.jpg",
    "square-320x320.png",
    "banner-600x200.png",
    "icon-128x128.gif",
)
VIDEO_SAMPLE = "media/small.mov"  # shared with Pixop: fixtures/media/small.mov
DOCUMENT_SAMPLE = "brochure.pdf"
_PREVIEW_ALPHABET = string.ascii_uppercase + string.digits
# Subjects for generated file names (Swedish common nouns; the demo words are English).
SUBJECTS = (
    "prispall", "sommarfest", "stadshuset", "hamnen", "skolgården", "biblioteket", "vinterväg", "cykelbana",
    "personal", "konferens", "invigning", "logotyp", "torget", "badplats", "parken", "idrottshall",
    "kommunhuset", "valborg", "midsommar", "utställning", "pressträff", "nationaldag", "brandstation", "skogen",
)


def default_world() -> dict[str, Any]:
    """fixtures/mediaflow/world.json."""
    return json.loads((fixtures_dir() / "mediaflow" / "world.json").read_text())


def sample_path(sample: str) -> Path:
    """Where a sample file lives: ``media/...`` is fixtures/media, anything else fixtures/mediaflow/media."""
    if sample.startswith("media/"):
        return fixture_file("media", sample[len("media/"):], "sample")
    return fixture_file("mediaflow/media", sample, "sample")


@cache
def sample_facts(sample: str) -> tuple[int, tuple[int, int] | None]:
    """(size in bytes, (width, height) or None) of a sample, read from the real file."""
    path = sample_path(sample)
    return path.stat().st_size, probe_visual_size(path)


@cache
def sample_details(sample: str, kind: str) -> tuple[str, dict[str, Any]]:
    """(md5 hex digest, Mediaflow's probed facts) of a sample, read from the real file."""
    path = sample_path(sample)
    return hashlib.md5(path.read_bytes()).hexdigest(), probe_facts(str(path), kind)


def preview_id(state: BaseState) -> str:
    """A preview id shaped like the seed's (``54ATNEZ6I4``: ten upper-case letters and digits)."""
    rng = state.ids.random
    return "".join(rng.choice(_PREVIEW_ALPHABET) for _ in range(10))


def build(state: BaseState) -> None:
    """Fill ``state.db`` from ``state.world`` and ``state.seed`` (deterministically)."""
    world = state.world
    demo = DemoData(locale="sv")
    demo.seed_instance(state.seed)
    epoch = parse_iso8601(world.get("epoch", "2026-01-05T09:00:00Z")).timestamp()
    rng = state.ids.random
    meta: dict[str, Any] = {"epoch": epoch, "next_folder_id": 84200 + rng.randrange(50), "next_usage_id": 1}
    state.meta = meta
    folder_keys: dict[str, int] = {}
    meta["folder_keys"] = folder_keys
    customer_id = _add_customer(state, demo, world["customer"])
    user_ids = _add_users(state, demo, customer_id, world.get("users", []))
    if "demo" not in user_ids:
        raise ValueError("the world needs a user with key 'demo'")
    pending: list[tuple[int, str, int]] = []  # (folder id, kind, count) of files to generate
    for folder in world.get("folders", []):
        _add_folder(state, demo, folder, None, 0, customer_id, user_ids, pending)
    _generate_files(state, demo, epoch, pending, user_ids, int(world.get("unprocessed_files", 0)))
    # Further customers (tenancy is per customer): built after the first, so its ids do not move.
    for spec in world.get("other_customers", []):
        other_id = _add_customer(state, demo, spec)
        other_users = _add_users(state, demo, other_id, spec.get("users", []))
        other_pending: list[tuple[int, str, int]] = []
        for folder in spec.get("folders", []):
            _add_folder(state, demo, folder, None, 0, other_id, other_users, other_pending)
        _generate_files(state, demo, epoch, other_pending, other_users, 0, start=state.meta["next_file_id"])


def _add_customer(state: BaseState, demo: DemoData, spec: dict[str, Any]) -> int:
    rng = state.ids.random
    customer_id = int(spec.get("id", 400 + rng.randrange(100)))
    if str(customer_id) in state.db["customers"]:
        raise ValueError(f"customer id {customer_id} appears twice in the world")
    state.db["customers"][str(customer_id)] = {
        "id": customer_id,
        "name": spec.get("name") or demo.company(),
        "server": int(spec.get("server", 17)),
        "client_id": spec["client_id"],
        "client_secret": spec["client_secret"],
        "token_secret": state.ids.hex(32),
    }
    return customer_id


def _add_users(state: BaseState, demo: DemoData, customer_id: int, users: list[dict[str, Any]]) -> dict[str, int]:
    user_ids: dict[str, int] = {}
    for index, user in enumerate(users):
        user_id = int(user.get("id", 5000 + len(state.db["users"]) + index))
        if str(user_id) in state.db["users"] or any(u["key"] == user["key"] for u in state.db["users"].values()):
            raise ValueError(f"user {user['key']!r} (id {user_id}) appears twice in the world")
        user_ids[user["key"]] = user_id
        state.db["users"][str(user_id)] = {
            "id": user_id,
            "key": user["key"],
            "customerId": customer_id,
            "name": user.get("name") or demo.name(),
            "email": user.get("email") or demo.email(),
            "refresh_token": user["refresh_token"],
            "username": user.get("username") or user.get("email") or f"{user['key']}@mediaflow.example",
            "password": user.get("password", f"{user['key']}-password"),
        }
    return user_ids


def _add_folder(
    state: BaseState, demo: DemoData, folder: dict[str, Any], parent: dict[str, Any] | None, depth: int,
    customer_id: int, user_ids: dict[str, int], pending: list[tuple[int, str, int]],
) -> None:
    meta = state.meta
    folder_id = meta["next_folder_id"]
    meta["next_folder_id"] += 1 + state.ids.random.randrange(7)
    inherited = dict(parent["rights"]) if parent else {}
    for key, right in (folder.get("rights") or {}).items():
        if key not in user_ids or right not in (*RIGHTS, None, "none"):
            raise ValueError(f"folder {folder.get('key')!r}: bad right {key!r}: {right!r}")
        inherited[str(user_ids[key])] = right if right in RIGHTS else None
    record = {
        "id": folder_id,
        "key": folder.get("key", str(folder_id)),
        "customerId": customer_id,
        "name": folder.get("name") or demo.word().capitalize(),
        "parent": parent["id"] if parent else 0,
        "depth": depth,
        "archived": bool(folder.get("archived", parent["archived"] if parent else False)),
        "separator": bool(folder.get("separator", False)),
        "position": len(state.db["folders"]),
        "rights": {uid: r for uid, r in inherited.items() if r},
    }
    state.db["folders"][str(folder_id)] = record
    meta["folder_keys"][record["key"]] = folder_id
    pending.append((folder_id, folder.get("kind", "image"), int(folder.get("files", 0))))
    for child in folder.get("children", []):
        _add_folder(state, demo, child, record, depth + 1, customer_id, user_ids, pending)


def _generate_files(
    state: BaseState,
    demo: DemoData,
    epoch: float,
    pending: list[tuple[int, str, int]],
    user_ids: dict[str, int],
    unprocessed: int,
    start: int | None = None,
) -> None:
    rng = state.ids.random
    uploaders = sorted(user_ids.values())
    drafts: list[dict[str, Any]] = []
    for folder_id, kind, count in pending:
        for number in range(count):
            if kind == "video":
                sample = VIDEO_SAMPLE
            elif kind == "document":
                sample = DOCUMENT_SAMPLE
            elif number % 17 == 16:
                sample = VIDEO_SAMPLE
            elif number % 23 == 22:
                sample = DOCUMENT_SAMPLE
            else:
                sample = IMAGE_SAMPLES[rng.randrange(len(IMAGE_SAMPLES))]
            subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
            name = subject if rng.random() < 0.4 else f"{subject}-{demo.city().lower().replace(' ', '-')}"
            drafts.append({
                "folderId": folder_id,
                "sample": sample,
                "name": name,
                "uploaded": round(epoch - rng.uniform(60, 365 * 86400)),
                "uploadedBy": uploaders[rng.randrange(len(uploaders))],
                "description": demo.sentence(nb_words=8),
                "keywords": demo.words(nb=3),
            })
    # Ids grow with upload time, as the seed's latest files (id 539420) suggest.
    drafts.sort(key=lambda d: d["uploaded"])
    next_id = 539000 - len(drafts) + rng.randrange(100) if start is None else start
    for index, draft in enumerate(drafts):
        next_id += 1 + rng.randrange(3)
        size, dims = sample_facts(draft["sample"])
        extension = Path(draft["sample"]).suffix.lstrip(".")
        file_type = type_for(f"x.{extension}")
        if file_type["type"] not in PICTURE_KINDS:
            dims = None
        stuck = index >= len(drafts) - unprocessed
        checksum, facts = sample_details(draft["sample"], file_type["type"])
        record = {
            "id": next_id,
            "folderId": draft["folderId"],
            "name": draft["name"],
            "filename": f"{draft['name']}.{extension}",
            "description": draft["description"],
            "keywords": draft["keywords"],
            "type": file_type,
            "filesize": size,
            "uploaded": draft["uploaded"],
            "uploadedBy": draft["uploadedBy"],
            "blobKey": f"fixture:{draft['sample']}",
            # The newest few are still "being processed" in the seed world (they never finish).
            "processed": not stuck,
            "job": None,
            "width": dims[0] if dims and not stuck else None,
            "height": dims[1] if dims and not stuck else None,
            "previewId": preview_id(state),
            "hasPreview": bool(dims) and not stuck,
            "previews": {},
            "checksum": checksum,
            "facts": facts if not stuck else empty_facts(),
            "nrDownloads": 0,
        }
        state.db["files"][str(next_id)] = record
        state.db["previews"][record["previewId"]] = {"fileId": next_id}
    state.meta["next_file_id"] = next_id + 1
