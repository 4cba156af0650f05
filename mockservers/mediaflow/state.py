"""Mediaflow's domain: API keys and tokens, folders with per-user rights, files, uploads. No Flask here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mockservers.core.blobs import BlobInfo
from mockservers.core.errors import ApiError, BadRequestError, NotFoundError
from mockservers.core.jobs import Job
from mockservers.core.media import NotMediaError, probe_visual_size, render_preview_jpeg
from mockservers.core.state import BaseState
from mockservers.core.tables import FilteredRecords, IndexSpec, RecordList
from mockservers.mediaflow import downloads, tokens, world
from mockservers.mediaflow.downloads import Format
from mockservers.mediaflow.errors import UPLOAD_FORBIDDEN
from mockservers.mediaflow.filetypes import type_for
from mockservers.mediaflow.probe import empty_facts, probe_facts

UPLOAD_URL_LIFETIME = 600  # seed: "expiresIn": 600, "uploadURL fungerar i 10 min"
# Preview renditions: the seed's smallPreview is an ".../info/..." URL, mediumPreview ".../skiss/..."
# (Swedish "sketch"); their pixel sizes are not documented (inferred: 200 and 600 px boxes).
PREVIEW_SIZES = {"info": 200, "skiss": 600, "thumb": 100}  # thumbPreview (FACTS): inferred path and size
MAX_FILESIZE = 50 * 1024**3  # inferred upper bound for an announced upload
GRANT_TYPES = ("refresh_token", "password", "authorization_code")  # FACTS (docs)
AUTH_CODE_LIFETIME = 600  # inferred: authorization codes are short-lived and used once
TOKEN_SCOPES = ["2", "9"]  # the seed's token carries numeric scopes; their meaning is not documented


def _sample_keys(files: dict[str, Any]) -> list[str]:
    """Blob keys of the sample files seeded records point at (each once, in a stable order)."""
    return sorted({f["blobKey"] for f in files.values() if f["blobKey"].startswith("fixture:")})


def _pending_jobs(files: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(file id, job) of every file whose processing has not run yet."""
    return [(f["id"], f["job"]) for f in files.values() if not f["processed"] and f.get("job") is not None]


def _reader_groups(folder: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(customer, user) and (customer, user, parent) for every user with a right on the folder."""
    groups: list[tuple[Any, ...]] = []
    for user_id, right in folder["rights"].items():
        if right:
            groups += [(folder["customerId"], user_id), (folder["customerId"], user_id, folder["parent"])]
    return groups


# Folder and file lists answer from these (kept up to date from what a test changed): no rescan per page.
READABLE_FOLDERS = IndexSpec("mediaflow.folders.readable", _reader_groups, lambda f: f["position"])
FILES_NEWEST_FIRST = IndexSpec(
    "mediaflow.files.newest", lambda f: (("all",), ("folder", f["folderId"])), lambda f: (-f["uploaded"], -f["id"])
)


class MediaflowState(BaseState):
    """All Mediaflow data of one emulator instance (one customer and its users)."""

    provider = "mediaflow"
    tables = ("customers", "users", "folders", "files", "previews", "uploads", "usages", "codes")

    # -- world -----------------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """fixtures/mediaflow/world.json."""
        return world.default_world()

    def build_world(self) -> None:
        """Customer, users, folder tree with rights, and the generated files."""
        world.build(self)

    def after_load(self) -> None:
        """Register sample files as blobs and re-queue processing that has not run yet."""
        # The paths are resolved (and checked) in the scan, so once per built world while files are pristine.
        def sample_paths(files: dict[str, Any]) -> list[tuple[str, Path]]:
            return [(key, world.sample_path(key.split(":", 1)[1])) for key in _sample_keys(files)]

        for key, path in self.scan("files", "sample_paths", sample_paths):
            if self.ctx.blobs.get(key) is None:
                self.ctx.blobs.put_file(path, key=key)
        for file_id, job in self.scan("files", "pending_jobs", _pending_jobs):
            self._schedule_processing(file_id, Job.from_dict(job))

    def credentials(self) -> dict[str, Any]:
        """API keys of the demo user, plus folders it may and may not upload to."""
        customer = next(iter(self.db["customers"].values()))
        demo = self.user_by_key("demo")
        upload = self._demo_folder("upload")
        readonly = self._demo_folder("read")
        hidden = next((f for f in self.db["folders"].values() if str(demo["id"]) not in f["rights"]), None)
        return {
            "client_id": customer["client_id"],
            "client_secret": customer["client_secret"],
            "refresh_token": demo["refresh_token"],
            "username": demo["username"],
            "password": demo["password"],
            "user_id": demo["id"],
            "customer_id": customer["id"],
            "upload_folder_id": upload["id"] if upload else None,
            "readonly_folder_id": readonly["id"] if readonly else None,
            "hidden_folder_id": hidden["id"] if hidden else None,
        }

    def _demo_folder(self, right: str) -> dict[str, Any] | None:
        demo = str(self.user_by_key("demo")["id"])
        return next(
            (f for f in self.db["folders"].values() if f["rights"].get(demo) == right and not f["archived"]), None
        )

    def user_by_key(self, key: str) -> dict[str, Any]:
        """A seeded user by its world key (demo, editor)."""
        user = self.db["users"].find(lambda u: u["key"] == key)
        if user is None:
            raise KeyError(key)
        return user

    def folder_by_key(self, key: str) -> dict[str, Any]:
        """A seeded folder by its world key."""
        return self.db["folders"][str(self.meta["folder_keys"][key])]

    def _setting(self, name: str, default: float) -> float:
        return float(self.ctx.settings.get(name, default))

    # -- OAuth2 ----------------------------------------------------------------
    def issue_token(self, params: dict[str, str]) -> dict[str, Any]:
        """The token endpoint: grant_type refresh_token, password or authorization_code -> access token."""
        grant_type = params.get("grant_type")
        if not grant_type:
            raise BadRequestError(f"grant_type is required; one of {', '.join(GRANT_TYPES)}", "grant_type")
        if grant_type not in GRANT_TYPES:
            raise BadRequestError(f"unsupported grant_type {grant_type!r}; supported: {', '.join(GRANT_TYPES)}", "grant_type")
        needed = {"refresh_token": ("refresh_token",), "password": ("username", "password"), "authorization_code": ("code",)}
        for name in ("client_id", "client_secret", *needed[grant_type]):
            if not params.get(name):
                raise BadRequestError(f"{name} is required", name)
        customer = self._client(params["client_id"], params["client_secret"])
        with self.lock:
            if grant_type == "refresh_token":
                user = self.db["users"].find(
                    lambda u: u["customerId"] == customer["id"] and u["refresh_token"] == params["refresh_token"]
                )
                if user is None:
                    raise tokens.unauthorized(f"the refresh_token is not valid for client_id {customer['client_id']!r}")
            elif grant_type == "password":
                user = self._login(customer, params["username"], params["password"])
            else:
                user = self._redeem_code(customer, params["code"], params.get("redirect_uri"))
        answer: dict[str, Any] = {
            "access_token": self.mint_token(user["id"]), "token_type": "Bearer", "expires_in": tokens.TOKEN_LIFETIME_SECONDS,
        }
        if grant_type != "refresh_token":
            # A login hands the client the refresh token it keeps (docs); a refresh does not rotate it.
            answer["refresh_token"] = user["refresh_token"]
        return answer

    def _client(self, client_id: str, client_secret: str) -> dict[str, Any]:
        customer = self.db["customers"].find(lambda c: c["client_id"] == client_id)
        if customer is None:
            raise tokens.unauthorized(f"unknown client_id {client_id!r}")
        if client_secret != customer["client_secret"]:
            raise tokens.unauthorized(f"wrong client_secret for client_id {customer['client_id']!r}")
        return customer

    def _login(self, customer: dict[str, Any], username: str, password: str) -> dict[str, Any]:
        """The customer's user with this username (case-insensitive) and password; 401 otherwise."""
        wanted = username.strip().lower()
        user = self.db["users"].find(lambda u: u["customerId"] == customer["id"] and u["username"].lower() == wanted)
        if user is None or user["password"] != password:
            raise tokens.unauthorized(f"wrong username or password for client_id {customer['client_id']!r}")
        return user

    def authorize(self, params: dict[str, str]) -> str:
        """The authorize step, approved at once: a one-time code for the named (or the demo) user."""
        if params.get("response_type", "code") != "code":
            raise BadRequestError(f"unsupported response_type {params['response_type']!r}; use response_type=code", "response_type")
        for name in ("client_id", "redirect_uri"):
            if not params.get(name):
                raise BadRequestError(f"{name} is required", name)
        customer = self.db["customers"].find(lambda c: c["client_id"] == params["client_id"])
        if customer is None:
            raise tokens.unauthorized(f"unknown client_id {params['client_id']!r}")
        with self.lock:
            if params.get("username"):
                user = self._login(customer, params["username"], params.get("password", ""))
            else:
                user = self.db["users"].find(lambda u: u["customerId"] == customer["id"])
            code = self.ids.hex(16)
            self.db["codes"][code] = {
                "userId": user["id"], "customerId": customer["id"], "redirect_uri": params["redirect_uri"],
                "expires": self.now() + AUTH_CODE_LIFETIME,
            }
            return code

    def _redeem_code(self, customer: dict[str, Any], code: str, redirect_uri: str | None) -> dict[str, Any]:
        grant = self.db["codes"].pop(code, None)
        if grant is None or grant["customerId"] != customer["id"]:
            raise BadRequestError("the authorization code is not valid (unknown, already used, or another client's)", "code")
        if self.now() >= grant["expires"]:
            raise BadRequestError(f"the authorization code expired (it works for {AUTH_CODE_LIFETIME} s)", "code")
        if redirect_uri is not None and redirect_uri != grant["redirect_uri"]:
            raise BadRequestError("redirect_uri does not match the one of the authorize step", "redirect_uri")
        return self.db["users"][str(grant["userId"])]

    def mint_token(self, user_id: int, lifetime: float = tokens.TOKEN_LIFETIME_SECONDS, **claims: Any) -> str:
        """Sign an access token for a user (tests may override claims or the lifetime)."""
        user = self.db["users"][str(user_id)]
        customer = self.db["customers"][str(user["customerId"])]
        now = int(self.now())
        payload: dict[str, Any] = {
            "serv": str(customer["server"]),
            "sub": str(user["id"]),
            "exp": now + int(lifetime),
            "idcust": str(customer["id"]),
            "scopes": TOKEN_SCOPES,
            "iat": now,
        }
        payload.update(claims)
        return tokens.sign(payload, customer["token_secret"])

    def authenticate(self, token: str) -> dict[str, Any]:
        """The user an access token stands for; 401 (saying why) otherwise."""
        customer = self.db["customers"].get(str(tokens.unverified_customer(token)))
        if customer is None:
            raise tokens.unauthorized("the access token names no known customer (idcust); request a new token")
        claims = tokens.verify(token, customer["token_secret"], self.now())
        user = self.db["users"].get(str(claims.get("sub")))
        if user is None or user["customerId"] != customer["id"]:
            raise tokens.unauthorized("the access token names no user of this customer (sub); request a new token")
        return user

    # -- folders ---------------------------------------------------------------
    def right(self, user: dict[str, Any], folder: dict[str, Any]) -> str | None:
        """``upload``, ``read`` or None: the user's right on a folder."""
        if folder["customerId"] != user["customerId"]:
            return None
        return folder["rights"].get(str(user["id"]))

    def readable_folder(self, user: dict[str, Any], folder_id: int) -> dict[str, Any] | None:
        """A folder the user may read, or None (unknown and unreadable folders look the same)."""
        folder = self.db["folders"].get(str(folder_id))
        return folder if folder is not None and self.right(user, folder) else None

    def folders(self, user: dict[str, Any], parent: int | None = None) -> RecordList:
        """Readable folders in tree order; only the children of ``parent`` when given (read-only records, from an index)."""
        folders = self.db["folders"]
        group = (user["customerId"], str(user["id"])) if parent is None else (user["customerId"], str(user["id"]), parent)
        return RecordList(folders, folders.ordered(READABLE_FOLDERS, group))

    def has_children(self, user: dict[str, Any], folder: dict[str, Any]) -> bool:
        """Whether the folder has child folders the user can see."""
        return bool(self.db["folders"].ordered(READABLE_FOLDERS, (user["customerId"], str(user["id"]), folder["id"])))

    # -- files -----------------------------------------------------------------
    def files(
        self, user: dict[str, Any], *, folder_id: int | None = None, processed: bool | None = None, kinds: list[str] | None = None
    ) -> FilteredRecords:
        """Readable files, newest first, filtered by folder, processed state and type.

        Read-only records, walked off an index only as far as a page reads (no rescan and resort per page).
        """
        readable = {f["id"] for f in self.folders(user)}
        files = self.db["files"]
        if folder_id is not None and folder_id not in readable:
            return FilteredRecords(files, [], bool)
        entries = files.ordered(FILES_NEWEST_FIRST, ("all",) if folder_id is None else ("folder", folder_id))

        def keep(f: dict[str, Any]) -> bool:
            return (
                f["folderId"] in readable
                and (processed is None or f["processed"] == processed)
                and (kinds is None or f["type"]["type"] in kinds)
            )

        return FilteredRecords(files, entries, keep)

    def file(self, user: dict[str, Any], file_id: int) -> dict[str, Any] | None:
        """A file the user may read, or None."""
        record = self.db["files"].get(str(file_id))
        if record is None or self.readable_folder(user, record["folderId"]) is None:
            return None
        return record

    def add_usages(self, user: dict[str, Any], file_ids: list[int], usage: dict[str, Any]) -> list[dict[str, Any]]:
        """Record one usage for each file; all or nothing (404 naming the first unknown or unreadable file)."""
        with self.lock:
            records = []
            for file_id in file_ids:
                record = self.file(user, file_id)
                if record is None:
                    raise NotFoundError(f"file {file_id} not found")
                records.append(record)
            meta = self.meta
            stored = []
            for record in records:
                usage_id = meta["next_usage_id"]  # type: ignore[index]
                meta["next_usage_id"] = usage_id + 1  # type: ignore[index]
                entry = {"id": usage_id, "fileId": record["id"], "userId": user["id"], "created": self.now(), **usage}
                self.db["usages"][str(usage_id)] = entry
                stored.append(entry)
            return stored

    def usages(self, user: dict[str, Any], file_id: int) -> list[dict[str, Any]]:
        """Usages reported for a readable file ([] when the file is unknown)."""
        if self.file(user, file_id) is None:
            return []
        return sorted((u for u in self.db["usages"].values() if u["fileId"] == file_id), key=lambda u: u["id"])

    # -- upload ------------------------------------------------------------------
    def start_upload(self, user: dict[str, Any], filename: str, filesize: int, folder_id: int) -> dict[str, Any]:
        """Announce an upload: a one-time upload slot valid for 600 s, or 404/403 for the folder."""
        with self.lock:
            folder = self.db["folders"].get(str(folder_id))
            if folder is None or folder["customerId"] != user["customerId"]:
                raise NotFoundError(f"folder {folder_id} not found")
            if self.right(user, folder) != "upload":
                raise ApiError(403, UPLOAD_FORBIDDEN)
            if folder["archived"]:
                raise ApiError(403, UPLOAD_FORBIDDEN)
            token = self.ids.hex(20)
            now = self.now()
            slot = {
                "token": token, "userId": user["id"], "folderId": folder["id"], "filename": filename,
                "filesize": filesize, "created": now, "expires": now + UPLOAD_URL_LIFETIME, "fileId": None,
            }
            self.db["uploads"][token] = slot
            return slot

    def upload_slot(self, token: str) -> dict[str, Any]:
        """A live upload slot, or the error saying why it cannot take bytes."""
        slot = self.db["uploads"].get(token)
        if slot is None:
            raise NotFoundError("unknown upload URL; announce the upload with POST /1/file first")
        if slot["fileId"] is not None:
            raise ApiError(410, "this upload URL has already been used; announce a new upload with POST /1/file")
        if self.now() >= slot["expires"]:
            raise ApiError(
                403, f"this upload URL expired {int(self.now() - slot['expires'])} second(s) ago (it works for "
                f"{UPLOAD_URL_LIFETIME} s); announce a new upload with POST /1/file",
            )
        return slot

    def complete_upload(self, token: str, blob: BlobInfo) -> dict[str, Any]:
        """Store the uploaded bytes as a new, unprocessed file and queue its processing."""
        with self.lock:
            slot = self.upload_slot(token)
            if blob.size != slot["filesize"]:
                raise BadRequestError(
                    f"the upload has {blob.size} bytes but {slot['filesize']} were announced (filesize); "
                    "nothing was stored",
                    "filesize",
                )
            meta = self.meta
            file_id = meta["next_file_id"]  # type: ignore[index]
            meta["next_file_id"] = file_id + 1  # type: ignore[index]
            filename = slot["filename"]
            stem = filename.rsplit(".", 1)[0] if "." in filename.strip(".") else filename
            now = self.now()
            record = {
                "id": file_id, "folderId": slot["folderId"], "name": stem, "filename": filename,
                "description": "", "keywords": [], "type": type_for(filename), "filesize": blob.size,
                "uploaded": now, "uploadedBy": slot["userId"], "blobKey": blob.key, "processed": False,
                "job": Job(started_at=now, duration=self._setting("process_seconds", 3.0), initial_fraction=0.0).to_dict(),
                "width": None, "height": None,
                "previewId": world.preview_id(self), "hasPreview": False, "previews": {},
                "checksum": blob.md5, "facts": empty_facts(), "nrDownloads": 0,
            }
            self.db["files"][str(file_id)] = record
            self.db["previews"][record["previewId"]] = {"fileId": file_id}
            slot["fileId"] = file_id
            self._schedule_processing(file_id, Job.from_dict(record["job"]))
            return record

    # -- processing ----------------------------------------------------------------
    def _schedule_processing(self, file_id: int, job: Job) -> None:
        """Processing is a clock-driven job (core.jobs); its on-done hook does the work."""
        self.ctx.scheduler.schedule_job(job, lambda _view: self._process(file_id))

    def _process(self, file_id: int) -> None:
        """Read the real geometry and render both previews; the file becomes processed."""
        with self.lock:
            record = self.db["files"].get(str(file_id))
            if record is None or record["processed"]:
                return
            blob = self.ctx.blobs.get(record["blobKey"])
            pictured = blob is not None and record["type"]["type"] in world.PICTURE_KINDS
            dims = probe_visual_size(blob.path) if pictured and blob is not None else None
            previews: dict[str, str] = {}
            if dims is not None and blob is not None:
                try:
                    for rendition, size in PREVIEW_SIZES.items():
                        previews[rendition] = self._store_preview(record, rendition, blob.path, size)
                except NotMediaError:
                    dims = None
            facts = probe_facts(blob.path, record["type"]["type"]) if blob is not None else empty_facts()
            # One update at the end: readers never see a half-processed file.
            record.update({
                "facts": facts,
                "previews": previews if dims else {},
                "width": dims[0] if dims else None,
                "height": dims[1] if dims else None,
                "hasPreview": dims is not None,
                "processed": True,
            })

    def _store_preview(self, record: dict[str, Any], rendition: str, source: str, size: int) -> str:
        key = f"mediaflow-preview:{record['previewId']}:{rendition}"
        return self.ctx.blobs.put_bytes(render_preview_jpeg(source, size), key=key).key

    def preview(self, preview_id: str, rendition: str) -> BlobInfo:
        """A rendered preview (rendered on first use for seeded files); 404 when the file has none."""
        entry = self.db["previews"].get(preview_id)
        record = self.db["files"].get(str(entry["fileId"])) if entry else None
        if record is None or rendition not in PREVIEW_SIZES or not record["hasPreview"]:
            raise NotFoundError("no such preview")
        blob = self.ctx.blobs.get(f"mediaflow-preview:{preview_id}:{rendition}")
        if blob is None:
            source = self.ctx.blobs.get(record["blobKey"])
            if source is None:
                raise NotFoundError("the file's media is no longer stored")
            key = self._store_preview(record, rendition, source.path, PREVIEW_SIZES[rendition])
            blob = self.ctx.blobs.get(key)
        assert blob is not None
        return blob

    # -- downloads -------------------------------------------------------------------
    def download_formats(self, user: dict[str, Any], file_id: int) -> list[tuple[Format, int | None, int | None]] | None:
        """(format, width, height) of each format the file can be downloaded in; None for an unknown file."""
        record = self.file(user, file_id)
        if record is None:
            return None
        kind, width, height = record["type"]["type"], record["width"], record["height"]
        found: list[tuple[Format, int | None, int | None]] = []
        for fmt in downloads.FORMATS:
            if downloads.applies(fmt, kind, width, height):
                size = downloads.output_size(fmt, width, height) if width and height else (width, height)
                found.append((fmt, *size))
        return found

    def download(self, user: dict[str, Any], file_id: int, format_id: int) -> tuple[BlobInfo, str, str | None]:
        """(blob, file name, mimetype or None) of a file in a format; counts the download (nrDownloads)."""
        with self.lock:
            record = self.file(user, file_id)
            if record is None:
                raise NotFoundError(f"file {file_id} not found")
            fmt = downloads.BY_ID.get(format_id)
            if fmt is None:
                raise NotFoundError(f"format {format_id} not found; GET /1/format lists them")
            if not downloads.applies(fmt, record["type"]["type"], record["width"], record["height"]):
                raise NotFoundError(f"format {format_id} is not available for file {file_id}; only the original (0) is")
            source = self.ctx.blobs.get(record["blobKey"])
            if source is None:
                raise NotFoundError("the file's media is no longer stored")
            if fmt.id == downloads.ORIGINAL:
                blob, filename, mimetype = source, record["filename"], None
            else:
                key = f"mediaflow-download:{record['id']}:{fmt.id}"
                blob = self.ctx.blobs.get(key) or self.ctx.blobs.put_bytes(downloads.convert(source.path, fmt), key=key)
                filename, mimetype = f"{record['name']}.{fmt.extension}", downloads.MIME[fmt.extension or ""]
            record["nrDownloads"] = record.get("nrDownloads", 0) + 1
            return blob, filename, mimetype


def check_filesize(value: Any) -> int:
    """An announced size: a positive integer (JSON number or digit string) up to MAX_FILESIZE."""
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value.lstrip("0")) <= len(str(MAX_FILESIZE)):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_FILESIZE:
        raise BadRequestError(f"filesize must be a positive integer number of bytes (at most {MAX_FILESIZE}); got {shown}", "filesize")
    return value
