"""The conformance walk (``mockservers contracts check mediaflow``) passes against the emulator and covers the new routes."""

from __future__ import annotations

from mockservers.cli import main


def test_walk_passes_and_covers_the_current_api(mediaflow, capsys) -> None:
    code = main(["contracts", "check", "mediaflow", "--base-url", mediaflow.base_url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 violation(s)" in out
    outcomes = {" ".join(line.split()[:2]): line.split()[2] for line in out.splitlines()
                if line.startswith(("GET ", "PUT ", "POST ", "OPTIONS "))}
    for route in ("GET /1/oauth2/authorize", "GET /1/format", "GET /1/files/<file_id>/downloads",
                  "GET /1/files/<file_id>/downloads/<format_id>", "POST /1/files/multiple/usages",
                  "GET /1/folder/<folder_id>/files", "GET /1/files/<file_id>/usages"):
        assert outcomes[route] == "ok", out
