"""Tests for labutils.mlops: the ML Test Score graded by evidence, and the Dockerfile linter."""

import re
from pathlib import Path

import pandas as pd
import pytest

from labutils.mlops import ML_TEST_SCORE, dockerfile_findings, evidence_status, missing_evidence, ml_test_score

COLUMNS = ["section", "test", "status", "evidence"]
ROOT = Path(__file__).resolve().parents[2]


def _assessment(status="automated", evidence="README.md"):
    rows = [(s, t, status, evidence) for s, tests in ML_TEST_SCORE.items() for t in tests]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_rubric_has_28_tests_in_four_sections_of_seven():
    """The rubric is Breck et al.'s: four sections of seven tests."""
    assert list(ML_TEST_SCORE) == ["data", "model", "infrastructure", "monitoring"]
    assert all(len(tests) == 7 for tests in ML_TEST_SCORE.values())


def test_score_is_the_minimum_over_sections():
    """Half a point for manual, one for automated; the final score is the weakest section."""
    table = _assessment()
    table.loc[table["section"] == "monitoring", "status"] = "manual"
    table.loc[table.index[0], "status"] = "not done"
    score, sections = ml_test_score(table)
    assert sections.to_dict() == {"data": 6.0, "model": 7.0, "infrastructure": 7.0, "monitoring": 3.5}
    assert score == 3.5


@pytest.mark.parametrize(
    ("table", "error", "message"),
    [
        ([1, 2], TypeError, "DataFrame"),
        (_assessment().drop(columns="status"), ValueError, "status"),
        (_assessment(status="mostly"), ValueError, "unknown status"),
        (_assessment().iloc[1:], ValueError, "exactly the 28 tests"),
        (pd.concat([_assessment(), _assessment().iloc[:1]]), ValueError, "twice"),
    ],
)
def test_bad_assessments_are_explained(table, error, message):
    """Wrong types, missing columns, unknown statuses and incomplete rubrics are named."""
    with pytest.raises(error, match=message):
        ml_test_score(table)


def test_missing_evidence_is_listed(tmp_path):
    """Evidence must exist for done tests; not-done tests need none; anchors are ignored."""
    (tmp_path / "README.md").write_text("x")
    assert missing_evidence(_assessment(evidence="README.md#usage; README.md"), tmp_path) == []
    table = _assessment(evidence="nowhere.py")
    table.loc[table.index[1:], "status"] = "not done"
    assert missing_evidence(table, tmp_path) == [f"{table['test'].iloc[0]}: nowhere.py (no such file)"]
    assert "no evidence" in missing_evidence(_assessment(evidence=""), tmp_path)[0]
    with pytest.raises(ValueError, match="existing folder"):
        missing_evidence(_assessment(), tmp_path / "absent")
    with pytest.raises(TypeError, match="folder"):
        missing_evidence(_assessment(), 3)


@pytest.fixture
def repo(tmp_path):
    """A repository with one test function and one chapter claim to cite."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("@mark\ndef test_schema(x):\n    assert x\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "c.md").write_text('claim(\n    "c.auc", auc, lo=0.6, hi=0.7)\n')
    return tmp_path


def test_named_functions_and_claims_must_exist(repo):
    """file::test_name needs a def in a tests/ file, chapter.md::claim a claim call in the chapter."""
    ok = _assessment(evidence="tests/test_a.py::test_schema; chapters/c.md::c.auc")
    assert missing_evidence(ok, repo) == []
    for evidence, why in [("tests/test_a.py::test_scheme", "no test function test_scheme"),
                          ("chapters/c.md::c.ece", "no claim c.ece"),
                          ("chapters/c.md::test_schema", "no claim test_schema"),
                          ("README.md::intro", "only names a test function")]:
        (repo / "README.md").write_text("intro")
        table = _assessment(evidence=evidence)
        table.loc[table.index[1:], "status"] = "not done"
        (problem,) = missing_evidence(table, repo)
        assert problem.startswith(f"{table['test'].iloc[0]}: {evidence} (") and why in problem


def test_evidence_status_gives_points_only_for_tests_and_claims(repo):
    """A test function supports automated, a chapter claim manual; a sentence, a bare file or a typo nothing."""
    (repo / "README.md").write_text("We check the schema by hand.")
    table = _assessment(evidence="")
    cases = {"tests/test_a.py::test_schema; chapters/c.md::c.auc": "automated",
             "chapters/c.md::c.auc": "manual", "tests/test_a.py::test_scheme": "not done",
             "tests/test_a.py": "not done", "README.md": "not done",
             "we check it by hand": "not done", "": "not done"}
    table.loc[table.index[:len(cases)], "evidence"] = list(cases)
    assert evidence_status(table, repo).iloc[:len(cases)].tolist() == list(cases.values())


def _book_assessment() -> pd.DataFrame:
    return pd.read_csv(ROOT / "tests" / "ml_test_score.csv", keep_default_na=False)


def _cited(prefix: str) -> list[tuple[str, str]]:
    entries = [e.strip() for cell in _book_assessment()["evidence"] for e in cell.split(";") if e.strip()]
    return [tuple(e.split("::", 1)) if "::" in e else (e, "") for e in entries if e.startswith(prefix)]


def test_every_test_the_book_cites_exists():
    """The book's assessment: each cited tests/<file>.py::<name> is a def in that file."""
    cited = _cited("tests/")
    assert cited, "the assessment cites no test"
    for path, name in cited:
        assert name, f"{path}: cite the test function too, as {path}::test_name"
        text = (ROOT / path).read_text()
        assert re.search(rf"^def {re.escape(name)}\(", text, re.M), f"{path} has no def {name}"


def test_every_claim_the_book_cites_exists():
    """The book's assessment: each cited chapters/<chapter>.md::<claim> is a claim in that chapter."""
    for path, name in _cited("chapters/"):
        assert name, f"{path}: cite the claim too, as {path}::claim_name"
        assert re.search(rf"\bclaim\(\s*\"{re.escape(name)}\"", (ROOT / path).read_text()), f"{path}: no claim {name}"


def test_the_book_grades_no_test_above_its_evidence():
    """The book's assessment: each status is the one its evidence supports (self-grading cannot inflate it)."""
    table = _book_assessment()
    supported = evidence_status(table, ROOT)
    wrong = supported != table["status"]
    assert not wrong.any(), table.loc[wrong, ["test", "status"]].assign(supported=supported[wrong]).to_string()
    assert (table.loc[table["status"] == "not done", "checks"] != "").all(), "say why each test is not done"


GOOD = """\
# syntax=docker/dockerfile:1
FROM python:3.11.14-slim-bookworm AS build
RUN pip install \\
    fastapi
FROM python:3.11.14-slim-bookworm
COPY --from=build /usr/local /usr/local
USER app
HEALTHCHECK CMD python -c "print(1)"
"""


def test_a_good_dockerfile_has_no_findings():
    """Pinned bases, stage references, a non-root user and a health check pass."""
    assert dockerfile_findings(GOOD) == []


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (lambda t: t.replace("python:3.11.14-slim-bookworm AS", "python:latest AS"), "FROM python:latest"),
        (lambda t: t.replace("USER app", "USER root"), "ends as root"),
        (lambda t: t.replace("USER app\n", ""), "no USER"),
        (lambda t: t.replace("HEALTHCHECK CMD", "HEALTHCHECK NONE #"), "no HEALTHCHECK"),
        (lambda t: t + "ADD https://example.org/model.bin /m\n", "ADD of a URL"),
    ],
)
def test_each_broken_invariant_is_found(change, finding):
    """Each invariant, broken alone, gives exactly one finding that names it."""
    findings = dockerfile_findings(change(GOOD))
    assert len(findings) == 1 and finding in findings[0]


def test_dockerfile_bad_input():
    """Non-text and text without FROM are rejected with a message."""
    with pytest.raises(TypeError, match="contents"):
        dockerfile_findings(b"FROM x")
    with pytest.raises(ValueError, match="no FROM"):
        dockerfile_findings("RUN true\n")
