"""Experiment tracking and reproducibility: quiet MLflow, environment snapshots, a release gate.

MLflow runs here with an embedded SQLite backend and a local artifact folder: no
server, no network. :func:`quiet_mlflow` keeps its progress chatter out of the
book's outputs without hiding its warnings; :func:`environment_snapshot` records
what a run needs to be repeated; :func:`accept_strings` lets the flights model
take the plain strings a JSON client sends; :func:`passes_gate` is the check
that stops a worse model from being promoted.

Introduced in the chapter "Reproducibility and experiment tracking"
(``chapters/reproducibility.md``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import math
import numbers
import os
import platform
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer
from threadpoolctl import threadpool_info

__all__ = [
    "SKOPS_TRUSTED_TYPES", "SNAPSHOT_PACKAGES", "accept_strings", "code_version",
    "environment_snapshot", "passes_gate", "quiet_mlflow", "to_categories",
]  # fmt: skip

#: Packages whose versions :func:`environment_snapshot` records by default.
SNAPSHOT_PACKAGES = ("numpy", "pandas", "scikit-learn", "xgboost-cpu", "mlflow-skinny", "deltalake")
#: Types that skops may load from a logged :func:`accept_strings` pipeline around XGBoost.
SKOPS_TRUSTED_TYPES = (
    "labutils.tracking.to_categories", "xgboost.core.Booster", "xgboost.sklearn.XGBClassifier",
)  # fmt: skip
#: The environment variables that set thread counts in the numeric libraries.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: MLflow's advice when an input example has integer columns: true, and not actionable here.
_INTEGER_HINT = r"Hint: Inferred schema contains integer column"
#: The level field of a line written by MLflow's log handler ("2026/01/31 12:00:00 WARNING ...").
_LOG_PROBLEM = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (WARNING|ERROR|CRITICAL) (.*)$")


def _import_mlflow():
    try:
        return importlib.import_module("mlflow")
    except ImportError as err:  # pragma: no cover - mlflow-skinny is pinned
        raise ImportError("quiet_mlflow needs MLflow: pip install mlflow-skinny") from err


@contextlib.contextmanager
def quiet_mlflow() -> Iterator[None]:
    """Run MLflow calls without their progress chatter, but keep their warnings.

    On entry this switches off MLflow's usage telemetry (``MLFLOW_DISABLE_TELEMETRY``,
    which otherwise contacts a telemetry host; it stays off afterwards), sets
    ``MLFLOW_LOGGING_LEVEL=WARNING`` so that creating the SQLite tables and
    logging a model print nothing, turns off the progress bar that reading an
    artifact draws on stderr, and ignores MLflow's hint about integer
    columns in an input example. Inside the block, everything MLflow writes to
    its own log stream is captured. Plain messages (such as "Successfully
    registered model") are dropped; a logged WARNING or ERROR is re-issued as a
    :class:`RuntimeWarning` when the block ends, so a real problem still shows.

    Capturing replaces MLflow's on/off switch for its stream, which
    ``log_model`` turns back on when it finishes: silencing the stream once
    would not last.

    Examples
    --------
    >>> from mlflow.utils.logging_utils import eprint
    >>> with quiet_mlflow():
    ...     eprint("Successfully registered model 'demo'.")
    >>> os.environ["MLFLOW_DISABLE_TELEMETRY"]
    'true'
    """
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    os.environ["MLFLOW_LOGGING_LEVEL"] = "WARNING"
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    _import_mlflow()
    import logging

    from mlflow.utils.logging_utils import MLFLOW_LOGGING_STREAM as stream

    logger = logging.getLogger("mlflow")
    level = logger.level
    logger.setLevel(logging.WARNING)
    captured: list[str] = []

    def capture(text: str) -> None:
        if stream.enabled:
            captured.append(text)

    stream.write, stream.flush = capture, lambda: None
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_INTEGER_HINT)
            yield
    finally:
        del stream.write, stream.flush
        logger.setLevel(level)
    problems = [m.group(1) + " " + m.group(2) for line in "".join(captured).splitlines()
                if (m := _LOG_PROBLEM.match(line))]  # fmt: skip
    if problems:
        warnings.warn(f"MLflow reported: {problems[0][:500]}", RuntimeWarning, stacklevel=3)


def environment_snapshot(packages: Sequence[str] = SNAPSHOT_PACKAGES) -> dict[str, str]:
    """What a run needs to be repeated: Python, package versions and thread settings.

    Log it with the run (``mlflow.log_dict(snapshot, "environment.json")``) next
    to the seed and the data version. All values are strings, so the dict can
    also be logged as parameters or tags.

    Parameters
    ----------
    packages : sequence of str, default :data:`SNAPSHOT_PACKAGES`
        Distribution names (as ``pip`` knows them) whose installed versions to record.

    Returns
    -------
    dict
        ``python``, ``platform``, ``cpu_count``, ``package.<name>`` for each package,
        ``env.<VAR>`` for the thread-count variables (``"unset"`` if absent) and
        ``threads.<library>`` for each thread pool threadpoolctl finds.

    Raises
    ------
    ValueError
        If ``packages`` is empty or names a package that is not installed.

    Examples
    --------
    >>> snap = environment_snapshot(["numpy"])
    >>> snap["package.numpy"] == importlib.metadata.version("numpy")
    True
    >>> sorted(k for k in snap if k.startswith("env."))
    ['env.MKL_NUM_THREADS', 'env.OMP_NUM_THREADS', 'env.OPENBLAS_NUM_THREADS']
    """
    if isinstance(packages, str) or not isinstance(packages, Sequence):
        raise TypeError(f"packages must be a sequence of package names, got {packages!r}.")
    if not packages:
        raise ValueError("packages is empty; name at least one package, e.g. ['numpy'].")
    snapshot = {"python": platform.python_version(), "platform": platform.platform(),
                "cpu_count": str(os.cpu_count())}  # fmt: skip
    for name in packages:
        try:
            snapshot[f"package.{name}"] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise ValueError(f"package {name!r} is not installed; check the spelling "
                             "(use the pip name, e.g. 'scikit-learn').") from None  # fmt: skip
    for variable in _THREAD_VARIABLES:
        snapshot[f"env.{variable}"] = os.environ.get(variable, "unset")
    for pool in threadpool_info():
        snapshot[f"threads.{pool['internal_api']}"] = str(pool["num_threads"])
    return snapshot


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)


def code_version(root: str | Path = ".") -> dict[str, str]:
    """The version of the code a run executes: its git commit, and whether it was committed.

    Log it as the run's tags (``mlflow.set_tags(code_version(root))``) next to
    the data version and :func:`environment_snapshot`, so that a registered
    model points back to the code that trained it. A run from a work tree with
    uncommitted changes to tracked files is marked ``"uncommitted"`` and carries
    the SHA-256 of ``git diff HEAD``, so two runs from the same dirty tree can
    still be told apart from runs of other edits.

    Parameters
    ----------
    root : str or Path, default "."
        A directory inside the repository.

    Returns
    -------
    dict
        ``git.commit`` (the commit id of ``HEAD``), ``git.state`` (``"clean"`` or
        ``"uncommitted"``) and ``git.diff_sha256`` (empty when clean). Outside a
        git work tree, or without a ``git`` executable, the commit is
        ``"unknown"`` and the state ``"no git"``: a copy downloaded as a zip has
        no history to point to.

    Raises
    ------
    TypeError, ValueError
        If ``root`` is not a path, or not an existing directory.

    Examples
    --------
    >>> import tempfile
    >>> code_version(tempfile.mkdtemp())["git.state"]
    'no git'
    """
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path to a directory, got {type(root).__name__}.")
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"root {str(root)!r} is not an existing directory; pass the repository's folder.")
    unknown = {"git.commit": "unknown", "git.state": "no git", "git.diff_sha256": ""}
    if shutil.which("git") is None:
        return unknown
    head = _git(root, "rev-parse", "--verify", "HEAD")
    if head.returncode != 0:
        return unknown
    diff = _git(root, "diff", "HEAD", "--binary").stdout
    return {"git.commit": head.stdout.decode().strip(),
            "git.state": "uncommitted" if diff else "clean",
            "git.diff_sha256": hashlib.sha256(diff).hexdigest() if diff else ""}  # fmt: skip


def to_categories(X: pd.DataFrame) -> pd.DataFrame:
    """Turn a DataFrame's string columns into pandas categoricals (a copy).

    Examples
    --------
    >>> to_categories(pd.DataFrame({"carrier": ["UA", "AA"], "hour": [5, 6]})).dtypes.tolist()
    [CategoricalDtype(categories=['AA', 'UA'], ordered=False, categories_dtype=str), dtype('int64')]
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame, got {type(X).__name__}.")
    text = [c for c in X.columns if pd.api.types.is_string_dtype(X[c]) and X[c].dtype != "category"]
    return X.astype(dict.fromkeys(text, "category"))


def accept_strings(model: object) -> Pipeline:
    """Put :func:`to_categories` in front of a model that needs categorical columns.

    The flights model reads carrier, origin and destination as pandas
    categoricals, which JSON (and so MLflow's model signature and a serving
    request) cannot express. Wrapped, it takes plain strings. XGBoost maps the
    categories by name, so predictions equal the unwrapped model's. Log the
    pipeline with ``mlflow.sklearn.log_model(..., skops_trusted_types=SKOPS_TRUSTED_TYPES)``.

    Parameters
    ----------
    model : estimator
        A scikit-learn compatible estimator (fitted or not).

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> X = pd.DataFrame({"carrier": ["UA", "AA", "UA"]})
    >>> accept_strings(DummyClassifier()).fit(X, [1, 0, 1]).predict(X).tolist()
    [1, 1, 1]
    """
    if not (hasattr(model, "fit") and hasattr(model, "predict")):
        raise TypeError(f"model must be an estimator with fit and predict, got {type(model).__name__}.")
    return make_pipeline(FunctionTransformer(to_categories), model)


def _check_score(label: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{label} must be a real number, got {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"{label} must be finite, got {value}.")
    return float(value)


def passes_gate(baseline: float, candidate: float, *, tolerance: float) -> bool:
    """Release gate: may the candidate replace the baseline? (higher scores are better)

    The candidate passes if its score on a fixed validation set is at most
    ``tolerance`` below the baseline's.

    Parameters
    ----------
    baseline, candidate : float
        Scores of the current and the proposed model on the same validation set.
    tolerance : float
        Largest drop that is accepted (non-negative), in the score's units.

    Examples
    --------
    >>> passes_gate(0.70, 0.698, tolerance=0.005), passes_gate(0.70, 0.65, tolerance=0.005)
    (True, False)
    """
    baseline = _check_score("baseline", baseline)
    candidate = _check_score("candidate", candidate)
    tolerance = _check_score("tolerance", tolerance)
    if tolerance < 0:
        raise ValueError(f"tolerance must be non-negative, got {tolerance}.")
    return candidate >= baseline - tolerance
