"""The flights model's release pipeline: data contract, train, evaluate, gate, register, approve, promote.

Each stage is a function and a command, ``python -m labutils.pipeline <stage>``,
which is what the workflow ``.github/workflows/model.yml`` runs step by step
and what the MLOps chapter executes. An experiment is one YAML file in
``chapters/configs/`` (:func:`load_config`, validated by pydantic; its
:func:`config_hash` is logged). The stages pass their results through a work
folder: ``check`` writes ``data.json``, ``train`` writes ``model.json``,
``evaluate`` writes ``scores.npz`` (the candidate's and the current champion's
scores on the same validation rows), ``gate`` writes ``gate.json`` and fails
the command if a check fails, ``register`` logs the candidate to MLflow with
its lineage. The gate comes **before** promotion: a version can be promoted
only once its gate passed and a person approved it (:func:`approve`,
:func:`promote`).

Only the shared split's training and validation periods are read; the test
period is never touched by a release.

Introduced in the chapter "MLOps and CI/CD" (``chapters/mlops.md``).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import shlex
import sys
from string import Template
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sklearn.metrics import roc_auc_score

from .benchmark import paired_bootstrap_diff
from .datasets import FLIGHTS_TARGET
from .evaluation import expected_calibration_error
from .models import MODEL_FEATURES, flights_model, flights_split
from .tracking import code_version, quiet_mlflow
from .validation import flights_schema, validate_batch

__all__ = ["ExperimentConfig", "GateReport", "approve", "check_data", "config_hash", "evaluate", "gate",
           "load_config", "main", "promote", "register", "train", "workflow_commands"]

#: The months the shared split trains on (January–August); September is the validation period.
TRAIN_MONTHS = range(1, 9)
#: The approval states of a registered version (the ``approval.status`` tag).
APPROVAL_STATES = ("pending", "approved", "rejected")
#: Where a step's command ends (a redirection such as ``>> "$GITHUB_OUTPUT"``, a pipe, a second command).
_SHELL_OPERATORS = {">", ">>", "|", "&&", "||", ";"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DataConfig(_Strict):
    """Which flights train the model: a sample of the shared split, and the training months."""

    sample: int = Field(gt=0, description="Flights sampled from the year before the time split.")
    seed: int = Field(ge=0)
    train_months: list[int] = Field(min_length=1, description="Months of 2013 to train on, within 1–8.")

    @field_validator("train_months")
    @classmethod
    def _months(cls, months: list[int]) -> list[int]:
        if len(set(months)) != len(months) or not set(months) <= set(TRAIN_MONTHS):
            raise ValueError(f"must be distinct months within 1–8 (September is validation), got {months}")
        return months


class ModelConfig(_Strict):
    """The shared XGBoost model's inputs and parameters."""

    features: list[str] = Field(min_length=1)
    n_estimators: int = Field(ge=1, le=2000)
    max_depth: int = Field(ge=1, le=12)
    learning_rate: float = Field(gt=0, le=1)

    @field_validator("features")
    @classmethod
    def _features(cls, features: list[str]) -> list[str]:
        unknown = [f for f in features if f not in MODEL_FEATURES]
        if unknown or len(set(features)) != len(features):
            raise ValueError(f"must be distinct names from MODEL_FEATURES {list(MODEL_FEATURES)}; "
                             f"unknown: {unknown}")
        return features


class GateConfig(_Strict):
    """What a candidate must show on the validation period before it may be promoted."""

    auc_margin: float = Field(ge=0, le=0.05, description="Non-inferiority margin of the paired AUC interval.")
    confidence: float = Field(gt=0.5, lt=1)
    n_resamples: int = Field(ge=100, le=5000)
    max_ece: float = Field(gt=0, lt=1)
    segment_margin: float = Field(ge=0, le=0.1, description="Largest AUC drop accepted at any origin airport.")
    max_size_ratio: float = Field(gt=1, description="Largest model size relative to the champion's.")


class ExperimentConfig(_Strict):
    """One experiment: its name, the data, the model and the gate (see ``chapters/configs/``)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    data: DataConfig
    model: ModelConfig
    gate: GateConfig


def _problem(err: Mapping[str, Any], model: type[BaseModel]) -> str:
    key = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        parent = model
        for part in err["loc"][:-1]:
            parent = parent.model_fields[str(part)].annotation
        return f"unknown key {key!r} (allowed here: {', '.join(parent.model_fields)})"
    if err["type"] == "missing":
        return f"missing key {key!r}"
    return f"{key}: {err['msg']}"


def load_config(path: str | Path) -> ExperimentConfig:
    """Read and validate an experiment config (YAML).

    Unknown keys, missing keys and wrong types are errors that name the key:
    an experiment must not run with a typo silently ignored or a string
    silently turned into a number.

    Parameters
    ----------
    path : str or Path
        A YAML file, e.g. ``chapters/configs/champion.yaml``.

    Returns
    -------
    ExperimentConfig

    Raises
    ------
    ValueError
        If the file is missing, is not a YAML mapping, or breaks the schema.

    Examples
    --------
    >>> config = load_config("chapters/configs/champion.yaml")
    >>> config.name, config.data.train_months[:3]
    ('champion', [1, 2, 3])
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"config file {str(path)!r} not found; the experiment configs are in chapters/configs/.")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise ValueError(f"config {path.name}: not valid YAML ({err}).") from err
    if not isinstance(raw, dict):
        raise ValueError(f"config {path.name}: expected a mapping of keys (name, data, model, gate), "
                         f"got {type(raw).__name__}.")
    try:
        return ExperimentConfig.model_validate(raw)
    except ValidationError as err:
        problems = "; ".join(_problem(e, ExperimentConfig) for e in err.errors())
        raise ValueError(f"config {path.name}: {problems}.") from None


def config_hash(config: ExperimentConfig) -> str:
    """The SHA-256 of a config's canonical JSON: equal configs, equal hashes, whatever the YAML's layout.

    Examples
    --------
    >>> config = load_config("chapters/configs/champion.yaml")
    >>> len(config_hash(config)), config_hash(config) == config_hash(config.model_copy())
    (64, True)
    """
    if not isinstance(config, ExperimentConfig):
        raise TypeError(f"config must be an ExperimentConfig (from load_config), got {type(config).__name__}.")
    canonical = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_config(config: object) -> ExperimentConfig:
    if not isinstance(config, ExperimentConfig):
        raise TypeError(f"config must be an ExperimentConfig (from load_config), got {type(config).__name__}.")
    return config


def _periods(config: ExperimentConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The config's training rows and the validation period (the test period is dropped unread)."""
    train, valid, _ = flights_split(n=config.data.sample, seed=config.data.seed)
    return train[train["month"].isin(config.data.train_months)], valid


def check_data(config: ExperimentConfig) -> dict[str, Any]:
    """Stage 1, the data contract: validate the training and validation rows, and version the training data.

    Returns
    -------
    dict
        ``train_rows``, ``valid_rows`` and ``data_version`` (SHA-256 of the
        training rows, every model feature and the label, first 16 hex digits:
        the same rows give the same version whichever features a config uses).

    Raises
    ------
    ValueError
        If a batch breaks the flights contract (:func:`labutils.validation.flights_schema`);
        the message counts the failures per check.

    Examples
    --------
    >>> check_data(load_config("chapters/configs/champion.yaml"))["train_rows"] > 1000
    True
    """
    config = _check_config(config)
    train, valid = _periods(config)
    schema = flights_schema()
    for label, rows in [("training", train), ("validation", valid)]:
        report = validate_batch(rows[[c for c in rows.columns if c in schema.columns]], schema)
        if len(report):
            counts = report.groupby(["check", "column"]).size().to_dict()
            raise ValueError(f"the {label} rows break the data contract: {counts}; fix the data, not the contract.")
    rows = train[[*MODEL_FEATURES, FLIGHTS_TARGET]]  # the rows, whichever features this config uses
    digest = hashlib.sha256(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
    return {"train_rows": len(train), "valid_rows": len(valid), "data_version": digest.hexdigest()[:16]}


def train(config: ExperimentConfig) -> Any:
    """Stage 2: fit the shared XGBoost model with the config's features, months and parameters.

    Examples
    --------
    >>> model = train(load_config("chapters/configs/champion.yaml"))
    >>> model.get_booster().feature_names[:3]
    ['weekday', 'hour', 'minute']
    """
    config = _check_config(config)
    rows, _ = _periods(config)
    m = config.model
    model = flights_model(seed=config.data.seed, n_estimators=m.n_estimators)
    model.set_params(max_depth=m.max_depth, learning_rate=m.learning_rate)
    return model.fit(rows[m.features], rows[FLIGHTS_TARGET].astype(int))


class Evaluation(NamedTuple):
    """Scores of one model on the validation period, with what the gate needs to compare two models."""

    y: np.ndarray
    scores: np.ndarray
    days: np.ndarray
    segments: np.ndarray
    size_bytes: int


def evaluate(model: Any, config: ExperimentConfig) -> Evaluation:
    """Stage 3: score a fitted model on the validation period (September).

    The segments are the origin airports; the size is the booster's saved
    JSON, a deterministic stand-in for its prediction cost (trees times depth).

    Examples
    --------
    >>> config = load_config("chapters/configs/champion.yaml")
    >>> result = evaluate(train(config), config)
    >>> len(result.y) == len(result.scores), np.unique(result.segments).tolist()
    (True, ['EWR', 'JFK', 'LGA'])
    """
    config = _check_config(config)
    if not hasattr(model, "get_booster"):
        raise TypeError(f"model must be a fitted XGBClassifier (from train), got {type(model).__name__}.")
    _, valid = _periods(config)
    features = model.get_booster().feature_names
    return Evaluation(y=valid[FLIGHTS_TARGET].astype(int).to_numpy(),
                      scores=model.predict_proba(valid[features])[:, 1],
                      days=valid["sched_dep"].dt.strftime("%Y-%m-%d").to_numpy(dtype=str),
                      segments=valid["origin"].astype(str).to_numpy(dtype=str),
                      size_bytes=len(model.get_booster().save_raw("json")))


class GateReport(NamedTuple):
    """The gate's verdict: ``passed`` and one row per check (value, limit, passed)."""

    passed: bool
    checks: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (logged with the registered version)."""
        return {"passed": self.passed, "checks": json.loads(self.checks.to_json(orient="records"))}


def gate(candidate: Evaluation, champion: Evaluation | None, rules: GateConfig) -> GateReport:
    """Stage 4: may the candidate replace the champion? Every check must pass.

    - **AUC, paired**: the lower end of the paired, day-clustered interval of
      AUC(candidate) − AUC(champion) on the same validation rows must be above
      ``−auc_margin`` (non-inferiority: "not worse by more than the margin").
    - **Calibration**: the candidate's expected calibration error at most ``max_ece``.
    - **Worst segment**: at no origin airport may the candidate's AUC drop by
      more than ``segment_margin``.
    - **Size**: at most ``max_size_ratio`` times the champion's.

    Without a champion (the first release), only the calibration check applies.

    Examples
    --------
    >>> config = load_config("chapters/configs/champion.yaml")
    >>> result = evaluate(train(config), config)
    >>> report = gate(result, result, config.gate)
    >>> report.passed, report.checks["check"].tolist()
    (True, ['AUC vs champion (paired, lower end)', 'calibration (ECE)', 'worst origin: AUC change', 'size vs champion'])
    """
    if not isinstance(candidate, Evaluation) or not (champion is None or isinstance(champion, Evaluation)):
        raise TypeError("candidate and champion must be Evaluations from evaluate() (champion may be None).")
    if not isinstance(rules, GateConfig):
        raise TypeError(f"rules must be a GateConfig (config.gate), got {type(rules).__name__}.")
    rows = [("calibration (ECE)", expected_calibration_error(candidate.y, candidate.scores), rules.max_ece, "<=")]
    if champion is not None:
        if not (np.array_equal(candidate.y, champion.y) and np.array_equal(candidate.days, champion.days)):
            raise ValueError("candidate and champion were scored on different rows; evaluate both on one config's data.")
        _, low, _ = paired_bootstrap_diff(candidate.y, candidate.scores, champion.scores, groups=candidate.days,
                                          confidence=rules.confidence, n_resamples=rules.n_resamples)
        worst = min(roc_auc_score(candidate.y[s], candidate.scores[s]) - roc_auc_score(champion.y[s], champion.scores[s])
                    for s in (candidate.segments == g for g in np.unique(candidate.segments)))
        rows = [("AUC vs champion (paired, lower end)", low, -rules.auc_margin, ">="), rows[0],
                ("worst origin: AUC change", worst, -rules.segment_margin, ">="),
                ("size vs champion", candidate.size_bytes / champion.size_bytes, rules.max_size_ratio, "<=")]
    checks = pd.DataFrame(rows, columns=["check", "value", "limit", "rule"])
    checks["passed"] = np.where(checks["rule"] == ">=", checks["value"] >= checks["limit"],
                                checks["value"] <= checks["limit"])
    return GateReport(passed=bool(checks["passed"].all()), checks=checks)


def _quietly(func):
    """Run ``func`` inside :func:`labutils.tracking.quiet_mlflow` (MLflow's set-up chatter stays out of outputs)."""

    @functools.wraps(func)
    def quiet(*args, **kwargs):
        with quiet_mlflow():
            return func(*args, **kwargs)

    return quiet


def _client(tracking_uri: str) -> Any:
    import mlflow

    if not isinstance(tracking_uri, str) or not tracking_uri:
        raise ValueError(f"tracking_uri must be an MLflow tracking URI, e.g. 'sqlite:///mlflow.db', got {tracking_uri!r}.")
    mlflow.set_tracking_uri(tracking_uri)
    return mlflow.MlflowClient(tracking_uri)


@_quietly
def champion_model(tracking_uri: str, name: str) -> Any | None:
    """The model version behind the ``champion`` alias, or ``None`` before the first promotion."""
    import mlflow.xgboost
    from mlflow.exceptions import MlflowException

    client = _client(tracking_uri)
    try:
        version = client.get_model_version_by_alias(name, "champion")
    except MlflowException:
        return None
    return mlflow.xgboost.load_model(f"models:/{name}/{version.version}")


@_quietly
def register(model: Any, config: ExperimentConfig, report: GateReport, *, data_version: str, tracking_uri: str,
             name: str, root: str | Path = ".") -> int:
    """Stage 5: log the candidate with its lineage and register it as a new version, pending approval.

    The version's tags: ``git.commit``, ``git.state`` and ``git.diff_sha256``
    (:func:`labutils.tracking.code_version`), ``data.version``,
    ``config.name``, ``config.sha256``, ``gate.passed`` and
    ``approval.status = pending``; the gate's report is an artifact of its run.
    Only a candidate whose gate passed is registered. With a SQLite tracking
    URI, the artifacts go to an ``artifacts`` folder beside the database.

    Returns
    -------
    int
        The new version number.
    """
    import mlflow
    import mlflow.xgboost

    config = _check_config(config)
    if not isinstance(report, GateReport):
        raise TypeError(f"report must be the GateReport from gate(), got {type(report).__name__}.")
    if not report.passed:
        raise ValueError("the gate failed; a blocked candidate is not registered (its gate.json is the record).")
    client = _client(tracking_uri)
    lineage = {**code_version(root), "data.version": data_version, "config.name": config.name,
               "config.sha256": config_hash(config), "gate.passed": "true", "approval.status": "pending"}
    if client.get_experiment_by_name(name) is None:  # artifacts beside a SQLite store, not in the cwd
        local = tracking_uri.removeprefix("sqlite:///") if tracking_uri.startswith("sqlite:///") else None
        client.create_experiment(name, artifact_location=str(Path(local).parent / "artifacts") if local else None)
    mlflow.set_experiment(name)
    with mlflow.start_run(run_name=config.name):
        mlflow.log_params({"n_estimators": config.model.n_estimators, "max_depth": config.model.max_depth,
                           "learning_rate": config.model.learning_rate,
                           "train_months": ",".join(map(str, config.data.train_months))})
        mlflow.set_tags(lineage)
        mlflow.log_dict(report.to_dict(), "gate_report.json")
        info = mlflow.xgboost.log_model(model, name="model", model_format="json", pip_requirements=["xgboost-cpu"])
    version = mlflow.register_model(info.model_uri, name)
    for key, value in lineage.items():
        client.set_model_version_tag(name, version.version, key, value)
    return int(version.version)


def _version(client: Any, name: str, version: object) -> Any:
    from mlflow.exceptions import MlflowException

    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer, got {version!r}.")
    try:
        return client.get_model_version(name, str(version))
    except MlflowException:
        raise ValueError(f"model {name!r} has no version {version}; list them with MlflowClient"
                         f".search_model_versions(\"name='{name}'\").") from None


@_quietly
def approve(version: int, *, by: str, reason: str, tracking_uri: str, name: str, approved: bool = True) -> str:
    """Record a person's decision on a pending version: ``approved`` or ``rejected``, with who and why.

    Returns
    -------
    str
        The new ``approval.status``.
    """
    client = _client(tracking_uri)
    for label, text in [("by", by), ("reason", reason)]:
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{label} must say who decided and why (a non-empty string), got {text!r}.")
    status = _version(client, name, version).tags.get("approval.status")
    if status != "pending":
        raise ValueError(f"version {version} is {status!r}, not pending; register a new version instead.")
    decision = "approved" if approved else "rejected"
    for key, value in {"approval.status": decision, "approval.by": by, "approval.reason": reason}.items():
        client.set_model_version_tag(name, str(version), key, value)
    return decision


@_quietly
def promote(version: int, *, tracking_uri: str, name: str) -> int | None:
    """Stage 6: point the ``champion`` alias at an approved version whose gate passed.

    Rolling back is promoting the previous version again: it was approved, and
    the alias move restores its predictions exactly.

    Returns
    -------
    int or None
        The version the alias pointed at before, if any.

    Raises
    ------
    ValueError
        If the version does not exist, or is not approved with a passed gate.
    """
    from mlflow.exceptions import MlflowException

    client = _client(tracking_uri)
    tags = _version(client, name, version).tags
    if tags.get("gate.passed") != "true" or tags.get("approval.status") != "approved":
        raise ValueError(f"version {version} cannot be promoted: gate.passed={tags.get('gate.passed')!r}, "
                         f"approval.status={tags.get('approval.status')!r}; it needs a passed gate and "
                         f"`python -m labutils.pipeline approve --version {version}`.")
    try:
        previous = int(client.get_model_version_by_alias(name, "champion").version)
    except MlflowException:
        previous = None
    client.set_registered_model_alias(name, "champion", str(version))
    return previous


def workflow_commands(workflow: str | Path, job: str, env: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """The pipeline commands of one job of a GitHub Actions workflow, as (step name, arguments) pairs.

    Steps whose ``run`` is ``python -m labutils.pipeline ...`` (any Python
    path) are returned in order, up to a shell operator (``>>``, ``|``), with
    ``$VARIABLE`` references expanded from ``env``: what :func:`main` runs,
    exactly as the workflow would.

    Examples
    --------
    >>> steps = workflow_commands(".github/workflows/model.yml", "candidate",
    ...                           {"CONFIG": "champion.yaml", "WORKDIR": "w"})
    >>> [args[0] for _, args in steps]
    ['check', 'train', 'evaluate', 'gate', 'register']
    """
    path = Path(workflow)
    if not path.is_file():
        raise ValueError(f"workflow {str(path)!r} not found; the workflows are in .github/workflows/.")
    jobs = (yaml.safe_load(path.read_text()) or {}).get("jobs", {})
    if job not in jobs:
        raise ValueError(f"workflow {path.name} has no job {job!r}; it has {list(jobs)}.")
    out = []
    for step in jobs[job]["steps"]:
        words = shlex.split(step.get("run", ""))
        words = words[:next((i for i, w in enumerate(words) if w in _SHELL_OPERATORS), len(words))]
        if words[1:3] != ["-m", "labutils.pipeline"]:
            continue
        try:
            out.append((step.get("name", ""), [Template(w).substitute(env) for w in words[3:]]))
        except KeyError as err:
            raise ValueError(f"step {step.get('name')!r} needs the variable {err.args[0]}; pass it in env.") from None
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m labutils.pipeline", description=__doc__.split("\n")[0])
    stages = parser.add_subparsers(dest="stage", required=True)
    for stage in ["check", "train", "evaluate", "gate", "register"]:
        p = stages.add_parser(stage)
        p.add_argument("--config", required=True, help="an experiment config, e.g. chapters/configs/champion.yaml")
        p.add_argument("--workdir", required=True, help="where the stages pass their results")
    for stage in ["evaluate", "register", "approve", "promote"]:
        p = stages.choices.get(stage) or stages.add_parser(stage)
        p.add_argument("--tracking-uri", default=os.environ.get("MLFLOW_TRACKING_URI", ""))
        p.add_argument("--model-name", default="flights-late")
    for stage in ["approve", "promote"]:
        stages.choices[stage].add_argument("--version", type=int, required=True)
    stages.choices["approve"].add_argument("--by", required=True)
    stages.choices["approve"].add_argument("--reason", required=True)
    stages.choices["approve"].add_argument("--reject", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one stage from the command line; returns the exit code (1 when the gate blocks, 2 on an error)."""
    import xgboost

    args = _parser().parse_args(argv)
    try:
        if args.stage in ("approve", "promote"):
            if args.stage == "approve":
                status = approve(args.version, by=args.by, reason=args.reason, tracking_uri=args.tracking_uri,
                                 name=args.model_name, approved=not args.reject)
                print(f"version {args.version}: {status} by {args.by}")
            else:
                previous = promote(args.version, tracking_uri=args.tracking_uri, name=args.model_name)
                print(f"champion: version {previous} -> {args.version}")
            return 0
        config, work = load_config(args.config), Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        if args.stage == "check":
            data = check_data(config)
            (work / "data.json").write_text(json.dumps(data))
            print(f"data contract passed: {data['train_rows']} training rows, data version {data['data_version']}")
        elif args.stage == "train":
            train(config).save_model(work / "model.json")
            print(f"trained {config.name}: {config.model.n_estimators} trees")
        elif args.stage == "evaluate":
            model = xgboost.XGBClassifier()
            model.load_model(work / "model.json")
            result, champ = evaluate(model, config), champion_model(args.tracking_uri, args.model_name)
            arrays = {f"candidate_{k}": v for k, v in result._asdict().items()}
            if champ is not None:
                arrays |= {f"champion_{k}": v for k, v in evaluate(champ, config)._asdict().items()}
            np.savez(work / "scores.npz", **arrays)
            print(f"evaluated on {len(result.y)} validation flights; champion: {'yes' if champ else 'none yet'}")
        elif args.stage == "gate":
            with np.load(work / "scores.npz") as saved:
                found = {who: Evaluation(*(saved[f"{who}_{k}"].item() if k == "size_bytes" else saved[f"{who}_{k}"]
                                           for k in Evaluation._fields))
                         for who in ("candidate", "champion") if f"{who}_y" in saved}
            report = gate(found["candidate"], found.get("champion"), config.gate)
            (work / "gate.json").write_text(json.dumps(report.to_dict(), indent=2))
            print(report.checks.round(4).to_string(index=False))
            print(f"gate {'passed' if report.passed else 'BLOCKED the candidate'}")
            return 0 if report.passed else 1
        else:  # register
            report = json.loads((work / "gate.json").read_text())
            model = xgboost.XGBClassifier()
            model.load_model(work / "model.json")
            version = register(model, config, GateReport(report["passed"], pd.DataFrame(report["checks"])),
                               data_version=json.loads((work / "data.json").read_text())["data_version"],
                               tracking_uri=args.tracking_uri, name=args.model_name)
            print(f"version={version}")
        return 0
    except (ValueError, TypeError, FileNotFoundError) as err:
        print(f"pipeline {args.stage}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
