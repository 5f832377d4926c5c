"""labutils.tracking: quiet_mlflow, environment_snapshot, to_categories, accept_strings, passes_gate, code_version."""

import importlib.metadata
import logging
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest
from mlflow.utils.logging_utils import (
    MLFLOW_LOGGING_STREAM,
    disable_logging,
    enable_logging,
    eprint,
)
from numpy.testing import assert_allclose
from sklearn.dummy import DummyClassifier
from xgboost import XGBClassifier

from labutils.tracking import (
    SKOPS_TRUSTED_TYPES,
    accept_strings,
    code_version,
    environment_snapshot,
    passes_gate,
    quiet_mlflow,
    to_categories,
)


def test_quiet_mlflow_drops_plain_messages(capsys):
    "quiet_mlflow: MLflow's plain progress messages print nothing"
    with quiet_mlflow():
        eprint("Successfully registered model 'demo'.")
    assert capsys.readouterr().err == ""


def test_quiet_mlflow_outlasts_logging_switched_back_on(capsys):
    "quiet_mlflow: messages stay captured after MLflow turns its stream off and on (as log_model does)"
    with quiet_mlflow():
        disable_logging()
        enable_logging()
        eprint("Created version '1' of model 'demo'.")
    assert capsys.readouterr().err == ""


def test_quiet_mlflow_reissues_warnings():
    "quiet_mlflow: a WARNING that MLflow logs comes back as a RuntimeWarning"
    with pytest.warns(RuntimeWarning, match="MLflow reported: WARNING mlflow.demo: schema broken"):
        with quiet_mlflow():
            logging.getLogger("mlflow.demo").warning("schema broken")


def test_quiet_mlflow_ignores_info():
    "quiet_mlflow: INFO messages from MLflow's loggers are neither printed nor re-issued"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet_mlflow():
            logging.getLogger("mlflow.demo").info("Creating initial MLflow database tables...")


def test_quiet_mlflow_filters_only_the_integer_hint():
    "quiet_mlflow: the integer-column hint is ignored, any other warning still shows"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with quiet_mlflow():
            warnings.warn("Hint: Inferred schema contains integer column(s). Integer ...", UserWarning)
            warnings.warn("something else", UserWarning)
    assert [str(w.message) for w in seen] == ["something else"]


def test_quiet_mlflow_restores_the_stream_and_level(capsys):
    "quiet_mlflow: after the block MLflow's stream writes to stderr again and the logger level is back"
    logger = logging.getLogger("mlflow")
    before = logger.level
    with quiet_mlflow():
        pass
    assert logger.level == before and MLFLOW_LOGGING_STREAM.enabled
    eprint("visible")
    assert capsys.readouterr().err == "visible\n"


def test_quiet_mlflow_restores_the_stream_after_an_error(capsys):
    "quiet_mlflow: an exception inside the block propagates and the stream is restored"
    with pytest.raises(KeyError), quiet_mlflow():
        raise KeyError("boom")
    eprint("visible")
    assert capsys.readouterr().err == "visible\n"


@pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy is deprecated")
def test_quiet_mlflow_sqlite_registry_is_silent(tmp_path, capsys):
    "quiet_mlflow: an embedded SQLite store, log_model and register_model print nothing"
    with quiet_mlflow():
        import mlflow
        import mlflow.sklearn

        mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
        mlflow.create_experiment("test", artifact_location=str(tmp_path / "artifacts"))
        mlflow.set_experiment("test")
        with mlflow.start_run():
            model = DummyClassifier().fit([[0], [1]], [0, 1])
            info = mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"],
                                            input_example=np.array([[0]]))
        mlflow.register_model(info.model_uri, "demo")
    mlflow.set_tracking_uri(None)
    assert capsys.readouterr().err == ""


def test_environment_snapshot_records_versions_and_threads():
    "environment_snapshot: package versions match importlib.metadata, every value is a string"
    snap = environment_snapshot(["numpy", "scikit-learn"])
    assert snap["package.scikit-learn"] == importlib.metadata.version("scikit-learn")
    assert {"python", "platform", "cpu_count", "env.OMP_NUM_THREADS"} <= set(snap)
    assert all(isinstance(v, str) for v in snap.values())


@pytest.mark.parametrize(("packages", "error", "match"), [
    ([], ValueError, "empty"),
    (["no-such-package-xyz"], ValueError, "not installed"),
    ("numpy", TypeError, "sequence"),
])
def test_environment_snapshot_rejects_bad_packages(packages, error, match):
    "environment_snapshot: empty, unknown and bare-string package lists are errors"
    with pytest.raises(error, match=match):
        environment_snapshot(packages)


def test_to_categories_converts_only_strings():
    "to_categories: string columns become categoricals, numbers and the input stay as they were"
    X = pd.DataFrame({"carrier": ["UA", "AA"], "hour": [5, 6], "origin": pd.Categorical(["JFK", "LGA"])})
    out = to_categories(X)
    assert out["carrier"].dtype == "category" and out["hour"].dtype == "int64"
    assert X["carrier"].dtype != "category"


def test_to_categories_rejects_arrays():
    "to_categories: a numpy array is a TypeError"
    with pytest.raises(TypeError, match="DataFrame"):
        to_categories(np.zeros((2, 2)))


def test_accept_strings_predicts_like_the_model_on_categoricals():
    "accept_strings: the wrapped XGBoost model given strings predicts exactly as the bare model given categoricals"
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"carrier": rng.choice(["AA", "B6", "UA"], 300), "x": rng.normal(size=300)})
    y = ((X["carrier"] == "UA") ^ (X["x"] > 0)).astype(int)
    model = XGBClassifier(n_estimators=5, enable_categorical=True, tree_method="hist", n_jobs=1)
    bare = model.fit(to_categories(X), y).predict_proba(to_categories(X))[:, 1]
    wrapped = accept_strings(model).predict_proba(X.iloc[::-1])[::-1, 1]
    assert_allclose(wrapped, bare, rtol=0, atol=0)
    assert "labutils.tracking.to_categories" in SKOPS_TRUSTED_TYPES


def test_accept_strings_rejects_non_estimators():
    "accept_strings: something without fit/predict is a TypeError"
    with pytest.raises(TypeError, match="estimator"):
        accept_strings("xgboost")


@pytest.mark.parametrize(("baseline", "candidate", "expected"), [
    (0.70, 0.70, True), (0.70, 0.695, True), (0.70, 0.694, False), (0.70, 0.80, True),
])
def test_passes_gate_accepts_drops_within_tolerance(baseline, candidate, expected):
    "passes_gate: a drop up to the tolerance passes, a larger one fails"
    assert passes_gate(baseline, candidate, tolerance=0.005) is expected


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"baseline": float("nan"), "candidate": 0.7, "tolerance": 0.01}, ValueError),
    ({"baseline": 0.7, "candidate": "0.7", "tolerance": 0.01}, TypeError),
    ({"baseline": 0.7, "candidate": 0.7, "tolerance": -0.01}, ValueError),
    ({"baseline": True, "candidate": 0.7, "tolerance": 0.01}, TypeError),
])
def test_passes_gate_rejects_bad_scores(kwargs, error):
    "passes_gate: NaN, text, booleans and a negative tolerance are errors"
    with pytest.raises(error):
        passes_gate(**kwargs)


# code_version

def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / "train.py").write_text("seed = 0\n")
    _git(tmp_path, "add", "train.py")
    _git(tmp_path, "commit", "-q", "-m", "first")
    return tmp_path


def test_code_version_names_the_commit_of_a_clean_tree(repo):
    "code_version: a clean tree gives HEAD's commit id and no diff hash"
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert code_version(repo) == {"git.commit": head.stdout.strip(), "git.state": "clean", "git.diff_sha256": ""}


def test_code_version_marks_uncommitted_changes_by_their_diff(repo):
    "code_version: an edit makes the state uncommitted, and different edits give different hashes"
    (repo / "train.py").write_text("seed = 1\n")
    first = code_version(repo)
    assert first["git.state"] == "uncommitted" and len(first["git.diff_sha256"]) == 64
    assert code_version(repo) == first
    (repo / "train.py").write_text("seed = 2\n")
    assert code_version(repo)["git.diff_sha256"] != first["git.diff_sha256"]


def test_code_version_outside_git_is_unknown(tmp_path):
    "code_version: a folder without history (a zip download) says so instead of failing"
    assert code_version(tmp_path) == {"git.commit": "unknown", "git.state": "no git", "git.diff_sha256": ""}


@pytest.mark.parametrize(("root", "error"), [(3, TypeError), ("/no/such/folder", ValueError)])
def test_code_version_rejects_bad_roots(root, error):
    "code_version: a non-path or a missing folder is an error that says what to pass"
    with pytest.raises(error, match="root"):
        code_version(root)
