"""Sphinx extension: the Claims ledger, chapter resources, the protocol report and cache invalidation.

Add ``labutils.sphinxext`` to ``sphinx.extra_extensions`` in ``_config.yml``.
It provides

* ``{claims-ledger}``: every :func:`labutils.claims.claim` in the book, a
  summary per chapter and then one section per chapter (name, value, bounds,
  source), built from the records that claims leave in the executed notebooks;
* ``{chapter-resources}``: each chapter's CPU time, wall time and peak memory,
  from :func:`labutils.report_resources`, with chapters over budget flagged;
* ``{protocol-report}``: per chapter, the models scored on the test period
  (:func:`labutils.protocol.score_test`) and every recorded choice with the
  data it used (:func:`labutils.protocol.select`);
* ``{package-versions}``: the installed versions of the packages listed in
  the directive's body, and the ``{pkgversion}`name``` role for one of them;
* cache invalidation: jupyter-cache keys on notebook code only, so when any
  path in ``labutils_watch`` changes (by content hash), the cache is cleared
  and every notebook is executed again;
* ``{featured-figure}``: a figure glued in a chapter (``myst_nb.glue(key, fig,
  display=False)`` in the cell that also shows it) pasted into another page
  with its alt text and a caption, for the results gallery;
* one copy of each page script: sphinx-thebe 0.3.1 registers its inline
  configuration script twice, and the second ``const THEBE_JS_URL`` is a
  JavaScript error in every page's console.

The pattern follows ``sphinx.ext.todo``: records are collected per document
into the environment while reading, and placeholder nodes are filled in when
the doctrees are resolved.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .claims import RECORD_KEY

logger = logging.getLogger(__name__)
STAMP_NAME = "labutils-inputs.sha256"


def inputs_hash(root: Path, paths: list[str]) -> str:
    """sha256 over the names and contents of every file under ``paths``.

    Caches (``__pycache__``, ``.pyc``) are skipped, so only real edits count.

    Examples
    --------
    >>> len(inputs_hash(Path("."), ["no-such-path"]))
    64
    """
    digest = hashlib.sha256()
    for rel in sorted(paths):
        base = root / rel
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class claims_ledger(nodes.General, nodes.Element):
    """Placeholder replaced by the ledger table."""


class chapter_resources(nodes.General, nodes.Element):
    """Placeholder replaced by the resources table."""


class protocol_report(nodes.General, nodes.Element):
    """Placeholder replaced by the protocol table."""


class ClaimsLedgerDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.labutils_summary_docs = getattr(self.env, "labutils_summary_docs", set()) | {self.env.docname}
        return [claims_ledger("")]


class ChapterResourcesDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.labutils_summary_docs = getattr(self.env, "labutils_summary_docs", set()) | {self.env.docname}
        return [chapter_resources("")]


def _table(header: list[str], rows: list[list[nodes.Node | str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["labutils-table", "colwidths-given"])  # the HTML writer honours colwidth
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)

    def make_row(cells: list[nodes.Node | str]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=cell)
            row += entry
        return row

    thead = nodes.thead()
    thead += make_row(header)
    tbody = nodes.tbody()
    for cells in rows:
        tbody += make_row(cells)
    group += thead
    group += tbody
    return table


class ProtocolReportDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.labutils_summary_docs = getattr(self.env, "labutils_summary_docs", set()) | {self.env.docname}
        return [protocol_report("")]


class PackageVersionsDirective(SphinxDirective):
    """Table of installed versions of the distributions named in the body."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        rows = []
        for name in (line.strip() for line in self.content if line.strip()):
            try:
                rows.append([nodes.paragraph(text=name), nodes.paragraph(text=version(name))])
            except PackageNotFoundError:
                logger.warning(f"package-versions: {name!r} is not installed", location=self.get_location())
        return [_table(["Package", "Version"], rows, [3, 2])]


def package_version_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{pkgversion}`numpy``` renders the installed version of a distribution (``python`` too)."""
    try:
        found = platform.python_version() if text.strip().lower() == "python" else version(text.strip())
    except PackageNotFoundError:
        message = inliner.reporter.error(f"pkgversion: {text!r} is not installed", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.literal(rawtext, found)], []


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.4g}"


def clear_cache_if_inputs_changed(cache: Path, root: Path, watched: list[str]) -> bool:
    """Clear a jupyter-cache folder when a watched input changed since the stamp beside it.

    The stamp (``labutils-inputs.sha256`` next to ``cache``) holds
    :func:`inputs_hash` of ``watched``; it is rewritten when it differs.
    ``make book`` calls this before executing chapters in parallel, and the
    build calls it again (nothing changed by then).

    Parameters
    ----------
    cache : Path
        The jupyter-cache folder (it need not exist).
    root : Path
        The folder that ``watched`` is relative to.
    watched : list of str
        Paths whose content the executed notebooks depend on.

    Returns
    -------
    bool
        True if the inputs changed (and the cache, if any, was cleared).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> [clear_cache_if_inputs_changed(folder / "cache", folder, ["data"]) for _ in range(2)]
    [True, False]
    """
    stamp = Path(cache).parent / STAMP_NAME
    current = inputs_hash(Path(root), list(watched))
    changed = not stamp.exists() or stamp.read_text() != current
    if changed:
        if Path(cache).exists():
            logger.info("labutils: watched inputs changed; clearing the execution cache")
            shutil.rmtree(cache)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(current)
    return changed


def _watch_cache(app: Sphinx) -> None:
    """Clear jupyter-cache when a watched input changed, and re-read every notebook then.

    The environment keeps the inputs' hash of the build that wrote it: the
    cache's own stamp may already be current, since ``make book`` refreshes the
    cache before the build starts.
    """
    watched = list(app.config.labutils_watch)
    clear_cache_if_inputs_changed(Path(app.env.mystnb_config.execution_cache_path), Path(app.srcdir), watched)
    current = inputs_hash(Path(app.srcdir), watched)
    app.env.labutils_inputs_changed = getattr(app.env, "labutils_inputs_hash", None) != current
    app.env.labutils_inputs_hash = current


def _outdated(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    extra = set()
    if getattr(env, "labutils_inputs_changed", False):
        extra |= {d for d in env.found_docs if Path(env.doc2path(d)).suffix in {".md", ".ipynb"}}
        env.labutils_inputs_changed = False
    if added or changed or removed or extra:
        extra |= getattr(env, "labutils_summary_docs", set())
    return sorted(extra - added - changed)


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    """Read the claim and resource records of the document just parsed."""
    env = app.env
    docname = env.docname
    store = env.__dict__.setdefault("labutils_records", {})
    store.pop(docname, None)
    meta = getattr(env, "nb_metadata", {}).get(docname, {})
    if not meta.get("glue"):
        return
    glue_file = Path(env.mystnb_config.output_folder, *f"{docname}.glue.json".split("/"))
    data = json.loads(glue_file.read_text(encoding="utf8"))
    records = [out["metadata"][RECORD_KEY] for out in data.values() if RECORD_KEY in out.get("metadata", {})]
    if records:
        store[docname] = records


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "labutils_records", {}).pop(docname, None)
    getattr(env, "labutils_summary_docs", set()).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set, other: BuildEnvironment) -> None:
    env.__dict__.setdefault("labutils_records", {}).update(getattr(other, "labutils_records", {}))
    env.labutils_summary_docs = getattr(env, "labutils_summary_docs", set()) | getattr(
        other, "labutils_summary_docs", set()
    )


def _doc_link(app: Sphinx, fromdoc: str, docname: str, text: str | None = None) -> nodes.paragraph:
    para = nodes.paragraph()
    ref = nodes.reference("", "", internal=True, refuri=app.builder.get_relative_uri(fromdoc, docname))
    ref += nodes.Text(text or _title(app, docname))
    para += ref
    return para


def _kind(record: dict[str, Any]) -> str:
    """A claim record's kind; records written before claims had kinds get the one their bounds imply."""
    from .claims import claim_kind

    if record.get("claim_kind"):
        return record["claim_kind"]
    if record.get("lo") is None and record.get("hi") is None:
        return "unbounded"
    return claim_kind(record.get("lo"), record.get("hi"))


def _claim_kinds(claims: list[dict[str, Any]]) -> list[str]:
    """Counts of a chapter's claims by kind, and of those with a published source."""
    kinds = [_kind(r) for r in claims]
    one_sided = sum(k in ("at least", "at most") for k in kinds)
    published = sum(bool(r.get("source")) for r in claims)
    return [str(len(claims)), str(kinds.count("range")), str(one_sided), str(kinds.count("exact")),
            str(kinds.count("identity")), str(published)]


def _ledger(app: Sphinx, fromdoc: str, records: dict[str, list[dict[str, Any]]], docs: list[str]) -> list[nodes.Node]:
    """A summary table with a row per chapter, then one section per chapter with its claims."""
    claims = {doc: [r for r in records[doc] if r["kind"] == "claim"] for doc in docs}
    claims = {doc: found for doc, found in claims.items() if found}
    total = sum(len(found) for found in claims.values())
    chapters = "1 chapter" if len(claims) == 1 else f"{len(claims)} chapters"
    out: list[nodes.Node] = [nodes.paragraph(text=f"{total} claims in {chapters}, "
                                                  "each checked against its bounds when this site was built.")]
    summary = []
    for doc, found in claims.items():
        link = nodes.paragraph()
        ref = nodes.reference("", "", internal=True, refid=_anchor(doc))
        ref += nodes.Text(_title(app, doc))
        link += ref
        summary.append([link, *_claim_kinds(found)])
    out.append(_table(["Chapter", "Claims", "Range", "At least / at most", "Exact", "Identity", "Published"],
                      summary, [4, 1, 1, 1, 1, 1, 1]))
    for doc, found in claims.items():
        section = nodes.section(ids=[_anchor(doc)])
        section += nodes.title(text=_title(app, doc))
        section += _doc_link(app, fromdoc, doc, text="Read the chapter")
        rows = [[nodes.paragraph("", "", nodes.literal(text=r["name"])), _kind(r), _fmt(r["value"]),
                 f"[{_fmt(r.get('lo'))}, {_fmt(r.get('hi'))}]", r.get("source") or ""] for r in found]
        section += _table(["Claim", "Kind", "Value", "Bounds", "Source"], rows, [4, 2, 2, 2, 4])
        out.append(section)
    return out


def _resources_table(app: Sphinx, fromdoc: str, records: dict[str, list[dict[str, Any]]],
                     docs: list[str]) -> list[nodes.Node]:
    """Each chapter's CPU time, wall time and peak memory, with chapters over budget flagged."""
    from ._runtime import BUDGET_CPU_SECONDS, BUDGET_MIB, over_budget

    rows, flagged = [], []
    for doc in docs:
        res = {r["name"].removeprefix("_resources."): r["value"] for r in records[doc] if r["kind"] == "resources"}
        if not res:
            continue
        overruns = over_budget(res) if {"cpu_seconds", "peak_mib"} <= res.keys() else ["not measured"]
        if overruns:
            flagged.append(_title(app, doc))
        rows.append([_doc_link(app, fromdoc, doc), _fmt(res.get("cpu_seconds")), _fmt(res.get("seconds")),
                     _fmt(res.get("peak_mib")), "; ".join(overruns) or "within"])
    verdict = (f"Over budget: {', '.join(flagged)}." if flagged
               else f"All {len(rows)} chapters are within budget.")
    summary = nodes.paragraph(text=f"Budget: {BUDGET_CPU_SECONDS:.0f} s of CPU time and {BUDGET_MIB:.0f} MiB "
                                   f"of peak memory per chapter. {verdict}")
    table = _table(["Chapter", "CPU time (s)", "Wall time (s)", "Peak memory (MiB)", "Budget"], rows,
                   [4, 2, 2, 2, 3])
    return [summary, table]


def _protocol_table(app: Sphinx, fromdoc: str, records: dict[str, list[dict[str, Any]]],
                    docs: list[str]) -> list[nodes.Node]:
    """Per chapter: the models scored on the test period (and how often), and what each choice used."""
    rows, repeated = [], []
    for doc in docs:
        events = [r for r in records[doc] if r["kind"] == "protocol"]
        if not events:
            continue
        reads: dict[str, int] = {}
        for r in events:
            if r["event"] == "test":
                reads[r["model"]] = max(reads.get(r["model"], 0), r["read"])
        repeated += [f"{_title(app, doc)}: {m}" for m, k in reads.items() if k > 1]
        choices = [f"{r['what']} = {r['choice']} (on {r['on']})" for r in events if r["event"] == "select"]
        rows.append([_doc_link(app, fromdoc, doc),
                     "; ".join(m if k == 1 else f"{m} (read {k} times)" for m, k in reads.items()) or "none",
                     "; ".join(choices) or "none"])
    verdict = (f"Scored more than once: {', '.join(repeated)}." if repeated
               else "Every reported model was scored on the test period once.")
    summary = nodes.paragraph(text=f"{len(rows)} chapters record their protocol. {verdict} "
                                   "No choice can be recorded on the test period.")
    return [summary, _table(["Chapter", "Models scored on the test period", "Choices and the data they used"],
                            rows, [3, 4, 6])]


def _anchor(docname: str) -> str:
    return "ledger-" + docname.replace("/", "-").replace("_", "-")


def _title(app: Sphinx, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title else docname


def _resolve(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    records: dict[str, list[dict[str, Any]]] = getattr(app.env, "labutils_records", {})
    order = {name: i for i, name in enumerate(_toc_order(app))}
    docs = sorted(records, key=lambda d: (order.get(d, len(order)), d))
    for node in list(doctree.findall(claims_ledger)):
        node.replace_self(_ledger(app, fromdoc, records, docs))
    for node in list(doctree.findall(chapter_resources)):
        node.replace_self(_resources_table(app, fromdoc, records, docs))
    for node in list(doctree.findall(protocol_report)):
        node.replace_self(_protocol_table(app, fromdoc, records, docs))


def _toc_order(app: Sphinx) -> list[str]:
    """Documents in reading order, following the toctree from the root."""
    env = app.env
    seen: list[str] = []

    def walk(doc: str) -> None:
        if doc in seen:
            return
        seen.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(app.config.root_doc)
    return seen


class FeaturedFigureDirective(SphinxDirective):
    """Paste a figure glued in another chapter, with alt text and a caption.

    The argument is the glue key; ``:doc:`` is the chapter's source file relative
    to this page and ``:alt:`` the image's alt text; the content is the caption.
    myst-nb's cross-document glue (``{glue:any}`` with ``:doc:``) does the pasting
    but gives the image no alt text, so :class:`FeaturedFigureAlt` adds it.
    """

    required_arguments = 1
    has_content = True
    option_spec = {"doc": directives.unchanged_required, "alt": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from myst_nb.ext.glue.utils import PendingGlueReferenceError, create_pending_glue_ref

        missing = [name for name in ("doc", "alt") if not self.options.get(name, "").strip()]
        if missing or not self.content:
            raise self.error(f"featured-figure needs :doc:, :alt: and a caption; missing {missing or ['caption']}.")
        try:
            ref = create_pending_glue_ref(self.state.document, *self.get_source_info(), self.options["doc"],
                                          self.arguments[0])
        except PendingGlueReferenceError as exc:
            raise self.error(str(exc)) from exc
        figure = nodes.figure("", ref, classes=["featured-figure"], featured_alt=self.options["alt"])
        caption = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, caption)
        figure += nodes.caption("", "", *caption[0].children)
        figure += caption.children[1:]
        return [figure]


class FeaturedFigureAlt(SphinxPostTransform):
    """Give each featured figure's pasted image its alt text (after myst-nb pastes it, priority 5)."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        for figure in self.document.findall(nodes.figure):
            if "featured_alt" not in figure:
                continue
            images = list(figure.findall(nodes.image))
            if not images:
                logger.warning("featured figure %r pasted no image", figure["featured_alt"][:40], location=figure)
            for image in images:
                image["alt"] = figure["featured_alt"]


def _unique_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Drop repeated script entries (same source or inline body, same attributes) from a page."""
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def _add_stylesheet(app: Sphinx) -> None:
    """Serve ``labutils/static/labutils.css`` with the site (table widths, wrapped output)."""
    app.config.html_static_path.append(str(Path(__file__).with_name("static")))
    app.add_css_file("labutils.css")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives, config value, stylesheet and event handlers."""
    app.add_config_value("labutils_watch", ["labutils", "data", "requirements.txt"], "env")
    app.add_directive("claims-ledger", ClaimsLedgerDirective)
    app.add_directive("chapter-resources", ChapterResourcesDirective)
    app.add_directive("protocol-report", ProtocolReportDirective)
    app.add_directive("package-versions", PackageVersionsDirective)
    app.add_role("pkgversion", package_version_role)
    app.add_directive("featured-figure", FeaturedFigureDirective)
    app.add_post_transform(FeaturedFigureAlt)
    app.connect("builder-inited", _add_stylesheet)
    app.connect("builder-inited", _watch_cache, priority=600)  # after myst-nb sets its paths
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _resolve)
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
