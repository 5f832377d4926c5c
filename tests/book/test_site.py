"""Checks of the built site in _build/html (run after `make book`)."""

import html
import os
import re
import shutil
import socketserver
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))
PAGES = sorted(SITE.glob("chapters/*.html")) if SITE.exists() else []

pytestmark = pytest.mark.skipif(not (SITE / "index.html").exists(), reason="build the site first: make book")


def _text(page: Path) -> str:
    body = page.read_text()
    body = body[body.find("<article"):body.find("</article>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_ledger_lists_every_claim_in_the_sources():
    "ledger: every claim(...) written in a chapter appears in the built Claims ledger"
    ledger = _text(SITE / "chapters" / "claims_ledger.html")
    for md in CHAPTERS:
        for name in re.findall(r"claim\(\s*\"([\w.\-]+)\"", md.read_text()):
            assert name in ledger, f"{name} from {md.name} is missing from the ledger"


def test_runtime_report_has_every_chapter_within_budget():
    "runtime report: each chapter has a resources row under 45 s and 1536 MiB"
    page = _text(SITE / "chapters" / "runtime.html")
    for md in CHAPTERS:
        title = re.search(r"^# (.+)$", md.read_text(), re.M).group(1)
        row = re.search(re.escape(title) + r" (\d+(?:\.\d+)?) (\d+)", page)
        assert row, f"no resources row for {title}"
        assert float(row.group(1)) <= 45 and float(row.group(2)) <= 1536


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_glued_numbers_and_figures_render(md):
    "chapter page: glued numbers are filled in, and every figure cell shows an image with its alt text"
    source = (SITE / "chapters" / f"{md.stem}.html").read_text()
    article = source[source.find("<article"):source.find("</article>")]
    assert "{glue:text}" not in article
    images = re.findall(r"<img [^>]*>", article)
    expected = md.read_text().count("mystnb:\n  figure:")
    assert len(images) >= expected, f"{len(images)} images for {expected} figure cells"
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, f"figure without a real alt text: {img[:120]}"


def test_internal_links_resolve():
    "site: every relative link and asset of every page points at a file that exists"
    broken = []
    for page in [SITE / "index.html", *PAGES]:
        for ref in re.findall(r'(?:href|src)="([^"#?]+)[^"]*"', page.read_text()):
            if urlparse(ref).scheme or ref.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            if not (page.parent / unquote(ref)).resolve().exists():
                broken.append(f"{page.relative_to(SITE)} -> {ref}")
    assert not broken, broken[:20]


# Chromium's own service pings (clock, sign-in, updater) are not made by the pages.
BROWSER_OWN = ("clients2.google.com", "accounts.google.com", "update.googleapis.com", "optimizationguide-pa")


class _Trap(socketserver.ThreadingTCPServer):
    """A proxy that records every request a browser sends to it and answers none."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.requests: list[str] = []
        trap = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                line = self.rfile.readline(4096).decode("latin-1").strip()
                if line and not any(host in line for host in BROWSER_OWN):
                    trap.requests.append(line)

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture(scope="module")
def chromium():
    path = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI; `make browser` installs it")
        pytest.skip("chromium not installed (`make browser` installs it)")
    return path


def _visit(chromium: str, uris: list[str], profile: Path) -> list[str]:
    """Open each URI headless behind the trap; return the outside requests and the rendered DOMs."""
    trap = _Trap()
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    doms = []
    try:
        for uri in uris:
            result = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{trap.server_address[1]}",
                 "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=4000", "--dump-dom", uri],
                capture_output=True, text=True, timeout=120)
            doms.append(result.stdout)
    finally:
        trap.shutdown()
    return trap.requests, doms


def test_trap_catches_a_page_that_fetches_from_outside(chromium, tmp_path):
    "offline control: a page that loads a remote script is caught by the trap"
    page = tmp_path / "remote.html"
    page.write_text('<html><body>x<script src="https://cdn.example.org/lib.js"></script></body></html>')
    requests, _ = _visit(chromium, [page.as_uri()], tmp_path / "profile")
    assert any("cdn.example.org" in r for r in requests), requests


def test_site_opened_from_disk_makes_no_outside_request(chromium, tmp_path):
    "offline: pages opened from file:// fetch nothing from the network"
    pages = [SITE / "index.html", *PAGES]
    requests, doms = _visit(chromium, [p.as_uri() for p in pages], tmp_path / "profile")
    for page, dom in zip(pages, doms):
        assert "ML Engineering Lab" in dom, f"{page.name} did not render"
    assert not requests, f"outside requests: {requests[:10]}"
