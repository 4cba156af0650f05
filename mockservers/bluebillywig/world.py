"""The seeded demo publication: keys and a few hundred clips of both media types and every status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockservers.bluebillywig.entities import seed_entities
from mockservers.bluebillywig.renditions import display_aspect
from mockservers.core.clock import parse_iso8601
from mockservers.core.demo import DemoData

if TYPE_CHECKING:
    from mockservers.bluebillywig.state import BlueBillywigState

CATEGORIES = ("news", "sports", "music", "coffee", "travel", "tech", "food", "culture", "science", "business")
FRAME_SIZES = ((1920, 1080), (1280, 720), (3840, 2160), (1080, 1920), (640, 360))
DAY = 86400.0


def new_clip_record(state: BlueBillywigState, clip_id: str, created: float, user: str) -> dict[str, Any]:
    """A clip with every attribute at its empty default (what a create without fields yields)."""
    return {
        "id": clip_id,
        "mediatype": "video",
        "fitmode": "",
        "usetype": "editorial",
        "sourcetype": "on_demand",
        "originalfilename": "",
        "length": 0,
        "sourceid": None,
        "title": "",
        "description": "",
        "deeplink": "",
        "copyright": "",
        "author": "",
        "status": "draft",
        "publicationid": state.publication["id"],
        "chapters": [],
        "created": created,
        "updated": created,
        "published": None,
        "views": 0,
        "width": 0,
        "height": 0,
        "dar": "",
        "originalWidth": 0,
        "originalHeight": 0,
        "createdBy": user,
        "updatedBy": user,
        "date": 0.0,
        "src": "",
        "cat": [],
        "tags": [],
        "thumbnails": [],
        "assets": [],
        "job": None,
        "transcoded": False,
        "ingested": False,
        "versionIds": [],
    }


def build_world(state: BlueBillywigState) -> None:
    """Fill the state's tables from its world dict and seed (deterministic)."""
    world = state.world
    demo = DemoData()
    demo.seed_instance(state.seed)
    epoch = parse_iso8601(world.get("epoch", "2026-01-05T09:00:00Z")).timestamp()
    publication = dict(world.get("publication") or {"id": "754", "name": "Demo Publication", "shortname": "demo"})
    state.meta = {
        "epoch": epoch,
        "publication": publication,
        "bucket": world.get("bucket", "bluebillywig-uploads"),
        "counters": {"clip": 0, "asset": 0, "version": 0, "upload": 0, "job": 0, "entity": 0},
        "pending_jobs": [],
        "pending_puts": [],
        "building": True,
    }
    keys = world.get("keys") or []
    if not keys:
        raise ValueError("the world needs at least one API key")
    for key in keys:
        state.db["keys"][str(key["id"])] = {
            "id": str(key["id"]),
            "secret": str(key["secret"]),
            "user": key.get("user", f"api-{key['id']}@{publication['shortname']}.example"),
            "label": key.get("label", ""),
            "revoked": bool(key.get("revoked", False)),
        }
    user = next(iter(state.db["keys"].values()))["user"]
    specs: list[tuple[float, dict[str, Any]]] = []
    for index, spec in enumerate(world.get("clips", [])):
        specs.append((epoch - DAY * (index + 1) - 3600, dict(spec)))
    count = int(world.get("generated_clips", 0))
    rng = demo.random
    for number in range(count):
        created = epoch - DAY * 730 * (count - number) / max(count, 1) - rng.randint(0, 3600)
        specs.append((created, _generated_spec(demo, number)))
    specs.sort(key=lambda item: item[0])
    for created, spec in specs:
        _seed_clip(state, spec, created, min(epoch, created + DAY * rng.randint(0, 30)), user, demo)
    published = sorted((c["id"] for c in state.db["mediaclips"].values() if c["status"] == "published"), key=int, reverse=True)
    seed_entities(state, published, user)
    state.meta["building"] = False


def _generated_spec(demo: DemoData, number: int) -> dict[str, Any]:
    rng = demo.random
    mediatype = "video" if rng.random() < 0.7 else "audio"
    roll = rng.random()
    status = "published" if roll < 0.6 else "draft" if roll < 0.9 else "deleted"
    width, height = rng.choice(FRAME_SIZES) if mediatype == "video" else (0, 0)
    spec: dict[str, Any] = {
        "title": demo.sentence(nb_words=rng.randint(2, 6)).rstrip("."),
        "description": demo.paragraph(nb_sentences=2),
        "author": demo.name(),
        "copyright": demo.company() if rng.random() < 0.5 else "",
        "mediatype": mediatype,
        "status": status,
        "usetype": "commercial" if rng.random() < 0.15 else "editorial",
        "cat": rng.sample(CATEGORIES, rng.randint(0, 2)),
        "views": rng.randint(0, 50000) if status != "draft" else rng.randint(0, 50),
        "length": rng.randint(10, 900) if mediatype == "video" else rng.randint(30, 3600),
        "width": width,
        "height": height,
        "was_published": status != "published" and rng.random() < 0.2,
        # Some drafts are still waiting for their file.
        "has_file": not (status == "draft" and rng.random() < 0.2),
    }
    if rng.random() < 0.5:
        spec["sourceid"] = f"src-{number:04d}-{demo.bothify('??##').lower()}"
    return spec


def _seed_clip(state: BlueBillywigState, spec: dict[str, Any], created: float, updated: float, user: str, demo: DemoData) -> None:
    clip_id = state.next_id("clip")
    clip = new_clip_record(state, clip_id, created, user)
    for name in ("title", "description", "author", "copyright", "mediatype", "usetype", "sourceid", "views", "cat"):
        if name in spec:
            clip[name] = spec[name]
    clip["date"] = created
    status = spec.get("status", "draft")
    clip["status"] = status
    if status == "published" or spec.get("was_published"):
        clip["published"] = min(updated, created + 3600 * demo.random.randint(1, 48))
    if spec.get("has_file", True):
        width, height = int(spec.get("width", 0)), int(spec.get("height", 0))
        clip["originalfilename"] = f"{demo.slug()}.{'mp4' if clip['mediatype'] == 'video' else 'mp3'}"
        clip["length"] = int(spec.get("length", 30))
        clip.update(width=width, height=height, originalWidth=width, originalHeight=height, dar=display_aspect(width, height))
        clip["ingested"] = True
        state.attach_renditions(clip, True, clip["length"] * 1000 + demo.random.randint(0, 999), created + 600)
    clip["updated"] = max(updated, created + 600 if clip["ingested"] else created)
    state.db["mediaclips"][clip_id] = clip
    state.record_version(clip, "create", user)
