"""`make lab`: JupyterLab opens the .md chapters as notebooks, and saving one unchanged rewrites nothing."""

import difflib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from jupyter_core.paths import jupyter_path

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "binder" / "labconfig" / "default_setting_overrides.json"
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))
#: How long the server may take to answer after it starts (about 6 s on an idle 2-core machine).
STARTUP_SECONDS = 90
#: An opener that ignores proxy settings: every request goes straight to 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _make_lab_command() -> str:
    """The shell command of ``make lab``, as ``make -n`` prints it.

    Returns
    -------
    str
        The recipe on one line; nothing is run, and the venv is not re-installed.
    """
    dry_run = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "lab"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return dry_run.stdout.replace("\\\n", " ").strip()


def _plugin_schema(plugin: str) -> dict:
    """The settings schema of a JupyterLab plugin, from the installed JupyterLab.

    Parameters
    ----------
    plugin : str
        A plugin id such as ``"@jupyterlab/docmanager-extension:plugin"``.

    Returns
    -------
    dict
        The JSON schema its settings must satisfy.
    """
    package, name = plugin.split(":")
    paths = [Path(p) for p in jupyter_path("lab", "schemas", package, f"{name}.json")]
    path = next((p for p in paths if p.is_file()), None)
    assert path, f"{plugin} is not a plugin of the installed JupyterLab (no schema in {paths})"
    return json.loads(path.read_text())


def _jupytext_labextension() -> str:
    """The JavaScript of jupytext's JupyterLab extension, as installed.

    Returns
    -------
    str
        Every bundle of its ``static/`` folder, concatenated.
    """
    folders = [Path(p, "static") for p in jupyter_path("labextensions", "jupyterlab-jupytext")]
    bundles = [js for folder in folders if folder.is_dir() for js in sorted(folder.glob("*.js"))]
    assert bundles, "jupytext's JupyterLab extension is not installed (requirements.txt pins jupytext)"
    return "".join(js.read_text(encoding="utf-8") for js in bundles)


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment.

    Returns
    -------
    int
        The port number.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server: its address, its token and the folder it serves."""

    url: str
    token: str
    root: Path

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        """Call the server's REST API.

        Parameters
        ----------
        method : str
            ``"GET"`` or ``"PUT"``.
        path : str
            The path after the server's address, such as ``"/api/status"``.
        body : dict, optional
            Sent as JSON.

        Returns
        -------
        dict
            The decoded JSON answer.
        """
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"token {self.token}", "Content-Type": "application/json"}
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with OPENER.open(request, timeout=60) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: HTTP {error.code}: {error.read()[:500]!r}") from None


def _wait_until_ready(lab: Lab, server: subprocess.Popen, log: Path) -> None:
    """Wait, at most :data:`STARTUP_SECONDS`, until the server answers on its status API.

    Parameters
    ----------
    lab : Lab
        Where the server listens.
    server : subprocess.Popen
        Its process, to notice an early exit.
    log : Path
        Its output, quoted when it does not come up.
    """
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make lab's server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            lab.request("GET", "/api/status")
            return
        except OSError:  # not listening yet
            time.sleep(0.25)
    pytest.fail(f"make lab's server did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and everything it started: SIGTERM, then SIGKILL after 30 s.

    Parameters
    ----------
    server : subprocess.Popen
        A process started in its own session (its process group).
    """
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """``make lab``'s server, headless on a free loopback port, serving a copy of the chapters.

    The recipe runs as ``make -n lab`` prints it, with the repository replaced by a copy of
    ``chapters/`` and ``pyproject.toml`` (the project's jupytext settings), so a save never
    touches the repository; runtime files go to a temporary folder too.

    Yields
    ------
    Lab
        The server, stopped when the module's tests are done (or one fails).
    """
    folder = tmp_path_factory.mktemp("lab")
    root = folder / "repo"
    shutil.copytree(ROOT / "chapters", root / "chapters")
    shutil.copy2(ROOT / "pyproject.toml", root)
    lab = Lab(url=f"http://127.0.0.1:{_free_port()}", token=secrets.token_hex(16), root=root)
    command, served = _make_lab_command() + " ", f"--ServerApp.root_dir={ROOT} "
    assert served in command, f"make lab does not serve the repository; not starting it on a copy: {command}"
    command = command.replace(served, f"--ServerApp.root_dir={shlex.quote(str(root))} ")
    headless = ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={lab.url.rsplit(':', 1)[1]}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={lab.token}"]
    log = folder / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(["bash", "-c", command + ' "$@"', "make-lab", *headless],
                                  cwd=ROOT, env={**os.environ, "JUPYTER_RUNTIME_DIR": str(folder / "runtime")},
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait_until_ready(lab, server, log)
        yield lab
    finally:
        _stop(server)


def test_make_lab_serves_the_repository_with_the_binder_defaults():
    "make lab: the server's root is the repository (so jupytext reads pyproject.toml) and Jupyter reads binder/"
    command = _make_lab_command() + " "
    assert f"--ServerApp.root_dir={ROOT} " in command, command
    assert f"JUPYTER_CONFIG_PATH={OVERRIDES.parents[1]} " in command, command


def test_lab_defaults_are_valid_settings_of_the_installed_jupyterlab():
    "binder/labconfig: each default satisfies its plugin's schema, and .md opens with jupytext's notebook viewer"
    overrides = json.loads(OVERRIDES.read_text())
    for plugin, settings in overrides.items():
        jsonschema.validate(settings, _plugin_schema(plugin))
    viewer = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"]
    assert f'"{viewer}"' in _jupytext_labextension(), f"{viewer!r} is not a viewer of jupytext's lab extension"


@pytest.mark.slow
def test_lab_opens_a_chapter_as_a_notebook(lab):
    "make lab: the contents API serves chapters/leakage.md as a notebook with code cells; .md defaults to jupytext"
    model = lab.request("GET", "/api/contents/chapters/leakage.md?type=notebook&content=1")
    assert model["type"] == "notebook", model["type"]
    assert any(cell["cell_type"] == "code" for cell in model["content"]["cells"])
    settings = lab.request("GET", "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    assert settings["schema"]["properties"]["defaultViewers"]["default"].get("markdown") == "Jupytext Notebook"


@pytest.mark.slow
@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_saving_an_unchanged_chapter_keeps_its_files(lab, md):
    "make lab: saving a chapter unchanged (GET, then PUT the same notebook) keeps its .md and .ipynb byte for byte"
    path = f"chapters/{md.name}"
    files = [lab.root / path, (lab.root / path).with_suffix(".ipynb")]
    before = [file.read_bytes() for file in files]
    model = lab.request("GET", f"/api/contents/{path}?type=notebook&content=1")
    lab.request("PUT", f"/api/contents/{path}", {"type": "notebook", "format": "json", "content": model["content"]})
    for file, old in zip(files, before):
        new = file.read_bytes()
        diff = difflib.unified_diff(old.decode().splitlines(), new.decode().splitlines(), lineterm="", n=1)
        assert new == old, (f"saving {path} unchanged from JupyterLab rewrites {file.name} (a reference notebook out "
                            f"of sync with its .md is rewritten: run make references):\n" + "\n".join(list(diff)[:40]))
