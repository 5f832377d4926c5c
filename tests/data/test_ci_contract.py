"""Contracts of the repository's own pipeline: CI runs the README's test command, every workflow
is valid, the serving image keeps its invariants and passes hadolint, and the ML Test Score
assessment points at evidence that exists."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from labutils.mlops import dockerfile_findings, missing_evidence, ml_test_score

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _readme_test_command() -> str:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    commands = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return next(c for c in commands if c.startswith("make test"))


def test_workflow_runs_the_readme_test_command():
    "CI: the GitHub workflow runs .ci/run, and .ci/run runs the README's test command and nothing else"
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    runs = [step["run"].strip() for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert runs == [".ci/run"], runs
    script = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
              if line.strip() and not line.lstrip().startswith("#")]
    assert script[-1] == _readme_test_command() == "make test"
    assert all(line.startswith(("set ", "cd ")) for line in script[:-1]), script


def test_every_workflow_is_valid():
    "CI: every file in .github/workflows validates against GitHub's workflow schema (bundled, offline)"
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows
    done = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                           *workflows], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_serving_dockerfile_passes_hadolint():
    "Docker: hadolint (bundled binary, offline) finds nothing at warning level or above"
    done = subprocess.run([BIN / "hadolint", "--no-color", "--failure-threshold", "warning",
                           ROOT / ".ci" / "serving.Dockerfile"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_serving_dockerfile_keeps_its_invariants():
    "Docker: pinned base image, non-root USER, a HEALTHCHECK, no ADD of a URL"
    assert dockerfile_findings((ROOT / ".ci" / "serving.Dockerfile").read_text()) == []


def test_ml_test_score_assessment_has_evidence():
    "ML Test Score: the book's assessment covers the 28 tests and every claimed test names files that exist"
    assessment = pd.read_csv(ROOT / "tests" / "ml_test_score.csv", keep_default_na=False)
    score, _ = ml_test_score(assessment)
    assert 0 <= score <= 7
    assert missing_evidence(assessment, ROOT) == []
