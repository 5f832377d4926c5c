"""Proof that `make nbval` (nbval with labutils.regression) tolerates last digits and catches regressions."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

CHAPTER = """\
---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
# Guard

```{code-cell} ipython3
import helper
import labutils
from labutils.claims import claim

labutils.setup()
print(f"result: {helper.VALUE:.6f}")
```

```{code-cell} ipython3
claim("guard.value", helper.VALUE, hi=5.0);
```
"""


def _nbval(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "pytest", "--nbval", "--nbval-current-env", "--nbval-sanitize-with",
         str(ROOT / "tests" / "nbval_sanitize.cfg"), "-p", "labutils.regression", "-p", "no:cacheprovider",
         "-q", "guard.ipynb"],
        cwd=folder, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A chapter executed once with helper.VALUE = 1.25, its outputs stored as the reference."""
    folder = tmp_path_factory.mktemp("guard")
    (folder / "guard.md").write_text(CHAPTER)
    (folder / "helper.py").write_text("VALUE = 1.25\n")
    subprocess.run([BIN / "jupytext", "--quiet", "--to", "ipynb", "--execute", "guard.md"],
                   cwd=folder, check=True, capture_output=True, timeout=300)
    return folder


def _copy(reference: Path, tmp_path: Path, value: float) -> Path:
    shutil.copytree(reference, tmp_path / "copy")
    (tmp_path / "copy" / "helper.py").write_text(f"VALUE = {value}\n")
    return tmp_path / "copy"


@pytest.mark.slow
def test_unchanged_chapter_passes(reference, tmp_path):
    "nbval: re-running an unchanged chapter reproduces its reference outputs"
    result = _nbval(_copy(reference, tmp_path, 1.25))
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.slow
def test_last_digit_difference_passes(reference, tmp_path):
    "nbval: a result that differs in its fourth significant digit (another CPU) still passes"
    result = _nbval(_copy(reference, tmp_path, 1.2501))
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.slow
def test_changed_helper_result_fails(reference, tmp_path):
    "nbval: a helper that returns a different number (inside the claim's bounds) fails the comparison"
    result = _nbval(_copy(reference, tmp_path, 1.5))
    assert result.returncode != 0
    assert "-result: 1.250000" in result.stdout and "+result: 1.500000" in result.stdout


@pytest.mark.slow
def test_claim_out_of_bounds_fails(reference, tmp_path):
    "nbval: a helper result outside a claim's bounds fails with ClaimError"
    result = _nbval(_copy(reference, tmp_path, 7.0))
    assert result.returncode != 0 and "ClaimError" in result.stdout


@pytest.mark.slow
def test_mutated_chapter_fails(reference, tmp_path):
    "nbval: an edited chapter whose outputs no longer match its reference fails"
    folder = _copy(reference, tmp_path, 1.25)
    nb = folder / "guard.ipynb"
    nb.write_text(nb.read_text().replace('helper.VALUE:.6f', 'helper.VALUE * 2:.6f'))
    result = _nbval(folder)
    assert result.returncode != 0 and "result: 2.500000" in result.stdout
