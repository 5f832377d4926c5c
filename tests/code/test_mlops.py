"""Tests for labutils.mlops: the ML Test Score and the Dockerfile linter."""

import pandas as pd
import pytest

from labutils.mlops import ML_TEST_SCORE, dockerfile_findings, missing_evidence, ml_test_score

COLUMNS = ["section", "test", "status", "evidence"]


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
    assert missing_evidence(table, tmp_path) == [f"{table['test'].iloc[0]}: nowhere.py"]
    assert "no evidence" in missing_evidence(_assessment(evidence=""), tmp_path)[0]
    with pytest.raises(ValueError, match="existing folder"):
        missing_evidence(_assessment(), tmp_path / "absent")


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
