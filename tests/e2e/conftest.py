"""Browser fixtures: the system Chromium driven by Playwright's sync API.

Playwright never downloads a browser here: it launches `/usr/bin/chromium` (or
`$HANJARI_CHROMIUM`), which `make test` installs. A missing binary fails the test with
a message instead of skipping it, so a green run always means the browser tests ran.

`page` is a fresh Korean-locale page (reduced motion) on pytest-django's
`live_server`; console errors and uncaught page errors are collected in
`page.hj_errors` (see `console_errors`). Set `HANJARI_E2E_SCREENSHOTS` to a directory
to keep the screenshots the tests take.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("HANJARI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests need it: "
            "run `make test` (it installs Debian's chromium) or `apt-get install chromium`, "
            "or point HANJARI_CHROMIUM at a Chromium binary.",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE}): run `npm ci` (or `make test`).", pytrace=False)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    target = os.environ.get("HANJARI_E2E_SCREENSHOTS")
    path = Path(target) if target else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(live_server: Any, chromium_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own
    # database reads (e.g. expected counts) are still synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=live_server.url,
            locale="ko-KR",
            reduced_motion="reduce",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        pg = context.new_page()
        errors: list[dict[str, str]] = []
        pg.on(
            "console",
            lambda msg: (
                errors.append({"text": msg.text, "url": msg.location.get("url", "")})
                if msg.type == "error"
                else None
            ),
        )
        pg.on("pageerror", lambda exc: errors.append({"text": f"page error: {exc}", "url": "?"}))
        pg.hj_errors = errors
        try:
            yield pg
        finally:
            context.close()
            browser.close()


@pytest.fixture
def axe_violations(axe_source: str) -> Any:
    """`axe_violations(page)` → axe-core's violations on the page as it is now."""
    return lambda pg: run_axe(pg, axe_source)


def run_axe(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """Inject axe-core into `page` (evaluated: CSP blocks an added <script>) and return
    its violations (WCAG 2.1 A/AA and best practices)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )
    return list(result)


def console_errors(page: Any) -> list[str]:
    """The page's console errors and uncaught errors, without axe-core's CSP noise.

    axe-core is evaluated into the page by the test (it has no URL) and its style
    probes are refused by our CSP (`style-src 'self'`); those reports carry an empty
    source URL. Everything the site's own pages and scripts cause has a URL and stays.
    """
    return [
        f"{e['text']} @ {e['url']}"
        for e in page.hj_errors
        if not (e["url"] == "" and "Content Security Policy" in e["text"])
    ]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['summary']}")
    return "\n".join(lines)
