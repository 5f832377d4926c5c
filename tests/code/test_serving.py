"""Tests for labutils.serving: the serving contract, the FastAPI app and the background server."""

import httpx
import numpy as np
import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression

from labutils.serving import (Feature, bundle_app, columns_to_frame, create_app, feature_schema,
                              frame_to_json, latency_ms, request_model, save_bundle, serve_in_thread)


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    temp = rng.normal(60, 15, n)
    temp[::17] = np.nan
    return pd.DataFrame({
        "hour": rng.integers(5, 24, n),
        "temp": temp,
        "origin": pd.Categorical(rng.choice(["EWR", "JFK", "LGA"], n)),
    })  # fmt: skip


class _Model:
    """A tiny classifier with predict_proba that needs the categorical dtype."""

    def __init__(self, train):
        X = pd.get_dummies(train.fillna({"temp": 60.0}), columns=["origin"], dtype=float)
        y = (train["hour"] > 14).astype(int)
        self.columns = list(X.columns)
        self.lr = LogisticRegression().fit(X, y)

    def predict_proba(self, X):
        X = pd.get_dummies(X.fillna({"temp": 60.0}), columns=["origin"], dtype=float)
        return self.lr.predict_proba(X[self.columns])


@pytest.fixture(scope="module")
def schema(train):
    return feature_schema(train, bounds={"hour": (0, 23)})


@pytest.fixture(scope="module")
def model(train):
    return _Model(train)


@pytest.fixture(scope="module")
def client(model, schema):
    return TestClient(create_app(model, schema, model_version="v7", training_data="abc123"))


GOOD = {"hour": 8, "temp": 55.5, "origin": "JFK"}


def test_feature_schema_kinds_ranges_and_nullability(train, schema):
    "feature_schema: integers, numbers with slack, categories from the dtype, null where training had NaN"
    assert schema["hour"] == Feature("hour", "integer", 0.0, 23.0)
    width = np.nanmax(train["temp"]) - np.nanmin(train["temp"])
    assert_allclose(schema["temp"].low, np.nanmin(train["temp"]) - 0.1 * width)
    assert schema["temp"].nullable and not schema["hour"].nullable
    assert schema["origin"].categories == ("EWR", "JFK", "LGA")


def test_feature_schema_rejects_bad_input(train):
    "feature_schema: non-frames, empty frames, bad slack, unknown bounds and text columns are refused"
    with pytest.raises(TypeError, match="DataFrame"):
        feature_schema(train.to_numpy())
    with pytest.raises(ValueError, match="empty"):
        feature_schema(train.iloc[:0])
    with pytest.raises(ValueError, match="slack"):
        feature_schema(train, slack=-1)
    with pytest.raises(ValueError, match="does not have"):
        feature_schema(train, bounds={"minute": (0, 59)})
    with pytest.raises(TypeError, match="category"):
        feature_schema(pd.DataFrame({"name": ["a", "b"]}))
    with pytest.raises(ValueError, match="nullable names"):
        feature_schema(train, nullable=["minute"])
    with pytest.raises(TypeError, match="list of column names"):
        feature_schema(train, nullable="hour")


def test_feature_schema_nullable_overrides_training(train):
    "feature_schema: a column listed in nullable accepts null although training had none"
    derived = feature_schema(train)
    widened = feature_schema(train, nullable=["hour", "origin"])
    assert not derived["hour"].nullable and not derived["origin"].nullable
    assert widened["hour"].nullable and widened["origin"].nullable
    assert widened["temp"] == derived["temp"]
    frame = columns_to_frame({"hour": [None, 7], "temp": [50.0, None], "origin": [None, "JFK"]}, widened)
    assert frame["hour"].isna().tolist() == [True, False] and frame["origin"].isna().tolist() == [True, False]
    with pytest.raises(ValueError, match="may not be missing"):
        columns_to_frame({"hour": [None], "temp": [50.0], "origin": ["JFK"]}, derived)


def test_request_model_accepts_null_only_where_nullable(schema):
    "request_model: null temp is accepted, null hour is refused"
    import pydantic

    Row = request_model(schema)
    assert Row(**{**GOOD, "temp": None}).temp is None
    with pytest.raises(pydantic.ValidationError):
        Row(**{**GOOD, "hour": None})
    with pytest.raises(TypeError, match="Feature"):
        request_model({"hour": "integer"})


def test_predict_one_matches_model(client, model, schema):
    "POST /predict: 200, the model's probability and the version header"
    r = client.post("/predict", json=GOOD)
    assert r.status_code == 200 and r.headers["x-model-version"] == "v7"
    X = columns_to_frame({k: [v] for k, v in GOOD.items()}, schema)
    assert_allclose(r.json()["probability"], model.predict_proba(X)[0, 1], atol=1e-6)


@pytest.mark.parametrize("body, field", [
    ({k: v for k, v in GOOD.items() if k != "temp"}, "temp"),
    ({**GOOD, "hour": "eight"}, "hour"),
    ({**GOOD, "hour": 30}, "hour"),
    ({**GOOD, "origin": "BOS"}, "origin"),
    ({**GOOD, "gate": 12}, "gate"),
])  # fmt: skip
def test_predict_one_bad_payloads_get_422(client, body, field):
    "POST /predict: missing field, wrong type, out of range, unknown category, extra field get 422"
    r = client.post("/predict", json=body)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == field


def test_predict_one_malformed_json_gets_422(client):
    "POST /predict: a body that is not JSON gets 422, not 500"
    r = client.post("/predict", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_batch_matches_single_rows(client, train):
    "POST /predict/batch: columnar rows give the same probabilities as single requests"
    X = train.iloc[:5]
    batch = client.post("/predict/batch", json=frame_to_json(X)).json()["probabilities"]
    singles = [client.post("/predict", json=row).json()["probability"]
               for row in frame_to_json(X, orient="records")]
    assert_allclose(batch, singles)


@pytest.mark.parametrize("columns, message", [
    ({"hour": [], "temp": [], "origin": []}, "empty"),
    ({"hour": [8, 9], "temp": [50.0], "origin": ["JFK", "JFK"]}, "ragged"),
    ({"hour": [8], "temp": [50.0]}, "missing columns"),
    ({"hour": [8], "temp": ["warm"], "origin": ["JFK"]}, "not a number"),
    ({"hour": [8], "temp": [50.0], "origin": ["BOS"]}, "unknown categories"),
    ({"hour": [8.5], "temp": [50.0], "origin": ["JFK"]}, "whole number"),
])  # fmt: skip
def test_batch_bad_payloads_get_422_with_message(client, columns, message):
    "POST /predict/batch: empty, ragged, incomplete, mistyped or unknown values get a clear 422"
    r = client.post("/predict/batch", json={"columns": columns})
    assert r.status_code == 422
    assert message in r.json()["detail"][0]["msg"]


def test_health_and_metadata(client):
    "GET /health and /metadata: status, version, training data and the feature list"
    assert client.get("/health").json() == {"status": "ok"}
    meta = client.get("/metadata").json()
    assert meta["model_version"] == "v7" and meta["training_data"] == "abc123"
    assert [f["name"] for f in meta["features"]] == ["hour", "temp", "origin"]


def test_create_app_rejects_bad_arguments(model, schema):
    "create_app: a model without predict_proba, an empty version or a bad schema are refused"
    with pytest.raises(TypeError, match="predict_proba"):
        create_app(object(), schema, model_version="v1")
    with pytest.raises(ValueError, match="model_version"):
        create_app(model, schema, model_version="")
    with pytest.raises(TypeError, match="schema"):
        create_app(model, {}, model_version="v1")


def test_columns_to_frame_keeps_training_dtypes(schema):
    "columns_to_frame: categories get the training categories, nulls become NaN"
    frame = columns_to_frame({"hour": [6], "temp": [None], "origin": ["LGA"]}, schema)
    assert list(frame["origin"].cat.categories) == ["EWR", "JFK", "LGA"]
    assert np.isnan(frame.loc[0, "temp"]) and frame["hour"].dtype == np.int64
    with pytest.raises(TypeError, match="lists"):
        columns_to_frame([1, 2], schema)


def test_frame_to_json_and_latency_ms_reject_bad_input():
    "frame_to_json and latency_ms: bad orient, non-frames and bad repeats are refused"
    with pytest.raises(ValueError, match="orient"):
        frame_to_json(pd.DataFrame({"a": [1]}), orient="rows")
    with pytest.raises(TypeError, match="DataFrame"):
        frame_to_json([1])
    with pytest.raises(ValueError, match="repeats"):
        latency_ms(lambda i: None, repeats=0)
    with pytest.raises(TypeError, match="function"):
        latency_ms(3, repeats=1)
    with pytest.raises(ValueError, match="clock must be 'wall' or 'cpu'"):
        latency_ms(lambda i: None, repeats=1, clock="gpu")


def test_latency_ms_cpu_clock_ignores_waiting():
    "latency_ms: the CPU clock counts work, not time spent asleep; the wall clock counts both"
    import time

    wall = latency_ms(lambda i: time.sleep(0.02), repeats=2, warmup=0)
    cpu = latency_ms(lambda i: time.sleep(0.02), repeats=2, warmup=0, clock="cpu")
    assert wall.min() >= 19 and cpu.max() < 10


def test_serve_in_thread_serves_then_stops():
    "serve_in_thread: answers real HTTP requests inside the block and stops after it"
    app = FastAPI()
    app.get("/ping")(lambda: {"ok": True})
    with serve_in_thread(app) as url:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/ping").json() == {"ok": True}
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/ping", timeout=1.0)
    with pytest.raises(ValueError, match="timeout"):
        with serve_in_thread(app, timeout=0):
            pass


def test_a_bundle_serves_the_same_scores_as_the_model(tmp_path, monkeypatch):
    """save_bundle then bundle_app (via MODEL_DIR, as in the container) reproduces the model's scores."""
    from xgboost import XGBClassifier

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"hour": rng.integers(5, 24, 200),
                      "origin": pd.Categorical(rng.choice(["EWR", "JFK", "LGA"], 200))})
    y = (X["hour"] > 15).astype(int) ^ (X["origin"] == "JFK").astype(int)
    model = XGBClassifier(n_estimators=5, enable_categorical=True, tree_method="hist").fit(X, y)
    save_bundle(tmp_path / "model", model, feature_schema(X), model_version="v7", training_data="t")
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "model"))
    client = TestClient(bundle_app())
    body = {"columns": {"hour": X["hour"].tolist(), "origin": X["origin"].astype(str).tolist()}}
    served = np.array(client.post("/predict/batch", json=body).json()["probabilities"])
    assert_allclose(served, model.predict_proba(X)[:, 1], atol=1e-6)
    assert client.get("/metadata").json()["training_data"] == "t"


def test_bundle_bad_input_is_explained(tmp_path, monkeypatch):
    """Non-XGBoost models, a missing MODEL_DIR and incomplete folders get clear errors."""
    from sklearn.dummy import DummyClassifier

    X = pd.DataFrame({"hour": [5, 23]})
    with pytest.raises(TypeError, match="XGBClassifier"):
        save_bundle(tmp_path, DummyClassifier().fit(X, [0, 1]), feature_schema(X), model_version="v1")
    monkeypatch.delenv("MODEL_DIR", raising=False)
    with pytest.raises(ValueError, match="MODEL_DIR"):
        bundle_app()
    with pytest.raises(ValueError, match="missing"):
        bundle_app(tmp_path)


def test_serving_imports_only_the_serving_stack():
    """The serving image has no plotting, fairness or validation packages: importing serving needs none."""
    import subprocess
    import sys

    code = ("import sys, labutils.serving; "
            "print(sorted(m for m in ('matplotlib', 'fairlearn', 'pandera', 'shap') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
