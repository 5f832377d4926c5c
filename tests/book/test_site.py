"""Checks of the built site's content in _build/html (run after `make book`); tests/site opens it in a browser."""

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))

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
