"""labutils.pipeline: configs, the workflow's commands, the gate, and the registry's approvals ("MLOps and CI/CD")."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from labutils import pipeline
from labutils.pipeline import (Evaluation, GateReport, approve, config_hash, evaluate, gate, load_config, main,
                               promote, register, train, workflow_commands)

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "chapters" / "configs"
WORKFLOW = ROOT / ".github" / "workflows" / "model.yml"


def write_config(tmp_path, change=None, name="small.yaml", drop=None):
    """The champion's config on a small sample, with one key changed or dropped."""
    raw = yaml.safe_load((CONFIGS / "champion.yaml").read_text())
    raw["data"]["sample"] = 6_000
    raw["model"]["n_estimators"] = 20
    for path, value in (change or {}).items():
        *parents, key = path.split(".")
        target = raw
        for p in parents:
            target = target[p]
        target[key] = value
    if drop:
        *parents, key = drop.split(".")
        target = raw
        for p in parents:
            target = target[p]
        del target[key]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw))
    return path


# Configs


@pytest.mark.parametrize("name", sorted(p.name for p in CONFIGS.glob("*.yaml")))
def test_every_shipped_config_is_valid(name):
    "load_config: every config in chapters/configs validates"
    assert load_config(CONFIGS / name).name == Path(name).stem


def test_unknown_key_is_named_with_the_allowed_keys(tmp_path):
    "load_config: a typo is an error naming the key and what is allowed there"
    with pytest.raises(ValueError, match=r"unknown key 'model.n_estimator' \(allowed here: features, n_estimators"):
        load_config(write_config(tmp_path, {"model.n_estimator": 5}))


def test_missing_key_is_named(tmp_path):
    "load_config: a missing field is named"
    with pytest.raises(ValueError, match=r"missing key 'gate.max_ece'"):
        load_config(write_config(tmp_path, drop="gate.max_ece"))


@pytest.mark.parametrize("path, value, message", [
    ("model.n_estimators", "100", r"model.n_estimators: Input should be a valid integer"),
    ("model.learning_rate", 0, r"model.learning_rate: Input should be greater than 0"),
    ("data.train_months", [1, 9], r"data.train_months: Value error, must be distinct months within 1–8"),
    ("model.features", ["hour", "arr_delay"], r"unknown: \['arr_delay'\]"),
    ("name", "Has Spaces", r"name: String should match pattern"),
])
def test_wrong_values_are_errors(tmp_path, path, value, message):
    "load_config: no coercion (a string is not a number), ranges, months before September, known features"
    with pytest.raises(ValueError, match=message):
        load_config(write_config(tmp_path, {path: value}))


def test_missing_or_non_mapping_files_are_errors(tmp_path):
    "load_config: a missing file says where configs live; a YAML list is not a config"
    with pytest.raises(ValueError, match="not found; the experiment configs are in chapters/configs/"):
        load_config(tmp_path / "nope.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    with pytest.raises(ValueError, match="expected a mapping of keys"):
        load_config(tmp_path / "list.yaml")


def test_config_hash_follows_content_not_layout(tmp_path):
    "config_hash: the same values in another layout hash equally; a changed value changes the hash"
    original = load_config(CONFIGS / "champion.yaml")
    raw = yaml.safe_load((CONFIGS / "champion.yaml").read_text())
    (tmp_path / "flow.yaml").write_text(yaml.safe_dump(raw, default_flow_style=True, sort_keys=True))
    assert config_hash(load_config(tmp_path / "flow.yaml")) == config_hash(original)
    raw["model"]["max_depth"] = 5
    (tmp_path / "changed.yaml").write_text(yaml.safe_dump(raw))
    assert config_hash(load_config(tmp_path / "changed.yaml")) != config_hash(original)
    with pytest.raises(TypeError, match="ExperimentConfig"):
        config_hash({"name": "champion"})


# The workflow


def test_workflow_runs_the_stages_in_order():
    "workflow_commands: the candidate job is contract, train, evaluate, gate, register; then approve, promote"
    env = {"CONFIG": "c.yaml", "WORKDIR": "w", "VERSION": "3", "ACTOR": "alice"}
    candidate = workflow_commands(WORKFLOW, "candidate", env)
    assert [args[0] for _, args in candidate] == ["check", "train", "evaluate", "gate", "register"]
    assert candidate[0][1] == ["check", "--config", "chapters/configs/c.yaml", "--workdir", "w"]
    assert [args[0] for _, args in workflow_commands(WORKFLOW, "promote", env)] == ["approve", "promote"]
    spec = yaml.safe_load(WORKFLOW.read_text())
    assert spec["jobs"]["promote"]["needs"] == "candidate" and spec["jobs"]["promote"]["environment"] == "production"


def test_workflow_commands_bad_input():
    "workflow_commands: an unknown job or a missing variable is named"
    with pytest.raises(ValueError, match=r"has no job 'deploy'; it has \['candidate', 'promote'\]"):
        workflow_commands(WORKFLOW, "deploy", {})
    with pytest.raises(ValueError, match="needs the variable CONFIG"):
        workflow_commands(WORKFLOW, "candidate", {"WORKDIR": "w"})
    with pytest.raises(ValueError, match="not found"):
        workflow_commands("missing.yml", "candidate", {})


# The gate, on planted scores


def scored(scores, y, days=None, segments=None, size=1000):
    n = len(y)
    return Evaluation(y=np.asarray(y), scores=np.asarray(scores, dtype=float),
                      days=np.asarray(days if days is not None else [f"d{i % 20}" for i in range(n)]),
                      segments=np.asarray(segments if segments is not None else ["A", "B"] * (n // 2)),
                      size_bytes=size)


@pytest.fixture(scope="module")
def planted():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    good = np.clip(0.5 * y + rng.uniform(0, 0.5, 2000), 0, 1)  # separates the classes well
    noise = rng.uniform(0, 1, 2000)  # no signal
    return y, good, noise


def rules(**change):
    return load_config(CONFIGS / "champion.yaml").gate.model_copy(update=change)


def test_gate_blocks_a_worse_candidate_and_passes_an_equal_one(planted):
    "gate: noise against a good champion is blocked on AUC and the worst segment; a copy of the champion passes"
    y, good, noise = planted
    champion = scored(good, y)
    blocked = gate(scored(noise, y), champion, rules(max_ece=0.5))
    assert not blocked.passed
    assert blocked.checks.set_index("check")["passed"].to_dict() == {
        "AUC vs champion (paired, lower end)": False, "calibration (ECE)": True,
        "worst origin: AUC change": False, "size vs champion": True}
    assert gate(scored(good, y), champion, rules(max_ece=0.5)).passed


def test_gate_guardrails_block_alone(planted):
    "gate: an equal AUC still fails on calibration or on size"
    y, good, _ = planted
    assert not gate(scored(good, y), scored(good, y), rules(max_ece=0.01)).passed
    assert not gate(scored(good, y, size=50_000), scored(good, y), rules(max_ece=0.5)).passed


def test_first_release_has_only_the_calibration_check(planted):
    "gate: without a champion, only the absolute guardrail applies"
    y, good, _ = planted
    report = gate(scored(good, y), None, rules(max_ece=0.5))
    assert report.passed and report.checks["check"].tolist() == ["calibration (ECE)"]
    assert report.to_dict()["checks"][0]["passed"] is True


def test_gate_bad_input(planted):
    "gate: other rows, or objects that are not Evaluations, are errors"
    y, good, _ = planted
    with pytest.raises(ValueError, match="scored on different rows"):
        gate(scored(good, y), scored(good[::-1], y[::-1], days=[f"e{i}" for i in range(2000)]), rules())
    with pytest.raises(TypeError, match="Evaluations"):
        gate(good, None, rules())
    with pytest.raises(TypeError, match="GateConfig"):
        gate(scored(good, y), None, {"max_ece": 0.1})


# The registry: registration, approvals, promotion, rollback


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("registry")
    uri = f"sqlite:///{tmp}/mlflow.db"
    config = load_config(write_config(tmp, {"gate.max_ece": 0.5}))
    model = train(config)
    result = evaluate(model, config)
    report = gate(result, None, config.gate)
    first = register(model, config, report, data_version="v0", tracking_uri=uri, name="m")
    return {"uri": uri, "config": config, "model": model, "result": result, "report": report, "first": first}


def test_registered_version_carries_lineage_and_waits_for_approval(registry):
    "register: git, data and config lineage and gate.passed as tags; approval.status starts pending"
    import mlflow

    tags = mlflow.MlflowClient(registry["uri"]).get_model_version("m", str(registry["first"])).tags
    assert {"git.commit", "git.state", "git.diff_sha256"} <= set(tags)
    assert tags["data.version"] == "v0" and tags["config.sha256"] == config_hash(registry["config"])
    assert tags["gate.passed"] == "true" and tags["approval.status"] == "pending"
    assert (Path(registry["uri"].removeprefix("sqlite:///")).parent / "artifacts").is_dir()  # not in the cwd


def test_promotion_needs_approval_and_rollback_is_exact(registry):
    "promote: refuses a pending version; after approval it moves the alias; promoting the old version restores it"
    import mlflow

    uri, first = registry["uri"], registry["first"]
    second = register(registry["model"], registry["config"], registry["report"], data_version="v1",
                      tracking_uri=uri, name="m")
    with pytest.raises(ValueError, match=r"cannot be promoted: .*approval.status='pending'"):
        promote(first, tracking_uri=uri, name="m")
    assert approve(first, by="alice", reason="first", tracking_uri=uri, name="m") == "approved"
    assert promote(first, tracking_uri=uri, name="m") is None
    approve(second, by="bob", reason="next", tracking_uri=uri, name="m")
    assert promote(second, tracking_uri=uri, name="m") == first
    assert promote(first, tracking_uri=uri, name="m") == second  # the rollback
    restored = pipeline.champion_model(uri, "m")
    assert np.array_equal(evaluate(restored, registry["config"]).scores, registry["result"].scores)


def test_registry_bad_input(registry):
    "approve/promote/register: missing versions, decided versions, empty reasons and failed gates are refused"
    uri = registry["uri"]
    with pytest.raises(ValueError, match="has no version 99"):
        promote(99, tracking_uri=uri, name="m")
    with pytest.raises(ValueError, match="positive integer"):
        approve("1", by="a", reason="b", tracking_uri=uri, name="m")
    with pytest.raises(ValueError, match="who decided and why"):
        approve(registry["first"], by="", reason="b", tracking_uri=uri, name="m")
    third = register(registry["model"], registry["config"], registry["report"], data_version="v2",
                     tracking_uri=uri, name="m")
    assert approve(third, by="carol", reason="too slow", tracking_uri=uri, name="m", approved=False) == "rejected"
    with pytest.raises(ValueError, match="is 'rejected', not pending"):
        approve(third, by="carol", reason="changed my mind", tracking_uri=uri, name="m")
    with pytest.raises(ValueError, match="cannot be promoted"):
        promote(third, tracking_uri=uri, name="m")
    failed = GateReport(False, registry["report"].checks)
    with pytest.raises(ValueError, match="blocked candidate is not registered"):
        register(registry["model"], registry["config"], failed, data_version="v3", tracking_uri=uri, name="m")
    with pytest.raises(ValueError, match="tracking URI"):
        promote(1, tracking_uri="", name="m")


# The command line


def test_command_line_exit_codes(tmp_path, capsys):
    "main: 0 when a stage passes, 1 when the gate blocks, 2 with a message on stderr for a bad config"
    good = write_config(tmp_path, {"gate.max_ece": 0.5})
    work = str(tmp_path / "work")
    for stage in ["check", "train"]:
        assert main([stage, "--config", str(good), "--workdir", work]) == 0
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    assert main(["evaluate", "--config", str(good), "--workdir", work, "--tracking-uri", uri]) == 0
    assert main(["gate", "--config", str(good), "--workdir", work]) == 0
    strict = write_config(tmp_path, {"gate.max_ece": 0.001}, name="strict.yaml")
    assert main(["gate", "--config", str(strict), "--workdir", work]) == 1
    assert "BLOCKED" in capsys.readouterr().out
    typo = write_config(tmp_path, {"data.sampel": 5}, name="typo.yaml")
    assert main(["check", "--config", str(typo), "--workdir", work]) == 2
    assert "unknown key 'data.sampel'" in capsys.readouterr().err
