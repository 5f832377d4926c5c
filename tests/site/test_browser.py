"""The built site as a reader sees it: every page of _build/html opened in headless Chromium.

Run after `make book` (`make site`). The browser is Debian's chromium, driven by Playwright;
nothing is downloaded. Screenshots of the landing page and one chapter are saved in
_build/site-test/ (not in git).
"""

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "_build" / "site-test"
PAGES = sorted(p for p in SITE.rglob("*.html") if not p.relative_to(SITE).parts[0].startswith("_"))
SCREENSHOTS = {"index.html": "landing.png", "chapters/leakage.html": "chapter-leakage.png"}
# Schemes a page opened from disk may use without touching the network.
LOCAL = ("file", "data", "blob", "about")

pytestmark = pytest.mark.skipif(not (SITE / "index.html").exists(), reason="build the site first: make book")

COLLECT = """() => ({
  images: Array.from(document.images).map(i => ({src: i.currentSrc || i.src, complete: i.complete,
                                                width: i.naturalWidth, alt: (i.alt || '').trim()})),
  text: (document.querySelector('article') || document.body).innerText,
  prose: (() => { const a = (document.querySelector('article') || document.body).cloneNode(true);
                  a.querySelectorAll('pre, code, script, style').forEach(e => e.remove());
                  return a.textContent; })(),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
})"""
# MathJax typesets after the load event; its startup promise settles when the page is done.
MATHJAX_DONE = """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
  ? MathJax.startup.promise.then(() => true) : true"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Debian's chromium here; GitHub's Ubuntu runners ship Google Chrome instead.
    path = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI; `make browser` installs Debian's package")
        pytest.skip("chromium not installed (`make browser` installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


def visit(browser, uri: str, screenshot: Path | None = None) -> dict:
    """Open one page offline; return what a reader's browser saw and every outside request it tried."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, errors = [], []

    def route(request_route):
        if urlparse(request_route.request.url).scheme in LOCAL:
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.on("requestfailed", lambda req: urlparse(req.url).scheme == "file" and errors.append(f"missing: {req.url}"))
    page.goto(uri, wait_until="load")
    seen = _settled(page)
    if screenshot is not None:
        page.screenshot(path=screenshot)
    context.close()
    return {**seen, "outside": outside, "errors": errors}


def _settled(page, attempts: int = 3) -> dict:
    """Collect the page once it stopped navigating (index.html redirects to the landing page)."""
    from playwright.sync_api import Error

    for _ in range(attempts):
        try:
            page.evaluate(MATHJAX_DONE)
            return {**page.evaluate(COLLECT), "url": page.url}
        except Error:
            page.wait_for_load_state("load")
    raise AssertionError(f"{page.url} kept navigating")


@pytest.fixture(scope="module")
def visits(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = {SITE / name: ARTIFACTS / png for name, png in SCREENSHOTS.items()}
    return {page: visit(browser, page.as_uri(), shots.get(page)) for page in PAGES}


def _failures(visits: dict, check) -> list[str]:
    return [f"{page.relative_to(SITE)}: {problem}" for page, seen in visits.items() for problem in check(seen)]


def test_every_page_was_opened(visits):
    "the site has the landing page, the chapters and the About pages, and each rendered"
    assert len(visits) >= 10 and SITE / "index.html" in visits
    assert not _failures(visits, lambda seen: [] if seen["text"].strip() else ["empty page"])


def test_no_console_errors(visits):
    "no page logs a JavaScript error, an uncaught exception or a missing file"
    failures = _failures(visits, lambda seen: seen["errors"])
    assert not failures, failures[:10]


def test_images_load_and_have_alt_text(visits):
    "every <img> finished loading, has a non-zero natural size and a non-empty alt text"
    def bad_images(seen):
        return [f"{img['src']} (loaded={img['complete']}, width={img['width']}, alt={img['alt']!r})"
                for img in seen["images"] if not (img["complete"] and img["width"] > 0 and img["alt"])]

    failures = _failures(visits, bad_images)
    assert not failures, failures[:10]


def test_math_is_rendered(visits):
    r"no raw TeX delimiters (\( or \[ or $$) are left in the visible prose (code blocks may show them)"
    failures = _failures(visits, lambda seen: [m for m in ("\\(", "\\[", "$$") if m in seen["prose"]])
    assert not failures, failures[:10]


def test_no_request_leaves_the_site(visits):
    "offline: no page asks for anything outside the files of the site"
    failures = _failures(visits, lambda seen: seen["outside"])
    assert not failures, failures[:10]


def test_outside_requests_are_caught(browser, tmp_path):
    "control: a page that loads a remote script is caught by the offline check"
    page = tmp_path / "remote.html"
    page.write_text('<html><body>x<script src="https://cdn.example.org/lib.js"></script></body></html>')
    assert visit(browser, page.as_uri())["outside"] == ["https://cdn.example.org/lib.js"]


def test_internal_links_resolve(visits):
    "every link inside the site points at a page that exists, and at an anchor that exists on it"
    ids = {page.resolve(): set(seen["ids"]) for page, seen in visits.items()}

    def broken(seen):
        for href in seen["links"]:
            url, fragment = urldefrag(href)
            if urlparse(url).scheme != "file":
                continue
            target = Path(unquote(urlparse(url).path)).resolve()
            if not target.exists():
                yield f"{href} (no such file)"
            elif fragment and target in ids and unquote(fragment) not in ids[target]:
                yield f"{href} (no such anchor)"

    failures = _failures(visits, lambda seen: list(broken(seen)))
    assert not failures, failures[:10]


def test_screenshots_are_saved(visits):
    "the landing page and one chapter are saved as screenshots for a human to look at"
    for png in SCREENSHOTS.values():
        assert (ARTIFACTS / png).stat().st_size > 10_000


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True}
FIGURE_SIZES = """() => Array.from(document.querySelectorAll('article img')).map(i => ({
  src: i.currentSrc || i.src, natural: i.naturalWidth, shown: i.getBoundingClientRect().width}))"""


def test_figures_are_sharp_on_a_phone(browser):
    "phone (390 px, 3 device px per CSS px): every chapter figure has at least 90% of the pixels it is shown with"
    chapters = sorted((SITE / "chapters").glob("*.html"))
    blurred = []
    for page in chapters:
        context = browser.new_context(**PHONE)
        view = context.new_page()
        view.goto(page.as_uri(), wait_until="load")
        for img in view.evaluate(FIGURE_SIZES):
            if img["shown"] > 0 and img["natural"] < 0.9 * 3 * img["shown"]:
                blurred.append(f"{page.name}: {img['src'].rsplit('/', 1)[-1]} has {img['natural']} px "
                               f"for {3 * img['shown']:.0f} device px")
        if page.name == "clustering.html":  # a figure as a phone shows it, for a human to look at
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            view.locator("article img").first.scroll_into_view_if_needed()
            view.screenshot(path=ARTIFACTS / "chapter-clustering-phone.png")
        context.close()
    assert not blurred, blurred[:10]
