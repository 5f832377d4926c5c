"""Feast's own venv (.venv-feast): exact pins, built by the two commands and by Binder, pip check clean.

Feast needs pandas < 3 and the book runs pandas 3, so the feature-store chapter runs Feast in a
subprocess with .venv-feast's Python (labutils.featurestore.feast_features).
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

from labutils.featurestore import FEAST_PYTHON

ROOT = Path(__file__).resolve().parents[2]
PINS = ROOT / ".ci" / "requirements-feast.txt"
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.+!-]*)")


def _pins() -> dict[str, str]:
    """{normalized name: version} of .ci/requirements-feast.txt, failing on any line that is not an exact pin."""
    pins = {}
    for line in PINS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        match = PIN.fullmatch(line)
        assert match, f"{PINS.name}: {line!r} is not an exact pin name==version"
        name = re.sub(r"[-_.]+", "-", match[1]).lower()
        assert name not in pins, f"{PINS.name} pins {name} twice"
        pins[name] = match[2]
    return pins


def test_feast_pins_are_exact_and_hold_feast_with_pandas_2():
    "requirements-feast.txt: every line an exact pin, with feast 0.67.0 and a pandas below 3"
    pins = _pins()
    assert pins["feast"] == "0.67.0"
    assert pins["pandas"] == "2.3.3"


def test_both_commands_and_every_executing_target_build_the_feast_venv():
    "Makefile: book, test, unit, references, nbval and budgets depend on the Feast venv's stamp"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\$\(FEAST_STAMP\): \.ci/requirements-feast\.txt$", makefile, re.M)
    assert re.search(r"^feast-env: \$\(FEAST_STAMP\)$", makefile, re.M)
    for target in ["book", "test", "unit", "references", "nbval", "budgets"]:
        line = re.search(rf"^{target}:(.*)$", makefile, re.M)
        assert line and "$(FEAST_STAMP)" in line[1], f"make {target} must depend on $(FEAST_STAMP): {line}"
    assert ".venv-feast/" in (ROOT / ".gitignore").read_text().splitlines()


def test_binder_builds_the_feast_venv_from_the_same_pins():
    "binder/postBuild: creates .venv-feast and installs .ci/requirements-feast.txt into it"
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "python -m venv .venv-feast" in post_build
    assert "-r .ci/requirements-feast.txt" in post_build


@pytest.mark.skipif(not FEAST_PYTHON.is_file() and not os.environ.get("CI"), reason="no .venv-feast yet")
def test_the_feast_venv_holds_exactly_the_pins_and_pip_check_is_clean():
    "the Feast venv: pip freeze equals the pins, and pip check finds no broken requirement"
    freeze = subprocess.run([str(FEAST_PYTHON), "-m", "pip", "freeze", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True).stdout
    installed = {}
    for line in freeze.splitlines():
        match = PIN.fullmatch(line.strip())
        assert match, f"the Feast venv has a package that is not a plain release: {line!r}"
        installed[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    assert installed == _pins()
    check = subprocess.run([str(FEAST_PYTHON), "-m", "pip", "check", "--disable-pip-version-check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
