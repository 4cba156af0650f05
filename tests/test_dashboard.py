"""The web dashboard in a real browser (Playwright driving the system Chromium) against a real sandbox."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import requests
from authenticated_calls import AUTHENTICATED_CALLS

ROOT = Path(__file__).resolve().parents[1]
SMALL_MOV = ROOT / "fixtures" / "media" / "small.mov"
INSTALL_HINT = (
    "the dashboard test needs Chromium and Playwright: `apt-get install -y chromium` (Debian) and "
    "`pip install playwright` (in the test extra); or point MOCKSERVERS_CHROMIUM at a Chromium binary"
)


def _chromium() -> str:
    path = os.environ.get("MOCKSERVERS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(INSTALL_HINT)
    return path


@pytest.fixture
def browser_page():
    """A Playwright page in the system Chromium (Playwright cannot download its own browser here)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(INSTALL_HINT)
    executable = _chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # Nothing may be fetched from outside: every request must go to the sandbox on loopback.
        outside: list[str] = []
        page.on("request", lambda request: None if request.url.startswith("http://127.0.0.1:") else outside.append(request.url))
        yield page
        browser.close()
        assert outside == [], f"the dashboard fetched from outside: {outside}"


def _login(base: str) -> dict[str, str]:
    token = requests.get(f"{base}/accounts/v1/token", auth=("demo@pixop.example", "demo-password"), timeout=10).json()["jwtToken"]
    return {"Authorization": f"Bearer {token}"}


def _upload(base: str, auth: dict[str, str]) -> str:
    project = requests.put(f"{base}/videos/v1/project", json={"name": "browser"}, headers=auth, timeout=10).json()["project"]["id"]
    created = requests.put(f"{base}/videos/v1/video", json={"projectId": project}, headers=auth, timeout=10).json()
    with SMALL_MOV.open("rb") as media:
        answer = requests.post(created["uploadLightMediaUrl"], files={"file": media}, headers=auth, timeout=30)
    assert answer.status_code in (200, 201), answer.text
    return created["videoId"]


@pytest.mark.slow
def test_dashboard_in_a_browser(run_sandbox, browser_page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser_page
    _process, info = run_sandbox("pixop", "--port", "pixop=0", "--port", "dashboard=0",
                                 "--setting", "pixop.ingest_seconds=100")
    base = info["pixop"]["base_url"]

    # The sandbox home page lists the provider and links its dashboard.
    page.goto(info["dashboard"]["base_url"] + "/")
    expect(page.locator("#providers")).to_contain_text("pixop")
    page.click("#providers a:text-is('dashboard')")
    page.wait_for_url(f"{base}/__admin/ui")

    # The world: credentials, a ready auth header, the state table by table with each record.
    expect(page.locator("#provider")).to_have_text("pixop")
    expect(page.locator("#credentials")).to_contain_text("demo@pixop.example")
    expect(page.locator("#auth-header")).to_contain_text("Authorization: Bearer ey")
    header = page.locator("#auth-header").inner_text().split(": ", 1)[1]
    assert requests.get(f"{base}/videos/v1/projects", headers={"Authorization": header}, timeout=10).status_code == 200
    state = requests.get(f"{base}/__admin/state", timeout=10).json()["db"]
    for table, records in state.items():
        expect(page.locator(f"details[data-table='{table}'] summary")).to_have_text(f"{table} ({len(records)})")
    expect(page.locator("details[data-table='videos'] tr.record")).to_have_count(len(state["videos"]))

    # Freeze the clock from the page, upload through the API, and watch journal and job appear.
    page.click("#freeze")
    expect(page.locator("#clock-frozen")).to_have_text("(frozen)")
    auth = _login(base)
    video = _upload(base, auth)
    expect(page.locator("#journal tr.entry", has_text="/upload").first).to_be_visible()
    bar = page.locator(f"[data-job='videos/{video}/ingest']")
    expect(bar).to_be_visible()
    # The clock is frozen, so the bar stands still until the page moves the clock.
    expect(bar).to_have_attribute("aria-valuenow", "0")
    page.fill("#advance-seconds", "50")
    page.click("#advance")
    expect(bar).to_have_attribute("aria-valuenow", "50")  # 50 of ingest_seconds=100
    page.fill("#advance-seconds", "100")
    page.click("#advance")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(bar).to_have_class("bar done")

    # The journal's detail shows the request and the response.
    row = page.locator("#journal tr.entry", has_text="/videos/v1/project").first
    row.click()
    detail = page.locator("#journal tr.detail:visible")
    expect(detail).to_contain_text('"name": "browser"')  # the request body
    expect(detail).to_contain_text("Response 200")
    expect(detail).to_contain_text('"teamId"')  # the response body
    page.screenshot(path=str(tmp_path / "dashboard.png"))

    # A fault, added on the page, answers the next call; removed on the page, it is gone.
    page.fill("#fault-path", "/videos/v1/projects")
    page.fill("#fault-status", "503")
    page.click("#fault-add")
    expect(page.locator("#faults tr.fault")).to_have_count(1)
    assert requests.get(f"{base}/videos/v1/projects", headers=auth, timeout=10).status_code == 503
    expect(page.locator("#journal tr.entry", has_text="503 (fault)").first).to_be_visible()
    page.click(".fault-remove")
    expect(page.locator("#faults tr.fault")).to_have_count(0)
    assert requests.get(f"{base}/videos/v1/projects", headers=auth, timeout=10).status_code == 200

    # Set the clock to an instant; it stays there while frozen.
    page.fill("#set-time", "2030-01-01T00:00:00Z")
    page.click("#set")
    expect(page.locator("#clock-now")).to_have_text("2030-01-01T00:00:00Z")
    assert requests.get(f"{base}/__admin/clock", timeout=10).json()["now"] == "2030-01-01T00:00:00Z"

    # Reset: the upload, the journal and the frozen clock are gone.
    page.click("#reset")
    expect(page.locator("#clock-frozen")).to_have_text("(running)")
    expect(page.locator(f"[data-job='videos/{video}/ingest']")).to_have_count(0)
    expect(page.locator("details[data-table='videos'] tr.record")).to_have_count(len(state["videos"]))
    assert requests.get(f"{base}/__admin/journal", timeout=10).json()["count"] <= 1  # at most the page's own auth call




@pytest.mark.parametrize("name", list(AUTHENTICATED_CALLS))
def test_every_emulator_serves_the_dashboard_and_a_working_auth_header(name: str, request: pytest.FixtureRequest) -> None:
    emulator = request.getfixturevalue(name)
    base = emulator.base_url
    page = requests.get(f"{base}/__admin/ui", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "/__admin/ui/dashboard.js" in page.text and "http" not in page.text.replace("http://www.w3.org", "")
    for asset in ("dashboard.js", "dashboard.css"):
        assert requests.get(f"{base}/__admin/ui/{asset}", timeout=10).status_code == 200
    jobs = requests.get(f"{base}/__admin/jobs", timeout=10)
    assert jobs.status_code == 200 and isinstance(jobs.json()["jobs"], list)
    headers = requests.get(f"{base}/__admin/ui/auth", timeout=10).json()["headers"]
    assert headers, "no auth header"
    sent = dict(header.split(": ", 1) for header in headers)
    assert requests.get(base + AUTHENTICATED_CALLS[name], timeout=10).status_code in (401, 403)
    assert requests.get(base + AUTHENTICATED_CALLS[name], headers=sent, timeout=10).status_code == 200
