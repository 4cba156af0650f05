"""Folders, the folder tree and per-user folder rights."""

from __future__ import annotations


def test_top_folders_and_tree(mediaflow, mediaflow_client) -> None:
    top = mediaflow_client.get("/1/folders").json()
    assert top and all(f["parent"] is None and f["depth"] == 0 and f["type"] == 0 for f in top)
    tree = mediaflow_client.get("/1/foldertree").json()
    assert {f["id"] for f in top} < {f["id"] for f in tree}
    by_id = {f["id"]: f for f in tree}
    for folder in tree:  # depth-first: a parent comes before its children, one level up
        if folder["parent"]:
            parent = by_id[folder["parent"]]
            assert parent["depth"] == folder["depth"] - 1 and parent["hasChildren"] is True
            assert tree.index(parent) < tree.index(folder)
    assert any(f["archived"] for f in tree)


def test_children_and_single_folder(mediaflow, mediaflow_client) -> None:
    images = mediaflow.state.folder_by_key("images")
    children = mediaflow_client.get(f"/1/folders/{images['id']}/children").json()
    assert [c["name"] for c in children] == ["Kampanjer 2026", "Evenemang"]
    assert all(c["parent"] == images["id"] for c in children)
    assert mediaflow_client.get(f"/1/folders/{images['id']}").json()[0]["name"] == "Bilder"
    assert mediaflow_client.get(f"/1/folders/{children[0]['id']}/children").json() == []


def test_folder_files_are_that_folders_only(mediaflow, mediaflow_client) -> None:
    press = mediaflow.credentials["readonly_folder_id"]
    files = mediaflow_client.get(f"/1/folders/{press}/files", params={"per_page": 500, "fields": "id"}).json()
    expected = {f["id"] for f in mediaflow.state.db["files"].values() if f["folderId"] == press}
    assert {f["id"] for f in files} == expected and len(files) == len(expected) > 0
    # The docs guide's own call: singular /1/folder/{id}/files, type=any, processed=true, lower-case names.
    guide = mediaflow_client.get(f"/1/folder/{press}/files", params={
        "fields": "id,name,filename,filesize,type,smallpreview,thumbpreview,mark,uploaded,uploadedby",
        "type": "any", "processed": "true", "per_page": 500}).json()
    processed = {f["id"] for f in mediaflow.state.db["files"].values() if f["folderId"] == press and f["processed"]}
    assert {f["id"] for f in guide} == processed
    assert list(guide[0]) == ["id", "name", "filename", "type", "filesize", "mark", "uploadedBy", "uploaded",
                              "smallPreview", "thumbPreview"]
    page = mediaflow_client.get(f"/1/folders/{press}/files", params={"per_page": 3, "page": 2, "fields": "name"}).json()
    assert len(page) == 3 and all(set(f) == {"id", "name"} for f in page)


def test_hidden_folder_is_invisible_to_the_demo_user(mediaflow, mediaflow_client, make_mediaflow_client) -> None:
    hidden = mediaflow.credentials["hidden_folder_id"]
    assert hidden not in {f["id"] for f in mediaflow_client.get("/1/foldertree").json()}
    assert mediaflow_client.get(f"/1/folders/{hidden}").json() == []
    assert mediaflow_client.get(f"/1/folders/{hidden}/files").json() == []
    assert mediaflow_client.get(f"/1/folders/{hidden}/children").json() == []
    editor = make_mediaflow_client(mediaflow.state.user_by_key("editor")["refresh_token"])
    assert hidden in {f["id"] for f in editor.get("/1/foldertree").json()}
    assert editor.get(f"/1/folders/{hidden}/files", params={"fields": "id"}).json()


def test_unknown_folder_is_empty_but_bad_ids_and_params_are_400(mediaflow_client) -> None:
    assert mediaflow_client.get("/1/folders/1/files").json() == []
    assert mediaflow_client.get("/1/folders/1/children").json() == []
    response = mediaflow_client.get("/1/folders/abc/files")
    assert response.status_code == 400 and "folder id" in response.json()["error"]
    response = mediaflow_client.get("/1/folders/1/files", params={"per_page": "0"})
    assert response.status_code == 400 and "per_page" in response.json()["error"]
