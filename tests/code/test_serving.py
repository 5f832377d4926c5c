"""Tests for labutils.serving: the serving contract, the FastAPI app and the background server."""

import json

import httpx
import numpy as np
import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression

from labutils.serving import (Feature, OnnxClassifier, batch_model, bundle_app, columns_to_frame, create_app,
                              encode_columns, feature_schema, frame_to_json, latency_ms, load_test,
                              request_model, save_bundle, serve_bundle, serve_in_thread, to_onnx)


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
    ({"hour": [], "temp": [], "origin": []}, "at least 1 item"),
    ({"hour": [8, 9], "temp": [50.0], "origin": ["JFK", "JFK"]}, "ragged"),
    ({"hour": [8], "temp": [50.0]}, "Field required"),
    ({"hour": [8], "temp": ["warm"], "origin": ["JFK"]}, "valid number"),
    ({"hour": [8], "temp": [50.0], "origin": ["BOS"]}, "'EWR', 'JFK' or 'LGA'"),
    ({"hour": [8.5], "temp": [50.0], "origin": ["JFK"]}, "multiple of 1"),
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
    "create_app: a model without predict_proba, an empty version, bad limits or a bad schema are refused"
    with pytest.raises(TypeError, match="predict_proba"):
        create_app(object(), schema, model_version="v1")
    with pytest.raises(ValueError, match="max_rows"):
        create_app(model, schema, model_version="v1", max_rows=0)
    with pytest.raises(ValueError, match="max_body_bytes"):
        create_app(model, schema, model_version="v1", max_body_bytes=10)
    with pytest.raises(TypeError, match="training_data"):
        create_app(model, schema, model_version="v1", training_data=3)
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


# --- The hardened contract (issue #16): strict, finite, physical, bounded, always JSON


@pytest.fixture(scope="module")
def flights():
    """A small shared flights model, its strict contract and one valid request."""
    from labutils.datasets import FLIGHTS_SCHEDULED_WEATHER, FLIGHTS_TARGET
    from labutils.models import COUNT_FEATURES, FEATURE_LIMITS, MODEL_FEATURES, flights_model, flights_split

    train, valid, _ = flights_split(n=5_000, seed=0)
    features = list(MODEL_FEATURES)
    model = flights_model(n_estimators=10).fit(train[features], train[FLIGHTS_TARGET].astype(int))
    schema = feature_schema(train[features], bounds={"hour": (0, 23), "minute": (0, 59)},
                            limits=FEATURE_LIMITS, integers=COUNT_FEATURES,
                            nullable=[*FLIGHTS_SCHEDULED_WEATHER, "prev_dep_delay", *COUNT_FEATURES])
    row = frame_to_json(valid[features].iloc[:1], orient="records")[0]
    return {"model": model, "schema": schema, "valid": valid[features], "row": row,
            "client": TestClient(create_app(model, schema, model_version="f1", max_rows=50,
                                            max_body_bytes=64 * 1024))}  # fmt: skip


def _post_raw(client, path, text):
    return client.post(path, content=text.encode(), headers={"content-type": "application/json"})


def _with(row, field, literal):
    """The row as JSON text with one field's value replaced by a raw JSON literal (NaN, 1e400...)."""
    return json.dumps({**row, field: "@@"}).replace('"@@"', literal)


@pytest.mark.parametrize("field, literal", [
    ("temp", "NaN"), ("temp", "Infinity"), ("temp", "-Infinity"), ("temp", "1e400"), ("hour", "NaN"),
    ("hour", '"7"'), ("plane_seats", "false"), ("distance", "true"), ("weekday", "7"), ("distance", "-400"),
    ("humid", "108"), ("plane_engines", "0.7"), ("hour", "1" + "0" * 400), ("origin", '["JFK"]'),
    ("origin", "{}"), ("carrier", "null"),
])  # fmt: skip
def test_predict_refuses_what_json_clients_send_with_a_json_422(flights, field, literal):
    "POST /predict: NaN, infinities, huge numbers, strings, booleans, impossible values: 422 naming the field"
    r = _post_raw(flights["client"], "/predict", _with(flights["row"], field, literal))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", field]


@pytest.mark.parametrize("field, literal", [
    ("hour", "1" + "0" * 400), ("hour", "NaN"), ("temp", "1e400"), ("hour", '"7"'),
    ("origin", '["JFK"]'), ("origin", "{}"), ("plane_engines", "0.7"),
])  # fmt: skip
def test_batch_refuses_the_same_values_with_row_numbers(flights, field, literal):
    "POST /predict/batch: the rules of /predict hold per value, and the error names column and row"
    body = frame_to_json(flights["valid"].iloc[:3])
    text = json.dumps(body).replace(json.dumps(body["columns"][field]), f"[{literal}, null, null]", 1)
    r = _post_raw(flights["client"], "/predict/batch", text)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"][:4] == ["body", "columns", field, 0]


def test_whole_floats_are_counts_and_extra_keys_are_refused(flights):
    "An integer field takes 2.0 as JSON Schema does; unknown keys are refused at both levels"
    client, row = flights["client"], flights["row"]
    assert client.post("/predict", json={**row, "plane_engines": 2.0}).status_code == 200
    assert client.post("/predict", json={**row, "month": 10}).json()["detail"][0]["loc"] == ["body", "month"]
    batch = frame_to_json(flights["valid"].iloc[:2])
    assert client.post("/predict/batch", json={**batch, "debug": True}).status_code == 422


def test_limits_answer_413_with_a_json_body(flights):
    "A batch over max_rows and a body over max_body_bytes get 413 and a message, with the version header"
    client, valid = flights["client"], flights["valid"]
    r = client.post("/predict/batch", json=frame_to_json(valid.iloc[:51]))
    assert r.status_code == 413 and "at most 50 rows" in r.json()["detail"][0]["msg"]
    big = frame_to_json(pd.concat([valid] * 3))
    r = client.post("/predict/batch", json=big)
    assert r.status_code == 413 and "exceeds" in r.json()["detail"][0]["msg"]
    assert r.headers["x-model-version"] == "f1"
    chunked = client.post("/predict/batch", content=iter([json.dumps(big).encode()]),
                          headers={"content-type": "application/json"})  # no content-length
    assert chunked.status_code == 413


def test_openapi_describes_both_bodies(flights):
    "/openapi.json: the row and the columnar batch are schemas, with types, ranges and limits"
    spec = flights["client"].get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert spec["paths"]["/predict/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Batch"}
    hour = schemas["BatchColumns"]["properties"]["hour"]
    assert hour["maxItems"] == 50 and hour["items"] == {"type": "integer", "minimum": 0, "maximum": 23}
    assert schemas["Features"]["additionalProperties"] is False
    assert set(spec["paths"]["/predict"]["post"]["responses"]) == {"200", "413", "422"}


def test_served_scores_equal_the_model_on_both_runtimes(flights):
    "The array path (inplace_predict) and ONNX Runtime serve the model's probabilities"
    model, schema, valid = flights["model"], flights["schema"], flights["valid"]
    expected = model.predict_proba(valid)[:, 1]
    onnx_model = OnnxClassifier(to_onnx(model, schema))
    assert_allclose(onnx_model.predict_proba(encode_columns(frame_to_json(valid)["columns"], schema))[:, 1],
                    expected, atol=1e-5)  # fmt: skip
    for served_model in (model, onnx_model):
        client = TestClient(create_app(served_model, schema, model_version="v"))
        served = client.post("/predict/batch", json=frame_to_json(valid.iloc[:200])).json()["probabilities"]
        assert_allclose(served, expected[:200], atol=1e-5)


def test_onnx_and_encoding_reject_bad_input(flights, schema):
    "to_onnx, OnnxClassifier and encode_columns explain what was wrong"
    with pytest.raises(TypeError, match="XGBClassifier"):
        to_onnx(object(), flights["schema"])
    with pytest.raises(ValueError, match="differ from the schema"):
        to_onnx(flights["model"], dict(reversed(flights["schema"].items())))
    with pytest.raises(TypeError, match="bytes"):
        OnnxClassifier("model.onnx")
    with pytest.raises(ValueError, match="not a valid ONNX model"):
        OnnxClassifier(b"not onnx")
    onnx_model = OnnxClassifier(to_onnx(flights["model"], flights["schema"]))
    with pytest.raises(ValueError, match="columns"):
        onnx_model.predict_proba(np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="at most 1 item"):
        encode_columns({"hour": [6, 7], "temp": [1.0, 2.0], "origin": ["JFK", "LGA"]}, schema, max_rows=1)
    with pytest.raises(TypeError, match="lists"):
        encode_columns([1], schema)


def test_feature_schema_limits_and_counts(train):
    "feature_schema: limits cut the slack, integers makes a float column a count, bad limits are refused"
    X = train.assign(seats=np.where(np.arange(len(train)) % 9, np.arange(len(train)) + 20.0, np.nan))
    schema = feature_schema(X, slack=1.0, limits={"hour": (0, 23), "seats": (1, np.inf)}, integers=["seats"])
    assert (schema["hour"].low, schema["hour"].high) == (0, 23)
    assert schema["seats"].kind == "integer" and schema["seats"].low == 1
    with pytest.raises(ValueError, match="limits"):
        feature_schema(X, limits={"hour": (30, 20)})
    with pytest.raises(ValueError, match="outside limits"):
        feature_schema(X, limits={"hour": (100, 200)})
    with pytest.raises(ValueError, match="finite"):
        feature_schema(X, bounds={"hour": (0, np.inf)})
    with pytest.raises(ValueError, match="integers"):
        feature_schema(X, integers=["gate"])
    with pytest.raises(ValueError, match="max_rows"):
        batch_model(schema, max_rows=0)


def test_errors_list_at_most_twenty_problems(flights):
    "A batch whose column is all wrong gets a short error body, not one entry per row"
    body = frame_to_json(flights["valid"].iloc[:40])
    body["columns"]["hour"] = [99] * 40
    r = flights["client"].post("/predict/batch", json=body)
    assert r.status_code == 422 and len(r.json()["detail"]) == 20


def test_a_bundle_process_survives_a_load_test(tmp_path, flights):
    "serve_bundle (native and ONNX) answers 8 concurrent clients with no error; bad arguments are refused"
    bodies = frame_to_json(flights["valid"].iloc[:40], orient="records")
    for onnx in (False, True):
        bundle = save_bundle(tmp_path / str(onnx), flights["model"], flights["schema"],
                             model_version="v", onnx=onnx)  # fmt: skip
        with serve_bundle(bundle) as (url, pid):
            result = load_test(url, bodies * 3, concurrency=8)
            runtime = httpx.get(url + "/metadata").json()["runtime"]
        assert result.errors == 0 and len(result.latency_ms) == 120 and result.throughput > 0
        assert runtime == ("onnxruntime" if onnx else "xgboost") and pid > 0
    with pytest.raises(ValueError, match="bodies"):
        load_test("http://127.0.0.1:1", [])
    with pytest.raises(ValueError, match="url"):
        load_test("localhost", bodies)
    with pytest.raises(ValueError, match="bundle"):
        with serve_bundle(tmp_path / "nowhere"):
            pass
