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


def _scan_files(state, user, folder_id=None, processed=None, kinds=None) -> list[int]:
    """What files() answered before its index: filter every file, sort newest first."""
    readable = {f["id"] for f in state.db["folders"].values() if state.right(user, f)}
    found = [
        f for f in state.db["files"].values()
        if f["folderId"] in readable and (folder_id is None or f["folderId"] == folder_id)
        and (processed is None or f["processed"] == processed) and (kinds is None or f["type"]["type"] in kinds)
    ]
    return [f["id"] for f in sorted(found, key=lambda f: (-f["uploaded"], -f["id"]))]


def _scan_folders(state, user, parent=None) -> list[int]:
    found = [f for f in state.db["folders"].values() if state.right(user, f) and (parent is None or f["parent"] == parent)]
    return [f["id"] for f in sorted(found, key=lambda f: f["position"])]


def _check_lists(state) -> None:
    for key in ("demo", "editor"):
        user = state.user_by_key(key)
        folder_ids = [f["id"] for f in state.db["folders"].values()] + [0, 999999]
        for parent in [None, *folder_ids]:
            assert [f["id"] for f in state.folders(user, parent)] == _scan_folders(state, user, parent), (key, parent)
        for folder in [None, *folder_ids]:
            for processed in (None, True, False):
                for kinds in (None, ["image"], ["video", "document"]):
                    found = state.files(user, folder_id=folder, processed=processed, kinds=kinds)
                    expected = _scan_files(state, user, folder, processed, kinds)
                    assert [f["id"] for f in found] == expected, (key, folder, processed, kinds)
                    assert [f["id"] for f in found[2:7]] == expected[2:7] and len(found) == len(expected)


def test_folder_and_file_lists_equal_a_scan_before_and_after_writes(mediaflow) -> None:
    state = mediaflow.state
    _check_lists(state)
    files, folders = state.db["files"], state.db["folders"]
    keys = list(files)
    files[keys[0]]["folderId"] = mediaflow.credentials["readonly_folder_id"]  # moved
    files[keys[1]]["uploaded"] += 10**7  # now the newest
    files[keys[2]]["processed"] = not files[keys[2]]["processed"]
    del files[keys[3]]
    files["-5"] = dict(files[keys[4]], id=-5)
    demo = str(state.user_by_key("demo")["id"])
    hidden = folders[str(mediaflow.credentials["hidden_folder_id"])]
    hidden["rights"][demo] = "read"  # the demo user may read it now
    readonly = folders[str(mediaflow.credentials["readonly_folder_id"])]
    readonly["position"] = -1
    _check_lists(state)
    mediaflow.reset()
    _check_lists(mediaflow.state)
