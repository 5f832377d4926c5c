"""Binder builds the environment that `make` tests: the same pins, the same Python, labutils, and the
JupyterLab defaults of `make lab`. Static checks of binder/: no network, no repo2docker."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"


def _requirements(path: Path) -> list[str]:
    """The requirement lines of a pip requirements file, without comments and blank lines.

    Parameters
    ----------
    path : Path
        A requirements file.

    Returns
    -------
    list of str
        Its lines, stripped, in order.
    """
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def _commands(script: Path) -> list[str]:
    """The commands of a shell script: continuation lines joined, comments and blank lines dropped.

    Parameters
    ----------
    script : Path
        A bash script.

    Returns
    -------
    list of str
        One command a line, with runs of spaces collapsed.
    """
    text = script.read_text().replace("\\\n", " ")
    lines = (" ".join(line.split()) for line in text.splitlines() if not line.lstrip().startswith("#"))
    return [line for line in lines if line]


def test_binder_installs_the_tested_pins():
    "Binder: binder/requirements.txt includes ../requirements.txt, or lists exactly its pins"
    binder = _requirements(BINDER / "requirements.txt")
    assert binder == ["-r ../requirements.txt"] or sorted(binder) == sorted(_requirements(ROOT / "requirements.txt")), (
        f"binder/requirements.txt should be the single line '-r ../requirements.txt', not {binder}")


def test_binder_python_is_the_project_python():
    "Binder: runtime.txt asks for the Python that pyproject.toml requires (the one the pins are tested on)"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    floor = re.fullmatch(r">=\s*(3\.\d+)", requires)
    assert floor, f"requires-python is {requires!r}, not '>=3.X': say in this test which Python Binder gets"
    assert (BINDER / "runtime.txt").read_text().strip() == f"python-{floor[1]}"


def test_binder_post_build_installs_labutils_and_the_lab_defaults():
    "Binder: postBuild installs labutils without touching the pins, and the JupyterLab defaults make lab reads"
    commands = _commands(BINDER / "postBuild")
    assert "pip install --no-deps -e ." in commands, commands
    defaults = "binder/labconfig/default_setting_overrides.json"
    assert (BINDER / "labconfig" / "default_setting_overrides.json").is_file()
    assert f'install -D -m 644 {defaults} "$(jupyter --config-dir)/labconfig/default_setting_overrides.json"' \
        in commands, f"postBuild must install {defaults} into the user's Jupyter labconfig: {commands}"
