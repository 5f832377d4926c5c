"""Production readiness: the ML Test Score rubric, graded by evidence, and a Dockerfile linter.

Introduced in the chapter "MLOps and CI/CD" (``chapters/mlops.md``), which
grades this book's own pipeline with :func:`evidence_status`, scores it with
:func:`ml_test_score` and checks the serving image's Dockerfile with
:func:`dockerfile_findings`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

__all__ = ["ML_TEST_SCORE", "STATUS_POINTS", "dockerfile_findings", "evidence_status", "missing_evidence",
           "ml_test_score"]

#: The 28 tests of Breck et al. (2017), "The ML Test Score", by section, in the paper's order.
ML_TEST_SCORE: dict[str, tuple[str, ...]] = {
    "data": (
        "Feature expectations are captured in a schema",
        "All features are beneficial",
        "No feature's cost is too much",
        "Features adhere to meta-level requirements",
        "The data pipeline has appropriate privacy controls",
        "New features can be added quickly",
        "All input feature code is tested",
    ),
    "model": (
        "Model specs are reviewed and submitted",
        "Offline and online metrics correlate",
        "All hyperparameters have been tuned",
        "The impact of model staleness is known",
        "A simpler model is not better",
        "Model quality is sufficient on important data slices",
        "The model is tested for considerations of inclusion",
    ),
    "infrastructure": (
        "Training is reproducible",
        "Model specs are unit tested",
        "The ML pipeline is integration tested",
        "Model quality is validated before serving",
        "The model is debuggable",
        "Models are canaried before serving",
        "Serving models can be rolled back",
    ),
    "monitoring": (
        "Dependency changes result in notification",
        "Data invariants hold for inputs",
        "Training and serving are not skewed",
        "Models are not too stale",
        "Models are numerically stable",
        "Computing performance has not regressed",
        "Prediction quality has not regressed",
    ),
}

#: Points per test: done by hand with the results written down, or run automatically.
STATUS_POINTS = {"not done": 0.0, "manual": 0.5, "automated": 1.0}

_ASSESSMENT_COLUMNS = ("section", "test", "status", "evidence")


def _check_assessment(assessment: object) -> pd.DataFrame:
    if not isinstance(assessment, pd.DataFrame):
        raise TypeError(f"assessment must be a DataFrame with columns {_ASSESSMENT_COLUMNS}, "
                        f"got {type(assessment).__name__}.")
    missing = [c for c in _ASSESSMENT_COLUMNS if c not in assessment.columns]
    if missing:
        raise ValueError(f"assessment lacks the column(s) {missing}; it needs {_ASSESSMENT_COLUMNS}.")
    unknown = sorted(set(assessment["status"]) - set(STATUS_POINTS))
    if unknown:
        raise ValueError(f"unknown status {unknown}; use one of {sorted(STATUS_POINTS)}.")
    expected = {(s, t) for s, tests in ML_TEST_SCORE.items() for t in tests}
    given = list(zip(assessment["section"], assessment["test"]))
    if len(set(given)) != len(given):
        raise ValueError("assessment lists a test twice; give each of the 28 tests one row.")
    if set(given) != expected:
        absent, extra = sorted(expected - set(given)), sorted(set(given) - expected)
        raise ValueError(f"assessment must cover exactly the 28 tests of ML_TEST_SCORE; "
                         f"missing {absent[:3]}{'...' if len(absent) > 3 else ''}, unknown {extra[:3]}.")
    return assessment


def ml_test_score(assessment: pd.DataFrame) -> tuple[float, pd.Series]:
    """Score a pipeline on the ML Test Score rubric (Breck et al. 2017).

    Each test earns 0.5 point when it is done by hand and its results are
    written down, and 1 point when it runs automatically and repeatedly. A
    section's score is the sum of its points; the final score is the
    **minimum** over the four sections, so a pipeline is only as ready as its
    weakest part.

    Parameters
    ----------
    assessment : DataFrame
        One row per test of :data:`ML_TEST_SCORE`, with columns ``section``,
        ``test``, ``status`` (a key of :data:`STATUS_POINTS`) and ``evidence``.

    Returns
    -------
    score : float
        The final score, between 0 and 7.
    sections : Series
        The score of each section.

    Examples
    --------
    >>> rows = [(s, t, "automated" if s == "data" else "manual", "")
    ...         for s, tests in ML_TEST_SCORE.items() for t in tests]
    >>> score, sections = ml_test_score(pd.DataFrame(rows, columns=["section", "test", "status", "evidence"]))
    >>> score, float(sections["data"])
    (3.5, 7.0)
    """
    assessment = _check_assessment(assessment)
    points = assessment["status"].map(STATUS_POINTS)
    sections = points.groupby(assessment["section"]).sum().reindex(list(ML_TEST_SCORE))
    return float(sections.min()), sections


def _entries(evidence: object) -> list[tuple[str, str]]:
    """The ``;``-separated entries of an evidence cell as (path, name) pairs; name is "" without ``::``."""
    entries = []
    for entry in str(evidence).split(";"):
        path, _, name = entry.strip().partition("::")
        if path.strip():
            entries.append((path.split("#")[0].strip(), name.strip()))
    return entries


def _found(root: Path, path: str, name: str) -> str | None:
    """Why the evidence ``path::name`` is not there, or None when it is."""
    file = root / path
    if not file.exists():
        return "no such file"
    if not name:
        return None
    if path.startswith("tests/") and path.endswith(".py"):
        pattern = rf"^\s*(?:async\s+)?def {re.escape(name)}\("
        return None if re.search(pattern, file.read_text(), re.M) else f"no test function {name}"
    if path.startswith("chapters/") and path.endswith(".md"):
        pattern = rf"\bclaim\(\s*[\"']{re.escape(name)}[\"']"
        return None if re.search(pattern, file.read_text()) else f"no claim {name}"
    return "::name only names a test function in tests/*.py or a claim in chapters/*.md"


def missing_evidence(assessment: pd.DataFrame, root: str | Path) -> list[str]:
    """Evidence of an assessment that does not exist under ``root``.

    Every test marked ``manual`` or ``automated`` must name its evidence: one or
    more entries separated by ``;``. An entry is a path relative to ``root``
    (optionally with a ``#section`` suffix), or ``tests/<file>.py::<test
    function>`` or ``chapters/<chapter>.md::<claim name>``, in which case the
    function (a ``def``) or the claim (a ``claim("name"`` call) must be in the
    file. A test that is ``not done`` needs none.

    Parameters
    ----------
    assessment : DataFrame
        As for :func:`ml_test_score`.
    root : str or Path
        The repository's folder.

    Returns
    -------
    list of str
        One message per missing piece of evidence, ``"<test>: <entry> (<why>)"``.

    Examples
    --------
    >>> import tempfile
    >>> rows = [(s, t, "not done", "") for s, tests in ML_TEST_SCORE.items() for t in tests]
    >>> rows[0] = ("data", rows[0][1], "automated", "tests/nowhere.py::test_schema")
    >>> table = pd.DataFrame(rows, columns=["section", "test", "status", "evidence"])
    >>> missing_evidence(table, tempfile.gettempdir())
    ['Feature expectations are captured in a schema: tests/nowhere.py::test_schema (no such file)']
    """
    assessment = _check_assessment(assessment)
    root = _check_root(root)
    problems = []
    for row in assessment.itertuples():
        if row.status == "not done":
            continue
        entries = _entries(row.evidence)
        if not entries:
            problems.append(f"{row.test}: no evidence named")
        for path, name in entries:
            why = _found(root, path, name)
            if why:
                problems.append(f"{row.test}: {path}{'::' + name if name else ''} ({why})")
    return problems


def _check_root(root: object) -> Path:
    if not isinstance(root, (str, Path)):
        raise TypeError(f"root must be the repository's folder as a str or Path, got {type(root).__name__}.")
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"root must be an existing folder (the repository), got {str(root)!r}.")
    return root


def evidence_status(assessment: pd.DataFrame, root: str | Path) -> pd.Series:
    """The status that each test's evidence supports, whatever the table says.

    ``"automated"`` needs a test function that ``make test`` runs, named as
    ``tests/<file>.py::<test function>``; ``"manual"`` needs a documented
    result that a claim checks when the book is built, named as
    ``chapters/<chapter>.md::<claim name>``; anything else (a sentence, a bare
    file, a folder) supports ``"not done"``. Entries that do not exist count
    for nothing (:func:`missing_evidence` lists them).

    Parameters
    ----------
    assessment : DataFrame
        As for :func:`ml_test_score`.
    root : str or Path
        The repository's folder.

    Returns
    -------
    Series
        One status per row of ``assessment``, on its index.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "tests").mkdir()
    >>> _ = (root / "tests" / "test_a.py").write_text("def test_schema():\\n    assert True\\n")
    >>> rows = [(s, t, "manual", "README.md") for s, tests in ML_TEST_SCORE.items() for t in tests]
    >>> rows[0] = ("data", rows[0][1], "automated", "tests/test_a.py::test_schema")
    >>> table = pd.DataFrame(rows, columns=["section", "test", "status", "evidence"])
    >>> evidence_status(table, root).value_counts().to_dict()
    {'not done': 27, 'automated': 1}
    """
    assessment = _check_assessment(assessment)
    root = _check_root(root)

    def supported(evidence: object) -> str:
        found = [path for path, name in _entries(evidence) if name and _found(root, path, name) is None]
        if any(path.startswith("tests/") for path in found):
            return "automated"
        return "manual" if found else "not done"

    return assessment["evidence"].map(supported).rename("status")


def dockerfile_findings(text: str) -> list[str]:
    """Check a Dockerfile for four invariants of a production image.

    1. Every ``FROM`` names a pinned base image: an explicit version tag (not
       ``latest``) or a digest.
    2. The image ends as a non-root ``USER``.
    3. It declares a ``HEALTHCHECK``.
    4. No ``ADD`` fetches a URL (use ``COPY`` for local files; download in a
       ``RUN`` step with a checksum).

    This is a static check for machines without a container engine; it does
    not build or run the image.

    Parameters
    ----------
    text : str
        The Dockerfile's contents.

    Returns
    -------
    list of str
        One message per broken invariant; empty when all hold.

    Examples
    --------
    >>> dockerfile_findings("FROM python:3.11.9-slim\\nUSER app\\nHEALTHCHECK CMD true\\n")
    []
    >>> dockerfile_findings("FROM python\\nADD https://x.org/a.tgz /a\\n")  # doctest: +NORMALIZE_WHITESPACE
    ['FROM python: pin the base image to a version tag or a digest',
     'no USER: the container runs as root; add a non-root USER',
     'no HEALTHCHECK: the orchestrator cannot tell a hung server from a healthy one',
     'ADD https://x.org/a.tgz /a: ADD of a URL is unverified; download with a checksum in RUN']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be the Dockerfile's contents as a str, got {type(text).__name__}.")
    # Join continuation lines and drop comments, as Docker's parser does.
    logical = re.sub(r"\\\n", " ", text)
    instructions = [line.strip() for line in logical.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not any(line.upper().startswith("FROM ") for line in instructions):
        raise ValueError("text has no FROM instruction; pass the contents of a Dockerfile.")
    unpinned, urls, stages = [], [], set()
    for line in instructions:
        keyword, _, rest = line.partition(" ")
        if keyword.upper() == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            if len(words) >= 3 and words[1].upper() == "AS":
                stages.add(words[2].lower())
            image = words[0]
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            if image.lower() not in stages | {"scratch"} and "@sha256:" not in image and tag in ("", "latest"):
                unpinned.append(f"FROM {image}: pin the base image to a version tag or a digest")
        elif keyword.upper() == "ADD" and re.search(r"\b(?:https?|ftp)://", rest):
            urls.append(f"{line}: ADD of a URL is unverified; download with a checksum in RUN")
    users = [line.split()[1] for line in instructions if line.upper().startswith("USER ")]
    user = []
    if not users:
        user = ["no USER: the container runs as root; add a non-root USER"]
    elif users[-1].split(":")[0] in ("root", "0"):
        user = [f"USER {users[-1]}: the container ends as root; switch to a non-root user"]
    checks = [line for line in instructions if line.upper().startswith("HEALTHCHECK ")]
    health = [] if checks and "NONE" not in checks[-1].upper() else [
        "no HEALTHCHECK: the orchestrator cannot tell a hung server from a healthy one"]
    return unpinned + user + health + urls
