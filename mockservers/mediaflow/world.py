"""Building Mediaflow's seed world: customer, users, folder tree with rights, a few hundred files."""

from __future__ import annotations

import json
import string
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faker import Faker

from mockservers.core.clock import parse_iso8601
from mockservers.core.media import probe_visual_size
from mockservers.core.paths import fixtures_dir
from mockservers.core.safepaths import fixture_file
from mockservers.mediaflow.filetypes import type_for

if TYPE_CHECKING:
    from mockservers.mediaflow.state import MediaflowState

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
# Subjects for generated file names (Faker's sv_SE locale has no Swedish common nouns).
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


def preview_id(state: MediaflowState) -> str:
    """A preview id shaped like the seed's (``54ATNEZ6I4``: ten upper-case letters and digits)."""
    rng = state.ids.random
    return "".join(rng.choice(_PREVIEW_ALPHABET) for _ in range(10))


def build(state: MediaflowState) -> None:
    """Fill ``state.db`` from ``state.world`` and ``state.seed`` (deterministically)."""
    world = state.world
    faker = Faker("sv_SE")
    faker.seed_instance(state.seed)
    epoch = parse_iso8601(world.get("epoch", "2026-01-05T09:00:00Z")).timestamp()
    rng = state.ids.random
    meta: dict[str, Any] = {"epoch": epoch, "next_folder_id": 84200 + rng.randrange(50), "next_usage_id": 1}
    state.db["meta"] = meta
    spec = world["customer"]
    customer_id = int(spec.get("id", 400 + rng.randrange(100)))
    state.db["customers"][str(customer_id)] = {
        "id": customer_id,
        "name": spec.get("name") or faker.company(),
        "server": int(spec.get("server", 17)),
        "client_id": spec["client_id"],
        "client_secret": spec["client_secret"],
        "token_secret": state.ids.hex(32),
    }
    user_ids: dict[str, int] = {}
    for index, user in enumerate(world.get("users", [])):
        user_id = int(user.get("id", 5000 + index))
        user_ids[user["key"]] = user_id
        state.db["users"][str(user_id)] = {
            "id": user_id,
            "key": user["key"],
            "customerId": customer_id,
            "name": user.get("name") or faker.name(),
            "email": user.get("email") or faker.email(),
            "refresh_token": user["refresh_token"],
        }
    if "demo" not in user_ids:
        raise ValueError("the world needs a user with key 'demo'")
    pending: list[tuple[int, str, int]] = []  # (folder id, kind, count) of files to generate
    folder_keys: dict[str, int] = {}

    def add_folder(folder: dict[str, Any], parent: dict[str, Any] | None, depth: int) -> None:
        folder_id = meta["next_folder_id"]
        meta["next_folder_id"] += 1 + rng.randrange(7)
        inherited = dict(parent["rights"]) if parent else {}
        for key, right in (folder.get("rights") or {}).items():
            if key not in user_ids or right not in (*RIGHTS, None, "none"):
                raise ValueError(f"folder {folder.get('key')!r}: bad right {key!r}: {right!r}")
            inherited[str(user_ids[key])] = right if right in RIGHTS else None
        record = {
            "id": folder_id,
            "key": folder.get("key", str(folder_id)),
            "customerId": customer_id,
            "name": folder.get("name") or faker.word().capitalize(),
            "parent": parent["id"] if parent else 0,
            "depth": depth,
            "archived": bool(folder.get("archived", parent["archived"] if parent else False)),
            "separator": bool(folder.get("separator", False)),
            "position": len(state.db["folders"]),
            "rights": {uid: r for uid, r in inherited.items() if r},
        }
        state.db["folders"][str(folder_id)] = record
        folder_keys[record["key"]] = folder_id
        pending.append((folder_id, folder.get("kind", "image"), int(folder.get("files", 0))))
        for child in folder.get("children", []):
            add_folder(child, record, depth + 1)

    for folder in world.get("folders", []):
        add_folder(folder, None, 0)
    meta["folder_keys"] = folder_keys
    _generate_files(state, faker, epoch, pending, user_ids, int(world.get("unprocessed_files", 0)))


def _generate_files(
    state: MediaflowState,
    faker: Faker,
    epoch: float,
    pending: list[tuple[int, str, int]],
    user_ids: dict[str, int],
    unprocessed: int,
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
            name = subject if rng.random() < 0.4 else f"{subject}-{faker.city().lower().replace(' ', '-')}"
            drafts.append({
                "folderId": folder_id,
                "sample": sample,
                "name": name,
                "uploaded": round(epoch - rng.uniform(60, 365 * 86400)),
                "uploadedBy": uploaders[rng.randrange(len(uploaders))],
                "description": faker.sentence(nb_words=8),
                "keywords": faker.words(nb=3),
            })
    # Ids grow with upload time, as the seed's latest files (id 539420) suggest.
    drafts.sort(key=lambda d: d["uploaded"])
    next_id = 539000 - len(drafts) + rng.randrange(100)
    for index, draft in enumerate(drafts):
        next_id += 1 + rng.randrange(3)
        size, dims = sample_facts(draft["sample"])
        extension = Path(draft["sample"]).suffix.lstrip(".")
        file_type = type_for(f"x.{extension}")
        if file_type["type"] not in PICTURE_KINDS:
            dims = None
        stuck = index >= len(drafts) - unprocessed
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
            "processAt": None,
            "width": dims[0] if dims and not stuck else None,
            "height": dims[1] if dims and not stuck else None,
            "previewId": preview_id(state),
            "hasPreview": bool(dims) and not stuck,
            "previews": {},
        }
        state.db["files"][str(next_id)] = record
        state.db["previews"][record["previewId"]] = {"fileId": next_id}
    state.db["meta"]["next_file_id"] = next_id + 1
