"""Real-time model serving: a validated FastAPI app and a server in a background thread.

:func:`feature_schema` derives a request contract (types, ranges, allowed
categories, nullability) from training data; :func:`request_model` turns it into
a pydantic model; :func:`create_app` serves a fitted classifier behind it;
:func:`serve_in_thread` runs the app with uvicorn on the loopback interface for
as long as a ``with`` block lasts.

Introduced in the chapter "Deployment strategies" (``chapters/deployment.md``).
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd

__all__ = ["Feature", "bundle_app", "columns_to_frame", "create_app", "feature_schema", "frame_to_json",
           "latency_ms", "request_model", "save_bundle", "serve_in_thread"]  # fmt: skip

#: Response header that carries the served model's version.
VERSION_HEADER = "X-Model-Version"


@dataclass(frozen=True)
class Feature:
    """One input column of the serving contract.

    ``kind`` is ``"integer"``, ``"number"`` or ``"category"``; ``low``/``high``
    bound numbers, ``categories`` lists the allowed values of a category, and
    ``nullable`` says whether ``null`` (a missing value) is accepted.
    """

    name: str
    kind: Literal["integer", "number", "category"]
    low: float | None = None
    high: float | None = None
    categories: tuple[str, ...] = ()
    nullable: bool = False


def feature_schema(
    X: pd.DataFrame,
    *,
    slack: float = 0.1,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    nullable: Iterable[str] = (),
) -> dict[str, Feature]:
    """Derive a serving contract from the training features.

    Numbers get the training range widened by ``slack`` times its width on each
    side; categories get the categories of their dtype (what the model can
    encode); a column that had missing values in training, or is listed in
    ``nullable``, accepts ``null``.

    Parameters
    ----------
    X : DataFrame
        The training features, with their training dtypes.
    slack : float, default 0.1
        Fraction of each numeric range added below and above it.
    bounds : mapping, optional
        Ranges that override the derived ones, e.g. ``{"month": (1, 12)}`` when
        training saw only some of the valid values.
    nullable : iterable of str, default ()
        Columns that may be missing at serving time although training had no
        missing value, e.g. a point-in-time lookup that finds nothing within
        its TTL.

    Returns
    -------
    dict
        Column name to :class:`Feature`, in the column order of ``X``.

    Examples
    --------
    >>> X = pd.DataFrame({"hour": [5, 23], "temp": [10.0, None],
    ...                   "origin": pd.Categorical(["JFK", "LGA"])})
    >>> schema = feature_schema(X, slack=0.0, bounds={"hour": (0, 23)})
    >>> schema["hour"]
    Feature(name='hour', kind='integer', low=0.0, high=23.0, categories=(), nullable=False)
    >>> schema["temp"].nullable, schema["origin"].categories
    (True, ('JFK', 'LGA'))
    >>> feature_schema(X, nullable=["hour"])["hour"].nullable
    True
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame of training features, got {type(X).__name__}.")
    if X.empty:
        raise ValueError("X is empty; pass the training features (at least one row and column).")
    if isinstance(slack, bool) or not isinstance(slack, (int, float)) or not 0 <= slack < math.inf:
        raise ValueError(f"slack must be a finite number >= 0, got {slack!r}.")
    bounds = dict(bounds or {})
    unknown = sorted(set(bounds) - set(X.columns))
    if unknown:
        raise ValueError(f"bounds name columns that X does not have: {unknown}.")
    if isinstance(nullable, str) or not isinstance(nullable, Iterable):
        raise TypeError(f"nullable must be a list of column names, got {nullable!r}.")
    may_miss = set(nullable)
    unknown = sorted(map(str, may_miss - set(X.columns)))
    if unknown:
        raise ValueError(f"nullable names columns that X does not have: {unknown}.")
    schema = {}
    for name in X.columns:
        col = X[name]
        missing = name in may_miss or bool(col.isna().any())
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats = tuple(str(c) for c in col.cat.categories)
            schema[name] = Feature(name, "category", categories=cats, nullable=missing)
            continue
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            raise TypeError(
                f"column {name!r} has dtype {col.dtype}; use numbers or a pandas 'category' dtype."
            )
        if col.notna().sum() == 0:
            raise ValueError(f"column {name!r} has no values; drop it or fill it before serving.")
        low, high = float(col.min()), float(col.max())
        pad = slack * (high - low)
        low, high = bounds.get(name, (low - pad, high + pad))
        kind = "integer" if pd.api.types.is_integer_dtype(col) else "number"
        if kind == "integer":
            low, high = math.floor(low), math.ceil(high)
        schema[name] = Feature(name, kind, float(low), float(high), nullable=missing)
    return schema


def _check_schema(schema: object) -> dict[str, Feature]:
    if not isinstance(schema, Mapping) or not schema:
        raise TypeError("schema must be a non-empty dict of Feature, as returned by feature_schema().")
    for name, feature in schema.items():
        if not isinstance(feature, Feature) or feature.name != name:
            raise TypeError(f"schema[{name!r}] must be a Feature named {name!r}; use feature_schema().")
    return dict(schema)


def request_model(schema: Mapping[str, Feature], *, name: str = "Features") -> type:
    """A pydantic model that accepts one row described by ``schema``.

    Every field is required (``null`` only where the feature is nullable);
    unknown fields, wrong types, out-of-range numbers and unknown categories
    are rejected.

    Examples
    --------
    >>> import pydantic
    >>> schema = {"hour": Feature("hour", "integer", 0, 23),
    ...           "origin": Feature("origin", "category", categories=("JFK", "LGA"))}
    >>> Row = request_model(schema)
    >>> Row(hour=7, origin="JFK").hour
    7
    >>> try:
    ...     Row(hour=25, origin="EWR")
    ... except pydantic.ValidationError as err:
    ...     print(err.error_count())
    2
    """
    from pydantic import ConfigDict, Field, create_model

    fields: dict[str, Any] = {}
    for fname, f in _check_schema(schema).items():
        if f.kind == "category":
            annotation: Any = Literal[f.categories]
            info = Field(description=f"one of {len(f.categories)} categories")
        else:
            if f.kind == "integer":
                annotation, info = int, Field(ge=int(f.low), le=int(f.high))
            else:
                annotation, info = float, Field(ge=f.low, le=f.high, allow_inf_nan=False)
        if f.nullable:
            annotation = annotation | None
        fields[fname] = (Annotated[annotation, info], ...)
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _rows(mask: pd.Series) -> list[int]:
    """The first five row numbers where ``mask`` is true, for error messages."""
    return np.flatnonzero(mask)[:5].tolist()


def _column_problems(f: Feature, values: list, n: int) -> tuple[pd.Series, list[str]]:
    """Convert one column; return the typed values and a list of readable problems."""
    if not isinstance(values, list) or len(values) != n:
        got = len(values) if isinstance(values, list) else type(values).__name__
        return pd.Series(dtype=float), [f"column {f.name!r}: expected a list of {n} values, got {got}"]
    raw = pd.Series(values, dtype=object)
    missing = raw.isna()
    problems = []
    if missing.any() and not f.nullable:
        problems.append(f"column {f.name!r}: null at rows {_rows(missing)}, "
                        "but this feature may not be missing")  # fmt: skip
    if f.kind == "category":
        bad = ~missing & ~raw.isin(f.categories)
        if bad.any():
            problems.append(f"column {f.name!r}: unknown categories {sorted(map(str, raw[bad].unique()))[:5]}")
        return pd.Series(pd.Categorical(raw.where(~bad), categories=f.categories)), problems
    is_number = raw.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    bad_type = ~missing & ~is_number
    if bad_type.any():
        problems.append(f"column {f.name!r}: not a number at rows {_rows(bad_type)}")
        return pd.Series(dtype=float), problems
    number = raw.astype(float)
    out = ~missing & ~number.between(f.low, f.high)
    if out.any():
        problems.append(f"column {f.name!r}: values outside [{f.low:g}, {f.high:g}] at rows "
                        f"{_rows(out)}")  # fmt: skip
    if f.kind == "integer" and not missing.any():
        whole = number == np.round(number)
        if not whole.all():
            problems.append(f"column {f.name!r}: not a whole number at rows {_rows(~whole)}")
        number = number.astype(np.int64) if whole.all() else number
    return number, problems


def columns_to_frame(columns: Mapping[str, list], schema: Mapping[str, Feature]) -> pd.DataFrame:
    """Validate a columnar batch (``{feature: [values]}``) and build the model's input frame.

    Parameters
    ----------
    columns : mapping
        One list per feature, all of the same non-zero length.
    schema : dict
        From :func:`feature_schema`.

    Returns
    -------
    DataFrame
        Columns in schema order with the training dtypes (categories included).

    Raises
    ------
    ValueError
        Listing every problem: missing or unknown columns, ragged lengths, an
        empty batch, wrong types, out-of-range numbers, unknown categories.

    Examples
    --------
    >>> schema = {"hour": Feature("hour", "integer", 0, 23)}
    >>> columns_to_frame({"hour": [6, 7]}, schema)["hour"].tolist()
    [6, 7]
    >>> columns_to_frame({"hour": [6, 30]}, schema)
    Traceback (most recent call last):
    ...
    ValueError: column 'hour': values outside [0, 23] at rows [1]
    """
    schema = _check_schema(schema)
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must map feature names to lists, got {type(columns).__name__}.")
    problems = []
    missing = [c for c in schema if c not in columns]
    extra = [c for c in columns if c not in schema]
    if missing:
        problems.append(f"missing columns {missing}")
    if extra:
        problems.append(f"unknown columns {extra}")
    lengths = {len(v) if isinstance(v, list) else -1 for v in columns.values()}
    if problems or len(lengths) != 1:
        if len(lengths) > 1:
            problems.append(f"ragged batch: columns have lengths {sorted(lengths)}; send equal-length lists")
        raise ValueError("; ".join(problems))
    n = lengths.pop()
    if n <= 0:
        raise ValueError("the batch is empty (or not made of lists); send at least one row")
    data = {}
    for name, f in schema.items():
        data[name], col_problems = _column_problems(f, columns[name], n)
        problems += col_problems
    if problems:
        raise ValueError("; ".join(problems))
    return pd.DataFrame(data)


def create_app(model: Any, schema: Mapping[str, Feature], *, model_version: str,
               training_data: str | None = None) -> Any:  # fmt: skip
    """A FastAPI app that serves ``model.predict_proba`` behind a validated contract.

    Endpoints: ``POST /predict`` (one row as a JSON object), ``POST
    /predict/batch`` (``{"columns": {feature: [values]}}``), ``GET /health`` and
    ``GET /metadata`` (model version, features, training data version). Every
    response carries the model version in the ``X-Model-Version`` header. Bad
    payloads get a 422 that names the problem, never a 500.

    Parameters
    ----------
    model : object
        A fitted classifier with ``predict_proba``.
    schema : dict
        From :func:`feature_schema`.
    model_version : str
        Reported by ``/metadata`` and in the response header.
    training_data : str, optional
        A version or hash of the training data, reported by ``/metadata``.

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> from sklearn.dummy import DummyClassifier
    >>> X = pd.DataFrame({"hour": [5, 23]})
    >>> model = DummyClassifier(strategy="prior").fit(X, [0, 1])
    >>> client = TestClient(create_app(model, feature_schema(X), model_version="v1"))
    >>> r = client.post("/predict", json={"hour": 7})
    >>> r.status_code, r.json(), r.headers["x-model-version"]
    (200, {'probability': 0.5}, 'v1')
    >>> client.post("/predict", json={"hour": "seven"}).status_code
    422
    """
    from fastapi import Body, FastAPI, Request
    from fastapi.exceptions import RequestValidationError

    schema = _check_schema(schema)
    if not callable(getattr(model, "predict_proba", None)):
        raise TypeError(f"model must have a predict_proba method, got {type(model).__name__}.")
    if not isinstance(model_version, str) or not model_version:
        raise ValueError(f"model_version must be a non-empty string, got {model_version!r}.")
    Row = request_model(schema, name="FlightFeatures")
    app = FastAPI(title="Model server", version=model_version)

    def predict(frame: pd.DataFrame) -> list[float]:
        return [round(float(p), 6) for p in model.predict_proba(frame)[:, 1]]

    @app.middleware("http")
    async def add_version(request: Request, call_next):
        response = await call_next(request)
        response.headers[VERSION_HEADER] = model_version
        return response

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/metadata")
    def metadata() -> dict:
        return {"model_version": model_version, "training_data": training_data,
                "features": [asdict(f) for f in schema.values()]}  # fmt: skip

    def predict_one(row):
        values = {k: [v] for k, v in row.model_dump().items()}
        return {"probability": predict(columns_to_frame(values, schema))[0]}

    def predict_batch(columns):
        try:
            frame = columns_to_frame(columns, schema)
        except ValueError as err:
            raise RequestValidationError(
                [{"type": "value_error", "loc": ("body", "columns"), "msg": str(err)}]
            ) from None
        return {"probabilities": predict(frame)}

    # Annotations are set here because the request model is built at run time.
    predict_one.__annotations__ = {"row": Row, "return": dict}
    predict_batch.__annotations__ = {"columns": Annotated[dict[str, list], Body(embed=True)],
                                     "return": dict}  # fmt: skip
    app.post("/predict")(predict_one)
    app.post("/predict/batch")(predict_batch)

    return app


def save_bundle(path: str | Path, model: Any, schema: Mapping[str, Feature], *, model_version: str,
                training_data: str | None = None) -> Path:  # fmt: skip
    """Write what the serving image needs: the model, its contract and its version.

    The folder gets ``model.json`` (XGBoost's own format: trees and
    parameters, no code), ``schema.json`` and ``meta.json``. The container of
    ``.ci/serving.Dockerfile`` serves it with :func:`bundle_app`.

    Parameters
    ----------
    path : str or Path
        A folder; created if missing.
    model : xgboost.XGBClassifier
        A fitted classifier.
    schema : dict
        From :func:`feature_schema`.
    model_version, training_data : str
        As for :func:`create_app`.

    Returns
    -------
    Path
        The bundle folder.

    Examples
    --------
    >>> import tempfile
    >>> from xgboost import XGBClassifier
    >>> X = pd.DataFrame({"hour": [5, 23, 7, 20]})
    >>> model = XGBClassifier(n_estimators=2).fit(X, [0, 1, 0, 1])
    >>> bundle = save_bundle(tempfile.mkdtemp(), model, feature_schema(X), model_version="v1")
    >>> sorted(p.name for p in bundle.iterdir())
    ['meta.json', 'model.json', 'schema.json']
    """
    from xgboost import XGBClassifier

    schema = _check_schema(schema)
    if not isinstance(model, XGBClassifier):
        raise TypeError(f"model must be a fitted xgboost.XGBClassifier, got {type(model).__name__}.")
    if not isinstance(model_version, str) or not model_version:
        raise ValueError(f"model_version must be a non-empty string, got {model_version!r}.")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_model(folder / "model.json")
    (folder / "schema.json").write_text(json.dumps([asdict(f) for f in schema.values()], indent=1))
    (folder / "meta.json").write_text(json.dumps({"model_version": model_version, "training_data": training_data}))
    return folder


def bundle_app(path: str | Path | None = None) -> Any:
    """The app of a bundle written by :func:`save_bundle` (the serving image's entry point).

    With no ``path``, the folder comes from the ``MODEL_DIR`` environment
    variable, which is how ``uvicorn labutils.serving:bundle_app --factory``
    finds it inside the container.

    Examples
    --------
    >>> import tempfile
    >>> from fastapi.testclient import TestClient
    >>> from xgboost import XGBClassifier
    >>> X = pd.DataFrame({"hour": [5, 23, 7, 20]})
    >>> model = XGBClassifier(n_estimators=2).fit(X, [0, 1, 0, 1])
    >>> bundle = save_bundle(tempfile.mkdtemp(), model, feature_schema(X), model_version="v1")
    >>> TestClient(bundle_app(bundle)).get("/metadata").json()["model_version"]
    'v1'
    """
    import os

    from xgboost import XGBClassifier

    if path is None:
        path = os.environ.get("MODEL_DIR")
        if not path:
            raise ValueError("no bundle folder: pass path or set MODEL_DIR to a folder written by save_bundle.")
    folder = Path(path)
    missing = [n for n in ("model.json", "schema.json", "meta.json") if not (folder / n).is_file()]
    if missing:
        raise ValueError(f"{folder} is not a model bundle: missing {missing}; write it with save_bundle().")
    model = XGBClassifier()
    model.load_model(folder / "model.json")
    features = json.loads((folder / "schema.json").read_text())
    schema = {f["name"]: Feature(**{**f, "categories": tuple(f["categories"])}) for f in features}
    meta = json.loads((folder / "meta.json").read_text())
    return create_app(model, schema, model_version=meta["model_version"], training_data=meta["training_data"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_in_thread(app: Any, *, timeout: float = 10.0) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 in a background thread; yield its base URL.

    The server starts on a free port, the block runs once it accepts
    connections, and on exit the server is asked to stop and its thread joined.

    Examples
    --------
    >>> import httpx
    >>> from fastapi import FastAPI
    >>> app = FastAPI()
    >>> _ = app.get("/ping")(lambda: {"ok": True})
    >>> with serve_in_thread(app) as url:
    ...     httpx.get(url + "/ping").json()
    {'ok': True}
    """
    import uvicorn

    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout)
            raise RuntimeError(f"the server did not start on 127.0.0.1:{port} within {timeout} s.")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


def frame_to_json(X: pd.DataFrame, *, orient: Literal["columns", "records"] = "columns") -> Any:
    """A JSON-ready request body: ``{"columns": {name: [values]}}`` or a list of row objects.

    Missing values become ``null`` and categories their labels.

    Examples
    --------
    >>> X = pd.DataFrame({"hour": [5, 6], "temp": [10.5, float("nan")]})
    >>> frame_to_json(X)
    {'columns': {'hour': [5, 6], 'temp': [10.5, None]}}
    >>> frame_to_json(X, orient="records")
    [{'hour': 5, 'temp': 10.5}, {'hour': 6, 'temp': None}]
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame, got {type(X).__name__}.")
    if orient == "records":
        return json.loads(X.to_json(orient="records"))
    if orient == "columns":
        return {"columns": {c: json.loads(X[c].to_json(orient="values")) for c in X.columns}}
    raise ValueError(f"orient must be 'columns' or 'records', got {orient!r}.")


def latency_ms(call: Callable[[int], Any], *, repeats: int, warmup: int = 10,
               clock: Literal["wall", "cpu"] = "wall") -> np.ndarray:
    """Milliseconds of ``call(i)`` for ``i`` in ``range(repeats)``, after ``warmup`` calls.

    Parameters
    ----------
    call : callable
        Called with the request number.
    repeats, warmup : int
        Timed calls, and untimed calls before them.
    clock : {"wall", "cpu"}, default "wall"
        ``"wall"`` is the latency a client sees (:func:`time.perf_counter`);
        ``"cpu"`` is the CPU time of this whole process, every thread
        included (:func:`time.process_time`): the work a call costs, which a
        busy machine does not inflate. Compare two timings as a ratio of the
        same clock, measured in one run; with a server in a thread of this
        process (:func:`serve_in_thread`), ``"cpu"`` counts client and server.

    Examples
    --------
    >>> times = latency_ms(lambda i: sum(range(100)), repeats=5)
    >>> times.shape, bool((times > 0).all())
    ((5,), True)
    >>> latency_ms(lambda i: sum(range(10_000)), repeats=3, clock="cpu").shape
    (3,)
    """
    if not callable(call):
        raise TypeError(f"call must be a function of the request number, got {type(call).__name__}.")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}.")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an int >= 0, got {warmup!r}.")
    clocks = {"wall": time.perf_counter, "cpu": time.process_time}
    if clock not in clocks:
        raise ValueError(f"clock must be 'wall' or 'cpu', got {clock!r}.")
    now = clocks[clock]
    for i in range(warmup):
        call(i)
    times = np.empty(repeats)
    for i in range(repeats):
        start = now()
        call(i)
        times[i] = (now() - start) * 1000
    return times
