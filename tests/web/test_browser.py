"""A real browser (Debian's headless Chromium, driven by Playwright) on the running server.

Every test fails on a console error and on any request to a host other than the server's own
(such requests are also stopped before they leave the machine). Each page's screenshot is kept
in the test's temporary folder. Chromium comes from Debian (``apt-get install chromium``;
``.ci/run`` installs it); no browser build is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from server_helpers import LiveServer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs it (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives every run a fresh, temporary profile (user data directory).
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A browser tab on the server that records what went wrong."""

    page: object
    origin: str
    folder: Path
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.origin + path)
        assert response is not None and response.status == 200, (path, response)

    def shot(self, name: str) -> Path:
        target = self.folder / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        self.shots.append(target)
        return target

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign
        assert all(s.stat().st_size > 10_000 for s in self.shots)


@pytest.fixture
def visit(browser, site_live: LiveServer, tmp_path: Path) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    v = Visit(page, site_live.url, tmp_path)
    own = urlsplit(site_live.url).netloc

    def guard(route) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            v.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.on(
        "response",
        lambda r: v.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    yield v
    context.close()
    v.check()


def test_yasgui_runs_a_stored_query_and_shows_its_rows(visit: Visit, pipeline) -> None:
    visit.open("/sparql")
    page = visit.page
    page.wait_for_selector(".yasgui .tabsList .tab")
    tabs = [t.strip().rstrip("✖").strip() for t in page.locator(".tabsList .tab").all_inner_texts()]
    assert tabs == sorted(pipeline.queries)
    page.locator(".tabsList .tab", has_text="iscms-by-region").first.click()
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=30_000)
    assert rows.count() == 5
    cells = rows.nth(0).locator("td").all_inner_texts()
    assert [c.strip() for c in cells[:2]] == ["1", "Africa"]
    visit.shot("yasgui-iscms-by-region")


def test_yasgui_query_with_parameters_bound_to_defaults(visit: Visit) -> None:
    visit.open("/sparql")
    page = visit.page
    page.wait_for_selector(".yasgui .tabsList .tab")
    page.locator(".tabsList .tab", has_text="objective-profile").first.click()
    editor = page.locator(".tabPanel.active .CodeMirror").first
    assert "VALUES" in editor.inner_text()
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.locator(".tabPanel.active .yasr table.dataTable tbody tr").first.wait_for(timeout=30_000)
    visit.shot("yasgui-objective-profile")


def test_stored_query_page_shows_rows_and_the_form(visit: Visit) -> None:
    visit.open("/queries/objective-profile?objective=23")
    page = visit.page
    assert page.locator("h1").inner_text().strip() != ""
    assert page.locator("form.params input[name=objective]").input_value() == "23"
    assert page.locator("table.results tbody tr").count() > 0
    visit.shot("stored-query-objective-profile-23")
    page.locator("form.params input[name=objective]").fill("1")
    page.locator("form.params button[type=submit]").click()
    page.wait_for_url("**/queries/objective-profile?objective=1")
    assert page.locator("table.results tbody tr").count() > 0
    visit.shot("stored-query-objective-profile-1")


def test_stored_query_index(visit: Visit, pipeline) -> None:
    visit.open("/queries")
    links = visit.page.locator("ul.queries li a")
    assert links.count() == len(pipeline.queries)
    visit.shot("stored-queries")


# --- the resource pages --------------------------------------------------------------------


def test_home_to_the_colombo_process_and_its_paragraphs(visit: Visit) -> None:
    page = visit.page
    visit.open("/")
    assert page.locator("h1").inner_text().startswith("ISCM-KG")
    assert page.locator("img[src='plots/iscms-by-region.svg']").evaluate("i => i.naturalWidth") > 0
    visit.shot("home")
    page.locator("header.site a", has_text="ISCMs").click()
    page.wait_for_url("**/iscms/")
    visit.shot("iscms")
    page.locator("main a", has_text="(Colombo Process)").first.click()
    page.wait_for_url("**/id/actor/colombo-process")
    assert page.locator("h1").inner_text().endswith("(Colombo Process)")
    references = page.locator("section#references")
    assert "A/RES/73/195 §47" in references.inner_text()
    row = references.locator("tr", has_text="A/RES/73/195 §47").first
    assert "Further recognizing the important role of State-led processes" in row.inner_text()
    assert "IOM IPD, references to ISCMs and other regional actors in the adopted compact" in (
        row.inner_text()
    )
    visit.shot("colombo-process")
    row.locator("a", has_text="A/RES/73/195 §47").first.click()
    page.wait_for_url("**/id/document/A-RES-73-195/para/47")
    assert page.locator("h1").inner_text().startswith("A/RES/73/195 §47")
    assert page.locator("section#mentions tbody tr").count() > 0
    visit.shot("a-res-73-195-para-47")


def test_objective_23(visit: Visit) -> None:
    page = visit.page
    visit.open("/")
    page.locator("header.site a", has_text="Objectives").click()
    page.wait_for_url("**/objectives/")
    visit.shot("objectives")
    page.locator("main a", has_text="Objective 23:").first.click()
    page.wait_for_url("**/id/objective/23")
    assert page.locator("h1").inner_text() == (
        "Objective 23: Strengthen international cooperation and global partnerships for safe, "
        "orderly and regular migration"
    )
    paragraphs = page.locator("section#paragraphs").inner_text()
    assert "A/RES/73/195 §39(d)" in paragraphs
    actors = page.locator("section#actors tr", has_text="international financial institutions")
    assert "mobilizing technical, financial and human resources" in actors.first.inner_text()
    visit.shot("objective-23")


def test_a_resource_as_turtle_from_its_page_link(visit: Visit) -> None:
    visit.open("/id/actor/colombo-process")
    href = visit.page.locator("a[type='text/turtle']").first.get_attribute("href")
    response = visit.page.request.get(visit.origin + "/id/actor/colombo-process" + href)
    assert response.status == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert "https://w3id.org/iscm-kg/id/actor/colombo-process" in response.text()
    visit.shot("colombo-process-formats")
