"""Real-time model serving: a strict contract, a fast FastAPI app, compiled inference and load tests.

:func:`feature_schema` derives a request contract (types, ranges, allowed
categories, nullability) from training data and physical limits;
:func:`request_model` and :func:`batch_model` turn it into strict pydantic
models (they are the app's OpenAPI schema); :func:`encode_columns` validates a
batch straight into the model's numeric array; :func:`create_app` serves a
fitted classifier behind the contract, natively or through ONNX Runtime
(:func:`to_onnx`, :class:`OnnxClassifier`); :func:`serve_in_thread` and
:func:`serve_bundle` run it, and :func:`load_test` measures it under
concurrent clients.

Introduced in the chapter "Deployment strategies" (``chapters/deployment.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd

__all__ = ["Feature", "LoadTest", "OnnxClassifier", "batch_model", "bundle_app", "columns_to_frame",
           "create_app", "encode_columns", "feature_schema", "frame_to_json", "latency_ms", "load_test",
           "request_model", "save_bundle", "serve_bundle", "serve_in_thread", "to_onnx"]  # fmt: skip

#: Response header that carries the served model's version.
VERSION_HEADER = "X-Model-Version"
#: Default limits of one request: rows of a batch, and bytes of a body.
MAX_ROWS = 10_000
MAX_BODY_BYTES = 4 * 2**20


@dataclass(frozen=True)
class Feature:
    """One input column of the serving contract.

    ``kind`` is ``"integer"``, ``"number"`` or ``"category"``; ``low``/``high``
    bound numbers (inclusive), ``categories`` lists the allowed values of a
    category in the order of the model's codes, and ``nullable`` says whether
    ``null`` (a missing value) is accepted. An ``"integer"`` accepts a JSON
    number with no fractional part (``7`` or ``7.0``, as JSON Schema does).
    """

    name: str
    kind: Literal["integer", "number", "category"]
    low: float | None = None
    high: float | None = None
    categories: tuple[str, ...] = ()
    nullable: bool = False


def _check_ranges(label: str, ranges: Mapping[str, tuple[float, float]] | None, columns, *,
                  finite: bool = True) -> dict:  # fmt: skip
    ranges = dict(ranges or {})
    unknown = sorted(map(str, set(ranges) - set(columns)))
    if unknown:
        raise ValueError(f"{label} name columns that X does not have: {unknown}.")
    for name, pair in ranges.items():
        ok = isinstance(pair, (tuple, list)) and len(pair) == 2
        ok = ok and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair)
        if not ok or (finite and not all(map(math.isfinite, pair))) or not pair[0] <= pair[1]:
            kind = "a finite" if finite else "a"
            raise ValueError(f"{label}[{name!r}] must be {kind} (low, high) pair with low <= high, "
                             f"got {pair!r}.")  # fmt: skip
    return ranges


def _names(label: str, names: object, columns) -> set:
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise TypeError(f"{label} must be a list of column names, got {names!r}.")
    names = set(names)
    unknown = sorted(map(str, names - set(columns)))
    if unknown:
        raise ValueError(f"{label} names columns that X does not have: {unknown}.")
    return names


def feature_schema(
    X: pd.DataFrame,
    *,
    slack: float = 0.1,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    limits: Mapping[str, tuple[float, float]] | None = None,
    integers: Iterable[str] = (),
    nullable: Iterable[str] = (),
) -> dict[str, Feature]:
    """Derive a serving contract from the training features.

    Numbers get the training range widened by ``slack`` times its width on each
    side, then cut to their physical ``limits`` (an hour is 0–23 whatever the
    slack says); categories get the categories of their dtype (what the model
    can encode); a column that had missing values in training, or is listed in
    ``nullable``, accepts ``null``.

    Parameters
    ----------
    X : DataFrame
        The training features, with their training dtypes.
    slack : float, default 0.1
        Fraction of each numeric range added below and above it.
    bounds : mapping, optional
        Ranges that replace the derived ones, e.g. ``{"hour": (0, 23)}`` when
        training saw only some of the valid values.
    limits : mapping, optional
        Physical ranges that every range is cut to, e.g. ``{"humid": (0, 100)}``
        (one-sided with ``math.inf``: ``{"precip": (0, math.inf)}``).
    integers : iterable of str, default ()
        Float columns that hold counts (whole numbers), e.g. a count with
        missing values, which pandas stores as float.
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
    >>> X = pd.DataFrame({"hour": [5, 23], "temp": [10.0, None], "seats": [50.0, 300.0],
    ...                   "origin": pd.Categorical(["JFK", "LGA"])})
    >>> schema = feature_schema(X, bounds={"hour": (0, 23)}, limits={"seats": (1, 900)},
    ...                         integers=["seats"])
    >>> schema["hour"]
    Feature(name='hour', kind='integer', low=0.0, high=23.0, categories=(), nullable=False)
    >>> schema["seats"].kind, schema["seats"].low, schema["seats"].high
    ('integer', 25.0, 325.0)
    >>> schema["temp"].nullable, schema["origin"].categories
    (True, ('JFK', 'LGA'))
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame of training features, got {type(X).__name__}.")
    if X.empty:
        raise ValueError("X is empty; pass the training features (at least one row and column).")
    if isinstance(slack, bool) or not isinstance(slack, (int, float)) or not 0 <= slack < math.inf:
        raise ValueError(f"slack must be a finite number >= 0, got {slack!r}.")
    bounds = _check_ranges("bounds", bounds, X.columns)
    limits = _check_ranges("limits", limits, X.columns, finite=False)
    counts = _names("integers", integers, X.columns)
    may_miss = _names("nullable", nullable, X.columns)
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
        if name in limits:
            low, high = max(low, limits[name][0]), min(high, limits[name][1])
            if low > high:
                raise ValueError(f"column {name!r}: its range lies outside limits {limits[name]}.")
        kind = "integer" if pd.api.types.is_integer_dtype(col) or name in counts else "number"
        if kind == "integer":
            low, high = math.ceil(low), math.floor(high)
        schema[name] = Feature(name, kind, float(low), float(high), nullable=missing)
    return schema


def _check_schema(schema: object) -> dict[str, Feature]:
    if not isinstance(schema, Mapping) or not schema:
        raise TypeError("schema must be a non-empty dict of Feature, as returned by feature_schema().")
    for name, feature in schema.items():
        if not isinstance(feature, Feature) or feature.name != name:
            raise TypeError(f"schema[{name!r}] must be a Feature named {name!r}; use feature_schema().")
    return dict(schema)


def _value_type(f: Feature) -> Any:
    """The strict pydantic type of one value of ``f`` (no coercion from strings or booleans)."""
    from pydantic import Field, Strict, WithJsonSchema

    if f.kind == "category":
        annotation: Any = Literal[f.categories]
    else:
        whole = {"multiple_of": 1} if f.kind == "integer" else {}
        # Strict floats accept JSON integers but never strings, booleans, NaN or infinities.
        annotation = Annotated[float, Strict(), Field(ge=f.low, le=f.high, allow_inf_nan=False, **whole)]
        if f.kind == "integer":
            bounds = {"minimum": int(f.low), "maximum": int(f.high)}
            annotation = Annotated[annotation, WithJsonSchema({"type": "integer", **bounds})]
    return annotation | None if f.nullable else annotation


def request_model(schema: Mapping[str, Feature], *, name: str = "Features") -> type:
    """A strict pydantic model of one row described by ``schema``.

    Every field is required (``null`` only where the feature is nullable).
    Unknown fields, strings or booleans where a number is expected, NaN,
    infinities, out-of-range numbers, fractions where a count is expected and
    unknown categories are refused. The same value rules hold in
    :func:`batch_model`.

    Examples
    --------
    >>> import pydantic
    >>> schema = {"hour": Feature("hour", "integer", 0, 23),
    ...           "origin": Feature("origin", "category", categories=("JFK", "LGA"))}
    >>> Row = request_model(schema)
    >>> Row(hour=7, origin="JFK").hour
    7.0
    >>> try:
    ...     Row(hour="7", origin="EWR", gate=3)
    ... except pydantic.ValidationError as err:
    ...     print(sorted(e["loc"][0] for e in err.errors()))
    ['gate', 'hour', 'origin']
    """
    from pydantic import ConfigDict, create_model

    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier, got {name!r}.")
    fields = {fname: (_value_type(f), ...) for fname, f in _check_schema(schema).items()}
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def batch_model(schema: Mapping[str, Feature], *, max_rows: int = MAX_ROWS, name: str = "Batch") -> type:
    """A strict pydantic model of a columnar batch: ``{"columns": {feature: [values]}}``.

    Each feature is a list of 1 to ``max_rows`` values, checked like a field of
    :func:`request_model`; all lists must have the same length.

    Examples
    --------
    >>> import pydantic
    >>> Batch = batch_model({"hour": Feature("hour", "integer", 0, 23)}, max_rows=3)
    >>> Batch(columns={"hour": [6, 7.0]}).columns.hour
    [6.0, 7.0]
    >>> try:
    ...     Batch(columns={"hour": [6, 30]})
    ... except pydantic.ValidationError as err:
    ...     print(err.errors()[0]["loc"], err.errors()[0]["type"])
    ('columns', 'hour', 1) less_than_equal
    """
    from pydantic import ConfigDict, Field, create_model, model_validator

    from ._checks import check_int

    check_int("max_rows", max_rows, low=1)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier, got {name!r}.")
    schema = _check_schema(schema)

    @model_validator(mode="after")
    def same_length(columns):
        lengths = {k: len(v) for k, v in columns.__dict__.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"ragged batch: columns have lengths {sorted(set(lengths.values()))}; "
                             "send lists of equal length")  # fmt: skip
        return columns

    fields = {fname: (Annotated[list[_value_type(f)], Field(min_length=1, max_length=max_rows)], ...)
              for fname, f in schema.items()}  # fmt: skip
    Columns = create_model(f"{name}Columns", __config__=ConfigDict(extra="forbid"),
                           __validators__={"same_length": same_length}, **fields)  # fmt: skip
    return create_model(name, __config__=ConfigDict(extra="forbid"), columns=(Columns, ...))


class _Encoder:
    """Validated values to the model's float32 array (categories as codes, null as NaN)."""

    def __init__(self, schema: dict[str, Feature]):
        self.schema = schema
        self.codes = {n: {c: float(i) for i, c in enumerate(f.categories)}
                      for n, f in schema.items() if f.kind == "category"}  # fmt: skip

    def row(self, values: Mapping[str, Any]) -> np.ndarray:
        out = [self.codes[n][v] if n in self.codes and v is not None else v for n, v in values.items()]
        return np.array([out], dtype=np.float32)

    def columns(self, columns: Mapping[str, list]) -> np.ndarray:
        n = len(next(iter(columns.values())))
        out = np.empty((n, len(self.schema)), dtype=np.float32)
        for j, (name, values) in enumerate(columns.items()):
            codes = self.codes.get(name)
            if codes is not None:
                values = [np.nan if v is None else codes[v] for v in values]
            out[:, j] = np.array(values, dtype=np.float64)  # None becomes NaN
        return out

    def frame(self, X: np.ndarray) -> pd.DataFrame:
        data = {}
        for j, (name, f) in enumerate(self.schema.items()):
            col = X[:, j].astype(np.float64)
            if f.kind == "category":
                codes = np.where(np.isnan(col), -1, col).astype(int)
                data[name] = pd.Categorical.from_codes(codes, categories=list(f.categories))
            elif f.kind == "integer" and not np.isnan(col).any():
                data[name] = col.astype(np.int64)
            else:
                data[name] = col
        return pd.DataFrame(data)


def _readable(err: Any) -> list[dict]:
    """A pydantic error's problems as location, message and type only (never the input, which may be NaN)."""
    problems = []
    for e in err.errors(include_url=False, include_context=False):
        missing = e.get("input", 0) is None and e["type"] in {"float_type", "literal_error"}
        msg = "null is not allowed: this feature may not be missing" if missing else e["msg"]
        problems.append({"loc": e["loc"], "msg": msg, "type": e["type"]})
    return problems


def _problems(err: Any) -> str:
    """One readable line per pydantic error: the column, the first rows, what was wrong."""
    by_column: dict[tuple, list] = {}
    for e in _readable(err):
        loc = [p for p in e["loc"] if p != "columns"]
        rows = [p for p in loc if isinstance(p, int)]
        names = tuple(p for p in loc if not isinstance(p, int))
        by_column.setdefault((names, e["msg"]), []).extend(rows)
    lines = []
    for (names, msg), rows in by_column.items():
        where = f"column {names[0]!r}: " if names else ""
        at = f" at rows {sorted(set(rows))[:5]}" if rows else ""
        lines.append(f"{where}{msg}{at}")
    return "; ".join(lines)


def encode_columns(columns: Mapping[str, list], schema: Mapping[str, Feature], *,
                   max_rows: int | None = None) -> np.ndarray:  # fmt: skip
    """Validate a columnar batch and encode it as the model's numeric array.

    The rules are those of the server (:func:`batch_model`). Categories become
    their codes (their position in ``Feature.categories``, which is the code
    that pandas and XGBoost gave them in training) and ``null`` becomes NaN.
    No pandas object is built.

    Parameters
    ----------
    columns : mapping
        One list per feature, all of the same non-zero length.
    schema : dict
        From :func:`feature_schema`.
    max_rows : int, optional
        Refuse longer batches; by default any length is accepted.

    Returns
    -------
    ndarray of float32, shape (n_rows, n_features)
        Columns in schema order.

    Raises
    ------
    ValueError
        Listing every problem: missing or unknown columns, ragged lengths, an
        empty batch, wrong types, non-finite or out-of-range numbers, fractions
        in a count, unknown categories.

    Examples
    --------
    >>> schema = {"hour": Feature("hour", "integer", 0, 23),
    ...           "origin": Feature("origin", "category", categories=("JFK", "LGA"))}
    >>> encode_columns({"hour": [6, 7], "origin": ["LGA", "JFK"]}, schema)
    array([[6., 1.],
           [7., 0.]], dtype=float32)
    >>> encode_columns({"hour": [6, 30], "origin": ["LGA", "JFK"]}, schema)
    Traceback (most recent call last):
    ...
    ValueError: column 'hour': Input should be less than or equal to 23 at rows [1]
    """
    from pydantic import ValidationError

    schema = _check_schema(schema)
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must map feature names to lists, got {type(columns).__name__}.")
    Batch = batch_model(schema, max_rows=max_rows or sys.maxsize)
    try:
        batch = Batch(columns=dict(columns))
    except ValidationError as err:
        raise ValueError(_problems(err)) from None
    return _Encoder(schema).columns(batch.columns.__dict__)


def columns_to_frame(columns: Mapping[str, list], schema: Mapping[str, Feature]) -> pd.DataFrame:
    """Validate a columnar batch (``{feature: [values]}``) and build the model's input frame.

    The same rules as :func:`encode_columns` (and the server); the frame has
    the training dtypes (categories included), for models that need a frame.

    Examples
    --------
    >>> schema = {"hour": Feature("hour", "integer", 0, 23)}
    >>> columns_to_frame({"hour": [6, 7]}, schema)["hour"].tolist()
    [6, 7]
    >>> columns_to_frame({"hour": [6, 7.5]}, schema)
    Traceback (most recent call last):
    ...
    ValueError: column 'hour': Input should be a multiple of 1 at rows [1]
    """
    schema = _check_schema(schema)
    return _Encoder(schema).frame(encode_columns(columns, schema))


class OnnxClassifier:
    """A binary classifier exported to ONNX, run by ONNX Runtime on one thread.

    ``predict_proba`` takes the numeric array of :func:`encode_columns` (float32,
    categories as codes) and returns both classes' probabilities, like the
    model it was exported from.

    Parameters
    ----------
    model_bytes : bytes
        A serialised ONNX model with one float input, from :func:`to_onnx`.

    Examples
    --------
    >>> from xgboost import XGBClassifier
    >>> X = pd.DataFrame({"hour": [5, 23, 7, 20]})
    >>> schema = feature_schema(X)
    >>> model = XGBClassifier(n_estimators=2).fit(X, [0, 1, 0, 1])
    >>> onnx_model = OnnxClassifier(to_onnx(model, schema))
    >>> A = encode_columns({"hour": [5, 23]}, schema)
    >>> bool(np.abs(onnx_model.predict_proba(A) - model.predict_proba(X.iloc[[0, 1]])).max() < 1e-6)
    True
    """

    def __init__(self, model_bytes: bytes):
        import onnxruntime as ort
        from onnxruntime.capi.onnxruntime_pybind11_state import (
            Fail,
            InvalidGraph,
            InvalidProtobuf,
        )

        if not isinstance(model_bytes, (bytes, bytearray)) or not model_bytes:
            raise TypeError("model_bytes must be the bytes of an ONNX model, as returned by to_onnx().")
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: the strict build fails on stderr output
        try:
            self.session = ort.InferenceSession(bytes(model_bytes), options, providers=["CPUExecutionProvider"])
        except (Fail, InvalidGraph, InvalidProtobuf) as err:
            raise ValueError(f"model_bytes is not a valid ONNX model: {err}") from None
        inputs = self.session.get_inputs()
        if len(inputs) != 1:
            raise ValueError(f"the ONNX model must have one input (the feature array), it has {len(inputs)}.")
        self.input_name = inputs[0].name
        self.n_features = inputs[0].shape[1]
        self.output_name = self.session.get_outputs()[-1].name  # the probabilities
        self.size_bytes = len(model_bytes)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Both classes' probabilities for the rows of the float32 array ``X``."""
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.shape[1] != self.n_features:
            got = X.shape if isinstance(X, np.ndarray) else type(X).__name__
            raise ValueError(f"X must be a 2-D array with {self.n_features} columns (encode_columns), got {got}.")
        return self.session.run([self.output_name], {self.input_name: X.astype(np.float32, copy=False)})[0]


def to_onnx(model: Any, schema: Mapping[str, Feature]) -> bytes:
    """Export a fitted XGBoost classifier to ONNX (with onnxmltools), for :class:`OnnxClassifier`.

    The ONNX model takes the array of :func:`encode_columns`: columns in schema
    order, categories as codes. The ONNX tree operator tests a category with
    equality splits, so each categorical split of XGBoost becomes a chain of
    them: the model grows, and large batches run slower than natively.

    Examples
    --------
    >>> from xgboost import XGBClassifier
    >>> X = pd.DataFrame({"hour": [5, 23, 7, 20]})
    >>> model = XGBClassifier(n_estimators=2).fit(X, [0, 1, 0, 1])
    >>> to_onnx(model, feature_schema(X))[:2]
    b'\\x08\\x08'
    """
    from xgboost import XGBClassifier

    schema = _check_schema(schema)
    if not isinstance(model, XGBClassifier):
        raise TypeError(f"model must be a fitted xgboost.XGBClassifier, got {type(model).__name__}.")
    booster = model.get_booster().copy()
    if booster.feature_names is not None and list(booster.feature_names) != list(schema):
        raise ValueError(f"the model's features {booster.feature_names} differ from the schema's "
                         f"{list(schema)}; derive the schema from the training frame.")  # fmt: skip
    from onnxmltools import convert_xgboost
    from onnxmltools.convert.common.data_types import FloatTensorType

    booster.feature_names = [f"f{i}" for i in range(len(schema))]  # the converter's naming
    initial = [("features", FloatTensorType([None, len(schema)]))]
    return convert_xgboost(booster, initial_types=initial, target_opset=15).SerializeToString()


def _predictor(model: Any, encoder: _Encoder) -> Callable[[np.ndarray], np.ndarray]:
    """The probability of the positive class for an encoded array, by the fastest path the model has."""
    try:
        from xgboost import XGBClassifier
    except ImportError:  # pragma: no cover - the serving stack always has xgboost
        XGBClassifier = ()
    if isinstance(model, XGBClassifier):
        booster = model.get_booster()
        return lambda X: booster.inplace_predict(X)  # compiled trees on the array, no DataFrame
    if isinstance(model, OnnxClassifier):
        return lambda X: model.predict_proba(X)[:, 1]
    return lambda X: model.predict_proba(encoder.frame(X))[:, 1]  # any other model gets its frame


#: At most this many problems are listed in an error body (a bad column of a batch has one per row).
MAX_PROBLEMS = 20


def _problem_body(errors: Sequence[Mapping[str, Any]]) -> dict:
    """The JSON body of an error: only the location, a message and a type (never the input)."""
    return {"detail": [{"loc": [p if isinstance(p, (int, str)) else str(p) for p in e["loc"]],
                        "msg": str(e["msg"]), "type": str(e["type"])}
                       for e in errors[:MAX_PROBLEMS]]}  # fmt: skip


class _Edge:
    """ASGI middleware: refuse bodies over the limit with 413, and name the model version."""

    def __init__(self, app: Any, *, max_body_bytes: int, model_version: str):
        self.app, self.max_body = app, max_body_bytes
        self.header = (VERSION_HEADER.lower().encode(), model_version.encode())

    async def _too_large(self, send: Callable) -> None:
        body = json.dumps(_problem_body([{"loc": ["body"], "type": "too_large",
                                          "msg": f"the request body exceeds {self.max_body:,} bytes; "
                                                 "send smaller batches"}])).encode()  # fmt: skip
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()), self.header]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_versioned(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            return await self._too_large(send)
        chunks, size = [], 0
        while True:  # read the body, counting, so that a body without a length is bounded too
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                return await self._too_large(send)
            if not message.get("more_body", False):
                break
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def receive_again() -> dict:
            return replay.pop() if replay else await receive()

        await self.app(scope, receive_again, send_versioned)


def _runtime(model: Any) -> str:
    if isinstance(model, OnnxClassifier):
        return "onnxruntime"
    return "xgboost" if type(model).__name__ == "XGBClassifier" else type(model).__name__


def create_app(model: Any, schema: Mapping[str, Feature], *, model_version: str,
               training_data: str | None = None, max_rows: int = MAX_ROWS,
               max_body_bytes: int = MAX_BODY_BYTES) -> Any:  # fmt: skip
    """A FastAPI app that serves a classifier's probabilities behind a strict contract.

    Endpoints: ``POST /predict`` (one row as a JSON object), ``POST
    /predict/batch`` (``{"columns": {feature: [values]}}``), ``GET /health`` and
    ``GET /metadata``. Both request bodies are pydantic models
    (:func:`request_model`, :func:`batch_model`), so ``/openapi.json``
    describes them. A valid request is encoded straight into a float32 array
    (:func:`encode_columns`) and scored without any pandas object: an
    ``XGBClassifier`` by ``Booster.inplace_predict``, an
    :class:`OnnxClassifier` by ONNX Runtime; any other model with
    ``predict_proba`` gets a frame with the training dtypes.

    Bad requests get a JSON body that names each problem's field: 422 for
    invalid values, 413 for a body over ``max_body_bytes`` or a batch over
    ``max_rows``. Every response carries the model version in the
    ``X-Model-Version`` header.

    Parameters
    ----------
    model : object
        A fitted classifier with ``predict_proba``.
    schema : dict
        From :func:`feature_schema`, in the model's column order.
    model_version : str
        Reported by ``/metadata`` and in the response header.
    training_data : str, optional
        A version or hash of the training data, reported by ``/metadata``.
    max_rows, max_body_bytes : int
        The largest batch, in rows, and the largest request body, in bytes.

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
    >>> r = client.post("/predict", json={"hour": "7"})
    >>> r.status_code, r.json()["detail"][0]["loc"]
    (422, ['body', 'hour'])
    """
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.openapi.utils import get_openapi
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, ValidationError
    from pydantic.json_schema import models_json_schema

    from ._checks import check_int

    schema = _check_schema(schema)
    if not callable(getattr(model, "predict_proba", None)):
        raise TypeError(f"model must have a predict_proba method, got {type(model).__name__}.")
    if not isinstance(model_version, str) or not model_version:
        raise ValueError(f"model_version must be a non-empty string, got {model_version!r}.")
    if training_data is not None and not isinstance(training_data, str):
        raise TypeError(f"training_data must be a string or None, got {type(training_data).__name__}.")
    check_int("max_rows", max_rows, low=1)
    check_int("max_body_bytes", max_body_bytes, low=1024)
    Row = request_model(schema, name="Features")
    Batch = batch_model(schema, max_rows=max_rows, name="Batch")
    encoder = _Encoder(schema)
    predict = _predictor(model, encoder)

    class Prediction(BaseModel):
        probability: float

    class Predictions(BaseModel):
        probabilities: list[float]

    class Problem(BaseModel):
        loc: list[int | str]
        msg: str
        type: str

    class Problems(BaseModel):
        detail: list[Problem]

    class Health(BaseModel):
        status: Literal["ok"]

    class FeatureInfo(BaseModel):
        name: str
        kind: Literal["integer", "number", "category"]
        low: float | None
        high: float | None
        categories: list[str]
        nullable: bool

    class Metadata(BaseModel):
        model_version: str
        training_data: str | None
        runtime: str
        max_rows: int
        max_body_bytes: int
        features: list[FeatureInfo]

    meta = {"model_version": model_version, "training_data": training_data, "runtime": _runtime(model),
            "max_rows": max_rows, "max_body_bytes": max_body_bytes,
            "features": [asdict(f) for f in schema.values()]}  # fmt: skip
    refusals = {413: {"model": Problems, "description": "The body or the batch is too large"},
                422: {"model": Problems, "description": "The request breaks the contract"}}  # fmt: skip
    app = FastAPI(title="Model server", version=model_version)
    app.add_middleware(_Edge, max_body_bytes=max_body_bytes, model_version=model_version)

    @app.exception_handler(RequestValidationError)
    async def refuse(request, exc):
        errors = exc.errors()
        too_long = any(e["type"] == "too_long" and tuple(e["loc"][:2]) == ("body", "columns") for e in errors)
        if too_long:
            errors = [{"loc": ["body", "columns"], "type": "too_large",
                       "msg": f"a batch holds at most {max_rows:,} rows; split it"}]  # fmt: skip
        return JSONResponse(_problem_body(errors), status_code=413 if too_long else 422)

    def reply(key: str, X: np.ndarray) -> JSONResponse:
        p = np.round(np.asarray(predict(X), dtype=np.float64), 6).tolist()
        return JSONResponse({key: p[0] if key == "probability" else p})

    async def health():
        return JSONResponse({"status": "ok"})

    async def metadata():
        return JSONResponse(meta)

    def parsed(model: type, body: bytes) -> Any:
        """Parse and validate in one pass (pydantic's Rust JSON parser), or refuse with 422/413."""
        try:
            return model.model_validate_json(body)
        except ValidationError as err:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in _readable(err)]) from None

    async def predict_one(request: Request):
        row = parsed(Row, await request.body())
        return reply("probability", encoder.row(row.__dict__))

    async def predict_batch(request: Request):
        batch = parsed(Batch, await request.body())
        return reply("probabilities", encoder.columns(batch.columns.__dict__))

    # Set here: with postponed annotations FastAPI would look for Request among the module's names.
    predict_one.__annotations__ = predict_batch.__annotations__ = {"request": Request}

    def body_of(model: type) -> dict:
        ref = {"$ref": f"#/components/schemas/{model.__name__}"}
        return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}

    app.get("/health", response_model=Health)(health)
    app.get("/metadata", response_model=Metadata)(metadata)
    app.post("/predict", response_model=Prediction, responses=refusals,
             openapi_extra=body_of(Row))(predict_one)  # fmt: skip
    app.post("/predict/batch", response_model=Predictions, responses=refusals,
             openapi_extra=body_of(Batch))(predict_batch)  # fmt: skip

    def openapi() -> dict:
        """FastAPI's schema, plus the two request bodies, which the endpoints parse themselves."""
        if app.openapi_schema is None:
            schema_ = get_openapi(title=app.title, version=app.version, routes=app.routes)
            _, defs = models_json_schema([(Row, "validation"), (Batch, "validation")],
                                         ref_template="#/components/schemas/{model}")  # fmt: skip
            schema_.setdefault("components", {}).setdefault("schemas", {}).update(defs["$defs"])
            app.openapi_schema = schema_
        return app.openapi_schema

    app.openapi = openapi
    return app


def save_bundle(path: str | Path, model: Any, schema: Mapping[str, Feature], *, model_version: str,
                training_data: str | None = None, onnx: bool = False) -> Path:  # fmt: skip
    """Write what the serving image needs: the model, its contract and its version.

    The folder gets ``model.json`` (XGBoost's own format: trees and
    parameters, no code), ``schema.json`` and ``meta.json``; with ``onnx=True``
    also ``model.onnx`` (:func:`to_onnx`), which :func:`bundle_app` then
    serves with ONNX Runtime. The container of ``.ci/serving.Dockerfile``
    serves the bundle with :func:`bundle_app`.

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
    onnx : bool, default False
        Also export the model to ONNX and serve that.

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
    if not isinstance(onnx, bool):
        raise TypeError(f"onnx must be True or False, got {onnx!r}.")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_model(folder / "model.json")
    if onnx:
        (folder / "model.onnx").write_bytes(to_onnx(model, schema))
    (folder / "schema.json").write_text(json.dumps([asdict(f) for f in schema.values()], indent=1))
    meta = {"model_version": model_version, "training_data": training_data, "onnx": onnx}
    (folder / "meta.json").write_text(json.dumps(meta))
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
    from xgboost import XGBClassifier

    if path is None:
        path = os.environ.get("MODEL_DIR")
        if not path:
            raise ValueError("no bundle folder: pass path or set MODEL_DIR to a folder written by save_bundle.")
    folder = Path(path)
    missing = [n for n in ("model.json", "schema.json", "meta.json") if not (folder / n).is_file()]
    if missing:
        raise ValueError(f"{folder} is not a model bundle: missing {missing}; write it with save_bundle().")
    features = json.loads((folder / "schema.json").read_text())
    schema = {f["name"]: Feature(**{**f, "categories": tuple(f["categories"])}) for f in features}
    meta = json.loads((folder / "meta.json").read_text())
    if meta.get("onnx"):
        model: Any = OnnxClassifier((folder / "model.onnx").read_bytes())
    else:
        model = XGBClassifier()
        model.load_model(folder / "model.json")
    return create_app(model, schema, model_version=meta["model_version"], training_data=meta["training_data"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _check_timeout(timeout: object) -> float:
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout < math.inf:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    return float(timeout)


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

    timeout = _check_timeout(timeout)
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


@contextlib.contextmanager
def serve_bundle(path: str | Path, *, timeout: float = 60.0) -> Iterator[tuple[str, int]]:
    """Serve a bundle in its own process, as the serving image does; yield ``(url, pid)``.

    Runs ``uvicorn labutils.serving:bundle_app --factory`` on a free loopback
    port with ``MODEL_DIR`` set to ``path`` and one thread per pool. Clients
    in this process then share no interpreter lock with the server, and the
    server's memory can be read from its process id.

    Examples
    --------
    >>> import tempfile, httpx
    >>> from xgboost import XGBClassifier
    >>> X = pd.DataFrame({"hour": [5, 23, 7, 20]})
    >>> model = XGBClassifier(n_estimators=2).fit(X, [0, 1, 0, 1])
    >>> bundle = save_bundle(tempfile.mkdtemp(), model, feature_schema(X), model_version="v1")
    >>> with serve_bundle(bundle) as (url, pid):
    ...     httpx.get(url + "/health").json()
    {'status': 'ok'}
    """
    import httpx

    timeout = _check_timeout(timeout)
    folder = Path(path)
    if not (folder / "meta.json").is_file():
        raise ValueError(f"{folder} is not a model bundle; write it with save_bundle().")
    port = _free_port()
    env = {**os.environ, "MODEL_DIR": str(folder), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "uvicorn", "labutils.serving:bundle_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {process.stderr.read().decode()[-500:]}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer on {url} within {timeout} s.")
            time.sleep(0.05)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a server that ignores SIGTERM
            process.kill()
            process.wait()
        process.stderr.close()


@dataclass(frozen=True)
class LoadTest:
    """What :func:`load_test` measured: per request, its latency and status; and the total time."""

    latency_ms: np.ndarray
    status: np.ndarray
    seconds: float

    @property
    def errors(self) -> int:
        """Requests that did not get 200."""
        return int((self.status != 200).sum())

    @property
    def throughput(self) -> float:
        """Requests per second over the whole test."""
        return len(self.status) / self.seconds


def load_test(url: str, bodies: Sequence[Any], *, path: str = "/predict", concurrency: int = 8,
              timeout: float = 30.0) -> LoadTest:  # fmt: skip
    """POST every body to ``url + path`` from ``concurrency`` concurrent clients (asynchronous httpx).

    The bodies are serialised before the clock starts; the clients share one
    connection pool of ``concurrency`` connections and take the next body as
    soon as their reply arrives. It runs its own event loop in a thread, so it
    also works inside a notebook.

    Parameters
    ----------
    url : str
        The server's base URL, e.g. from :func:`serve_bundle`.
    bodies : sequence
        JSON-ready request bodies, one request each.
    path : str, default "/predict"
    concurrency : int, default 8
        Clients sending at the same time.
    timeout : float, default 30
        Seconds a request may take.

    Returns
    -------
    LoadTest

    Examples
    --------
    >>> from fastapi import FastAPI
    >>> app = FastAPI()
    >>> _ = app.post("/echo")(lambda body: body)
    >>> with serve_in_thread(app) as url:
    ...     result = load_test(url, [{"body": 1}] * 20, path="/echo?body=1", concurrency=4)
    >>> len(result.latency_ms), result.errors
    (20, 0)
    """
    import httpx

    from ._checks import check_int

    if not isinstance(url, str) or not url.startswith("http"):
        raise ValueError(f"url must be an http(s) URL, got {url!r}.")
    if isinstance(bodies, (str, bytes)) or not isinstance(bodies, Sequence) or not bodies:
        raise ValueError("bodies must be a non-empty list of JSON-ready request bodies.")
    check_int("concurrency", concurrency, low=1)
    timeout = _check_timeout(timeout)
    payloads = [json.dumps(b).encode() for b in bodies]
    latency, status = np.empty(len(payloads)), np.zeros(len(payloads), dtype=int)

    async def run() -> float:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        headers = {"content-type": "application/json"}
        async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:
            todo = iter(range(len(payloads)))

            async def client_loop() -> None:
                for i in todo:  # one shared iterator: each body is sent once
                    start = time.perf_counter()
                    reply = await client.post(path, content=payloads[i], headers=headers)
                    latency[i] = (time.perf_counter() - start) * 1000
                    status[i] = reply.status_code

            start = time.perf_counter()
            await asyncio.gather(*(client_loop() for _ in range(concurrency)))
            return time.perf_counter() - start

    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["seconds"] = asyncio.run(run())
        except Exception as err:  # noqa: BLE001 - re-raised in the caller's thread below
            outcome["error"] = err

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return LoadTest(latency, status, outcome["seconds"])


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
