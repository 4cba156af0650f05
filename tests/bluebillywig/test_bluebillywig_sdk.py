"""Blue Billywig's official Python SDK (bb-sapi-python-sdk), unchanged, against the emulator."""

from __future__ import annotations

import pytest
from bluebillywig_helpers import SMALL_MOV

bb_sapi = pytest.importorskip("bb_sapi")


def test_get_and_list_with_limit_offset_sort_and_status(sdk) -> None:
    page = sdk.mediaclip.list(limit=5, offset=5, sort="createddate DESC", status="published")
    assert page["count"] == 5 and page["offset"] == 5
    assert {c["status"] for c in page["items"]} == {"published"}
    dates = [c["createddate"] for c in page["items"]]
    assert dates == sorted(dates, reverse=True)
    first = page["items"][0]
    assert sdk.mediaclip.get(first["id"]) == first
    assert sdk.list("mediaclip", limit=3, sort="title asc")["count"] == 3


def test_create_update_publish_unpublish_versions_delete_purge(bluebillywig, sdk) -> None:
    clip = sdk.mediaclip.create({"title": "SDK clip", "usetype": "editorial", "status": "draft"})
    assert clip["status"] == "draft" and clip["publisheddate"] is None
    assert sdk.mediaclip.update(clip["id"], {"title": "SDK clip 2"})["title"] == "SDK clip 2"
    published = sdk.mediaclip.publish(clip["id"])
    assert published["status"] == "published" and published["publisheddate"]
    assert sdk.mediaclip.unpublish(clip["id"])["status"] == "draft"
    versions = sdk.versions("mediaclip", clip["id"])
    assert [v["isLatest"] for v in versions] == [True, False, False, False]
    assert sdk.mediaclip.delete(clip["id"], purge=True)["body"] == "mediaclip was succesfully removed"
    with pytest.raises(bb_sapi.SapiNotFoundError):
        sdk.mediaclip.get(clip["id"])


def test_soft_delete(sdk) -> None:
    clip = sdk.mediaclip.create({"title": "Soft"})
    assert sdk.mediaclip.delete(clip["id"])["code"] == "200"
    assert sdk.mediaclip.get(clip["id"])["status"] == "deleted"


def test_search_and_content_clips(sdk) -> None:
    sdk.mediaclip.create({"title": "Quokka documentary"})
    found = sdk.mediaclip.search("title:quokka")
    assert found["numfound"] == 1 and found["items"][0]["title"] == "Quokka documentary"
    assert sdk.search("*:*", entity_type="MediaClip", limit=2)["count"] == 2
    clips = sdk.mediaclip.content_clips(limit=10)
    assert len(clips) == 10 and all(c["usetype"] != "commercial" for c in clips)


def test_get_jwt(bluebillywig, sdk) -> None:
    token = sdk.get_jwt()
    assert token.count(".") == 2
    import requests

    response = requests.get(bluebillywig.base_url + "/sapi/mediaclip", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200


def test_create_mediaclip_uploads_a_real_video_through_s3(bluebillywig, sdk) -> None:
    result = sdk.create_mediaclip(str(SMALL_MOV), title="Small movie", description="from the SDK")
    assert result.mediaclip_id and result.file_size == SMALL_MOV.stat().st_size
    head = bluebillywig.state.ctx.s3.head(bluebillywig.credentials["s3_bucket"], result.s3_key)
    assert head["ContentLength"] == SMALL_MOV.stat().st_size
    clip = sdk.mediaclip.get(result.mediaclip_id)
    assert clip["title"] == "Small movie" and clip["originalfilename"] == "small.mov" and clip["hasJobs"] == "true"
    bluebillywig.clock.advance(6)
    clip = sdk.mediaclip.get(result.mediaclip_id)
    assert clip["transcodingFinished"] is True and clip["assets"] and clip["thumbnails"]


def test_errors_map_to_the_sdks_exceptions(bluebillywig, sdk) -> None:
    with pytest.raises(bb_sapi.SapiNotFoundError):
        sdk.mediaclip.get("1")
    with pytest.raises(bb_sapi.SapiClientError, match="status must be one of"):
        sdk.mediaclip.create({"status": "nope"})
    wrong = bb_sapi.SapiClient(base_url=bluebillywig.base_url, shared_secret="490-wrongsecret")
    with pytest.raises(bb_sapi.SapiAuthError):
        wrong.mediaclip.list()


def test_sdk_on_its_real_publication_host_in_process(mockservers_intercept, bluebillywig) -> None:
    client = bb_sapi.SapiClient(base_url="https://demo.bbvms.com", shared_secret=bluebillywig.credentials["shared_secret"])
    assert client.mediaclip.list(limit=1)["count"] == 1
    assert bluebillywig.journal.last().path == "/sapi/mediaclip"
