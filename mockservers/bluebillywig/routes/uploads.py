"""Uploads: TUS (``/sapi/tus``, Python SDK) and ``/sapi/mediaclip/0/...`` (PHP/Node SDKs)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from mockservers.bluebillywig import uploads as flows
from mockservers.bluebillywig.routes.common import authenticated, json_body, state, warn_unknown_params
from mockservers.core.errors import BadRequestError
from mockservers.core.safejson import safe_loads

uploads = Blueprint("bluebillywig_uploads", __name__)


@uploads.post("/sapi/tus")
@authenticated
def tus_create(user: str) -> Response:
    """Tus-Resumable, Upload-Length, Upload-Metadata -> presigned part URLs on S3."""
    body = flows.tus_create(
        state(), request.headers.get("Tus-Resumable"), request.headers.get("Upload-Length"), request.headers.get("Upload-Metadata")
    )
    response = jsonify(body)
    response.status_code = 201
    response.headers["Tus-Resumable"] = "1.0.0"
    response.headers["Location"] = f"/sapi/tus/{body['tusUploadId']}"
    return response


@uploads.post("/sapi/tus/<upload_id>/complete")
@authenticated
def tus_complete(upload_id: str, user: str) -> Response:
    """[{PartNumber, ETag}] (or {"parts": [...]}) -> S3 multipart completed, file ingested."""
    return jsonify(flows.tus_complete(state(), upload_id, json_body()))


@uploads.delete("/sapi/tus/<upload_id>")
@authenticated
def tus_abort(upload_id: str, user: str) -> Response:
    """Abort (newer SDKs call this when a part fails)."""
    flows.tus_abort(state(), upload_id)
    response = Response(status=204)
    response.headers["Tus-Resumable"] = "1.0.0"
    return response


@uploads.get("/sapi/mediaclip/0/upload")
@authenticated
def s3_start(user: str) -> Response:
    """filename, filesize, contenttype, clipid -> {chunks, presignedUrls, key, uploadId}."""
    a = request.args
    warn_unknown_params("filename", "filesize", "contenttype", "clipid")
    return jsonify(flows.s3_start(state(), a.get("filename"), a.get("filesize"), a.get("contenttype"), a.get("clipid")))


@uploads.put("/sapi/mediaclip/0/completeUpload")
@authenticated
def s3_complete(user: str) -> Response:
    """{s3FileKey, s3UploadId, s3Parts} as the body (Node) or the ``json`` parameter (PHP)."""
    raw = request.args.get("json")
    if raw is not None:
        try:
            body = safe_loads(raw)
        except ValueError:
            raise BadRequestError("the json parameter is not valid JSON", "json") from None
    else:
        body = json_body()
    return jsonify(flows.s3_complete(state(), body, request.args.get("clipid")))


@uploads.put("/sapi/mediaclip/0/abortUpload")
@authenticated
def s3_abort(user: str) -> Response:
    """s3filekey, s3uploadid -> the multipart upload aborted."""
    warn_unknown_params("s3filekey", "s3uploadid")
    return jsonify(flows.s3_abort(state(), request.args.get("s3filekey"), request.args.get("s3uploadid")))


@uploads.route("/sapi/awsupload", methods=["GET", "POST"])
@authenticated
def aws_upload(user: str) -> Response:
    """type=mediaclip, mediaclipId -> where to upload straight into S3 (linked by x-amz-meta-uploadidentifier)."""
    a = request.args
    warn_unknown_params("type", "mediaclipId", "mediaclipid")
    return jsonify(flows.aws_upload(state(), a.get("type"), a.get("mediaclipId") or a.get("mediaclipid")))
