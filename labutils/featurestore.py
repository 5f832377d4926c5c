"""A small feature store with Feast's concepts: DuckDB offline store, SQLite online store.

Feast cannot be installed next to this book's pins (every release requires
pandas < 3), so this module rebuilds the part of it that matters for
correctness, with Feast's names: an :class:`Entity` (join keys), a
:class:`FileSource` (a parquet file with an event-timestamp column), a
:class:`FeatureView` (features of one source, keyed by entities, valid for a
``ttl``) and a :class:`FeatureStore` with ``apply``,
``get_historical_features`` (a point-in-time join done by DuckDB's
``ASOF JOIN``), ``materialize`` (latest values into SQLite) and
``get_online_features``. :func:`skew_report` compares what training saw
with what serving sees.

Introduced in the chapter "Feature stores and point-in-time correctness"
(``chapters/featurestore.md``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

__all__ = ["Entity", "FeastResult", "FeatureStore", "FeatureView", "FileSource", "describe_views",
           "feast_features", "skew_report"]

#: The Feast venv's Python (``make feast-env`` builds it); ``LABUTILS_FEAST_PYTHON`` overrides it.
FEAST_PYTHON = Path(__file__).resolve().parent.parent / ".venv-feast" / "bin" / "python"
FEAST_ENV_COMMAND = "make feast-env"
_BRIDGE = Path(__file__).with_name("_feast_bridge.py")
_ARROW_TYPES = {"double": "float64", "float": "float32", "int64": "int64", "int32": "int32", "bool": "bool",
                "string": "string", "large_string": "string"}


def _check_name(label: str, value: object) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise ValueError(f"{label} must be a non-empty identifier string (letters, digits, _), got {value!r}.")
    return value


def _names(label: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)) or not values:
        raise TypeError(f"{label} must be a non-empty list of names, got {values!r}.")
    names = tuple(_check_name(f"each of {label}", v) for v in values)
    if len(set(names)) < len(names):
        raise ValueError(f"{label} has repeated names: {list(names)}.")
    return names


def _quote(name: str) -> str:
    return '"' + name + '"'


def _connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection on one thread, like every other library in the book."""
    return duckdb.connect(config={"threads": 1})


def _parquet(path: str | Path) -> str:
    return "read_parquet('" + str(path).replace("'", "''") + "')"


@dataclass(frozen=True)
class Entity:
    """What features are about (Feast's ``Entity``): a name and the columns that identify it.

    Examples
    --------
    >>> Entity(name="airport", join_keys=["origin"]).join_keys
    ('origin',)
    """

    name: str
    join_keys: tuple[str, ...]

    def __post_init__(self) -> None:
        _check_name("Entity name", self.name)
        object.__setattr__(self, "join_keys", _names("join_keys", self.join_keys))


@dataclass(frozen=True)
class FileSource:
    """A parquet file of feature rows and the column that says when each row became true.

    Examples
    --------
    >>> FileSource(path="weather.parquet", timestamp_field="time_hour").timestamp_field
    'time_hour'
    """

    path: str | Path
    timestamp_field: str

    def __post_init__(self) -> None:
        if not isinstance(self.path, (str, Path)) or not str(self.path):
            raise TypeError(f"path must be a str or Path to a parquet file, got {self.path!r}.")
        _check_name("timestamp_field", self.timestamp_field)


@dataclass(frozen=True)
class FeatureView:
    """Features of one source, keyed by entities, each value valid for ``ttl`` after its timestamp.

    ``schema`` lists the feature columns (Feast's ``schema=[Field(...)]``
    without the types, which parquet already carries).

    Examples
    --------
    >>> view = FeatureView(name="origin_weather", entities=[Entity("airport", ["origin"])],
    ...                    ttl=timedelta(hours=3), schema=["temp"],
    ...                    source=FileSource("weather.parquet", "time_hour"))
    >>> view.join_keys
    ('origin',)
    """

    name: str
    entities: tuple[Entity, ...]
    ttl: timedelta
    schema: tuple[str, ...]
    source: FileSource

    def __post_init__(self) -> None:
        _check_name("FeatureView name", self.name)
        entities = self.entities
        if isinstance(entities, Entity):
            entities = (entities,)
        if not isinstance(entities, (list, tuple)) or not entities or not all(
                isinstance(e, Entity) for e in entities):
            raise TypeError(f"entities must be a non-empty list of Entity objects, got {entities!r}.")
        object.__setattr__(self, "entities", tuple(entities))
        if not isinstance(self.ttl, timedelta) or self.ttl <= timedelta(0):
            raise ValueError(f"ttl must be a positive datetime.timedelta, got {self.ttl!r}.")
        object.__setattr__(self, "schema", _names("schema", self.schema))
        if not isinstance(self.source, FileSource):
            raise TypeError(f"source must be a FileSource, got {type(self.source).__name__}.")
        clash = set(self.schema) & {*self.join_keys, self.source.timestamp_field}
        if clash:
            raise ValueError(f"features {sorted(clash)} are also join keys or the timestamp field.")

    @property
    def join_keys(self) -> tuple[str, ...]:
        """The join keys of all the view's entities, in order."""
        return tuple(k for e in self.entities for k in e.join_keys)


def _check_frame(label: str, df: object, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{label} must be a pandas DataFrame, got {type(df).__name__}.")
    if df.empty:
        raise ValueError(f"{label} is empty; pass at least one row.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{label} lacks the column(s) {missing}; it has {list(df.columns)}.")
    return df


def _check_timestamps(label: str, values: pd.Series) -> None:
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        raise TypeError(
            f"{label} must be a tz-naive datetime64 column, got dtype {values.dtype}; "
            "convert it with pd.to_datetime (and .dt.tz_localize(None) for tz-aware times)."
        )
    if values.isna().any():
        raise ValueError(f"{label} has {int(values.isna().sum())} missing timestamp(s); drop or fill them.")


def _check_time(label: str, value: object) -> pd.Timestamp:
    if not isinstance(value, (datetime, pd.Timestamp)) or pd.isna(value) or pd.Timestamp(value).tz is not None:
        raise TypeError(f"{label} must be a tz-naive datetime or pandas Timestamp, got {value!r}.")
    return pd.Timestamp(value)


class FeatureStore:
    """Feature views over parquet files, served offline by DuckDB and online by SQLite.

    Parameters
    ----------
    repo_path : str or Path
        An existing folder; the online store is the SQLite file ``online_store.db`` in it.

    Examples
    --------
    >>> import tempfile
    >>> repo = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"origin": ["JFK", "JFK"], "time_hour": pd.to_datetime(["2013-01-01 05:00",
    ...               "2013-01-01 06:00"]), "temp": [30.0, 31.0]}).to_parquet(repo / "w.parquet")
    >>> view = FeatureView("weather", [Entity("airport", ["origin"])], timedelta(hours=3),
    ...                    ["temp"], FileSource(repo / "w.parquet", "time_hour"))
    >>> store = FeatureStore(repo)
    >>> store.apply([view])
    >>> rows = pd.DataFrame({"origin": ["JFK", "JFK"],
    ...                      "event_timestamp": pd.to_datetime(["2013-01-01 05:30", "2013-01-01 04:00"])})
    >>> store.get_historical_features(rows, ["weather:temp"])["temp"].tolist()
    [30.0, nan]
    >>> store.materialize(pd.Timestamp("2013-01-01"), pd.Timestamp("2013-01-02"))
    {'weather': 1}
    >>> store.get_online_features(["weather:temp"], [{"origin": "JFK"}])["temp"].tolist()
    [31.0]
    """

    def __init__(self, repo_path: str | Path) -> None:
        if not isinstance(repo_path, (str, Path)) or not Path(repo_path).is_dir():
            raise ValueError(f"repo_path must be an existing folder, got {repo_path!r}.")
        self.repo_path = Path(repo_path)
        self.online_path = self.repo_path / "online_store.db"
        self._views: dict[str, FeatureView] = {}

    def apply(self, objects: list[FeatureView]) -> None:
        """Register feature views (Feast's ``feast apply``), checking each source's columns."""
        if not isinstance(objects, (list, tuple)) or not all(isinstance(o, FeatureView) for o in objects):
            raise TypeError("apply takes a list of FeatureView objects.")
        for view in objects:
            path = Path(view.source.path)
            if not path.is_file():
                raise FileNotFoundError(f"the source of view {view.name!r}, {path}, does not exist.")
            with _connect() as con:
                types = {r[0]: r[1] for r in con.sql(f"DESCRIBE SELECT * FROM {_parquet(path)}").fetchall()}
            wanted = (*view.join_keys, view.source.timestamp_field, *view.schema)
            missing = [c for c in wanted if c not in types]
            if missing:
                raise ValueError(f"source {path.name} of view {view.name!r} lacks columns {missing}.")
            if not types[view.source.timestamp_field].startswith("TIMESTAMP"):
                raise TypeError(f"timestamp_field {view.source.timestamp_field!r} of {path.name} is "
                                f"{types[view.source.timestamp_field]}, not a timestamp.")
            self._views[view.name] = view

    def _resolve(self, features: object) -> dict[str, list[str]]:
        """Map feature references ``"view:feature"`` to {view name: [features]}."""
        if isinstance(features, str) or not isinstance(features, (list, tuple)) or not features:
            raise TypeError(f"features must be a non-empty list of 'view:feature' strings, got {features!r}.")
        wanted: dict[str, list[str]] = {}
        for ref in features:
            view_name, _, feature = str(ref).partition(":")
            if view_name not in self._views:
                raise ValueError(f"unknown feature view in {ref!r}; applied views: {sorted(self._views)}.")
            if feature not in self._views[view_name].schema:
                raise ValueError(f"unknown feature in {ref!r}; view {view_name!r} has "
                                 f"{list(self._views[view_name].schema)}.")
            wanted.setdefault(view_name, []).append(feature)
        names = [f for fs in wanted.values() for f in fs]
        if len(set(names)) < len(names):
            raise ValueError(f"features {names} repeat a name; request each feature once.")
        return wanted

    def get_historical_features(
        self, entity_df: pd.DataFrame, features: list[str], *, timestamp_col: str = "event_timestamp"
    ) -> pd.DataFrame:
        """Point-in-time join: for each row, the latest feature values at or before its timestamp.

        A value older than the view's ``ttl`` counts as missing. Every row of
        ``entity_df`` comes back once, in order, even rows with no value (NaN)
        and rows that share a key and a timestamp.

        Parameters
        ----------
        entity_df : DataFrame
            The join keys of every requested view and ``timestamp_col``
            (tz-naive datetime64, no missing values), plus any other columns.
        features : list of str
            Feature references ``"view:feature"``.
        timestamp_col : str, default "event_timestamp"

        Returns
        -------
        DataFrame
            ``entity_df`` with one column per requested feature.
        """
        wanted = self._resolve(features)
        keys = tuple(dict.fromkeys(k for v in wanted for k in self._views[v].join_keys))
        _check_frame("entity_df", entity_df, (*keys, timestamp_col))
        _check_timestamps(f"entity_df[{timestamp_col!r}]", entity_df[timestamp_col])
        clash = set(f for fs in wanted.values() for f in fs) & set(entity_df.columns)
        if clash:
            raise ValueError(f"entity_df already has columns named like the features {sorted(clash)}.")
        left = entity_df[[*keys, timestamp_col]].reset_index(drop=True)
        left = left.astype({k: str for k in keys if isinstance(left[k].dtype, pd.CategoricalDtype)})
        out = entity_df.copy()
        with _connect() as con:
            con.register("entity_df", left.assign(row_id=np.arange(len(left))))
            for view_name, names in wanted.items():
                view = self._views[view_name]
                ts, ttl_us = _quote(view.source.timestamp_field), view.ttl // timedelta(microseconds=1)
                on = " AND ".join(f"e.{_quote(k)} = f.{_quote(k)}" for k in view.join_keys)
                cols = ", ".join(f"CASE WHEN f.{ts} >= e.{_quote(timestamp_col)} - to_microseconds({ttl_us}) "
                                 f"THEN f.{_quote(n)} END AS {_quote(n)}" for n in names)
                joined = con.sql(
                    f"SELECT e.row_id, {cols} FROM entity_df e ASOF LEFT JOIN "
                    f"{_parquet(view.source.path)} f "
                    f"ON {on} AND e.{_quote(timestamp_col)} >= f.{ts} ORDER BY e.row_id"
                ).df()
                for name in names:
                    out[name] = joined[name].to_numpy()
        return out

    def materialize(self, start_date: datetime, end_date: datetime) -> dict[str, int]:
        """Load each entity's latest values with timestamps in [start_date, end_date] into SQLite.

        Returns the number of entity keys written per view. A key keeps its
        newer stored value if the window holds only older rows.
        """
        start, end = _check_time("start_date", start_date), _check_time("end_date", end_date)
        if start > end:
            raise ValueError(f"start_date {start} is after end_date {end}.")
        if not self._views:
            raise ValueError("no feature views are applied; call apply([...]) first.")
        written = {}
        with _connect() as con, sqlite3.connect(self.online_path) as online:
            for view in self._views.values():
                keys, ts = ", ".join(map(_quote, view.join_keys)), _quote(view.source.timestamp_field)
                columns = [*view.join_keys, view.source.timestamp_field, *view.schema]
                rows = con.execute(
                    f"SELECT {', '.join(map(_quote, columns))} FROM {_parquet(view.source.path)} "
                    f"WHERE {ts} BETWEEN ? AND ? QUALIFY row_number() OVER "
                    f"(PARTITION BY {keys} ORDER BY {ts} DESC) = 1", [start.to_pydatetime(), end.to_pydatetime()]
                ).fetchall()
                online.execute(f"CREATE TABLE IF NOT EXISTS {view.name} ({', '.join(map(_quote, columns))}, "
                               f"PRIMARY KEY ({keys}))")
                updates = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in columns[len(view.join_keys):])
                online.executemany(
                    f"INSERT INTO {view.name} VALUES ({', '.join('?' * len(columns))}) "
                    f"ON CONFLICT ({keys}) DO UPDATE SET {updates} WHERE excluded.{ts} >= {view.name}.{ts}",
                    [(*r[:len(view.join_keys)], r[len(view.join_keys)].isoformat(),
                      *r[len(view.join_keys) + 1:]) for r in rows])
                written[view.name] = len(rows)
        return written

    def get_online_features(self, features: list[str], entity_rows: list[dict]) -> pd.DataFrame:
        """The materialized (latest) feature values for each entity row; NaN where none is stored.

        Parameters
        ----------
        features : list of str
            Feature references ``"view:feature"``.
        entity_rows : list of dict
            One dict of join-key values per row, e.g. ``[{"origin": "JFK"}]``.

        Returns
        -------
        DataFrame
            The join keys and one column per feature, one row per entity row.
        """
        wanted = self._resolve(features)
        if not isinstance(entity_rows, (list, tuple)) or not entity_rows or not all(
                isinstance(r, dict) for r in entity_rows):
            raise TypeError("entity_rows must be a non-empty list of dicts of join-key values.")
        out = pd.DataFrame(entity_rows)
        with sqlite3.connect(self.online_path) as online:
            for view_name, names in wanted.items():
                view = self._views[view_name]
                _check_frame("entity_rows", out, view.join_keys)
                where = " AND ".join(f"{_quote(k)} = ?" for k in view.join_keys)
                found = online.execute("SELECT name FROM sqlite_master WHERE name = ?", [view.name]).fetchone()
                values = []
                for row in out[list(view.join_keys)].itertuples(index=False):
                    hit = found and online.execute(
                        f"SELECT {', '.join(map(_quote, names))} FROM {view.name} WHERE {where}",
                        [getattr(v, "item", lambda v=v: v)() for v in row]).fetchone()
                    values.append(hit or (None,) * len(names))
                out[names] = pd.DataFrame(values, columns=names, dtype=float).to_numpy()
        return out


def skew_report(
    offline_df: pd.DataFrame, online_df: pd.DataFrame, *, keys: list[str], rtol: float = 1e-9
) -> pd.DataFrame:
    """Training–serving skew: compare the features both frames share, row by row on ``keys``.

    Two values agree when ``|offline - online| <= rtol * |offline|`` or both
    are missing; a value missing on one side only is a mismatch.

    Parameters
    ----------
    offline_df, online_df : DataFrame
        The features as training saw them and as serving sees them, each with
        the ``keys`` columns (unique per row) and numeric feature columns.
    keys : list of str
        Columns that pair the rows.
    rtol : float, default 1e-9
        Relative tolerance (non-negative).

    Returns
    -------
    DataFrame
        One row per shared feature: ``n_compared``, ``n_mismatched``,
        ``max_abs_diff`` and ``skewed`` (any mismatch), sorted by feature name.

    Examples
    --------
    >>> off = pd.DataFrame({"k": [1, 2], "wind": [10.0, 20.0], "temp": [3.0, 4.0]})
    >>> on = off.assign(wind=off["wind"] * 0.447)
    >>> skew_report(off, on, keys=["k"])[["n_mismatched", "skewed"]]
          n_mismatched  skewed
    temp             0   False
    wind             2    True
    """
    keys = list(_names("keys", keys))
    for label, df in [("offline_df", offline_df), ("online_df", online_df)]:
        _check_frame(label, df, tuple(keys))
        if df.duplicated(keys).any():
            raise ValueError(f"{label} repeats key values in {keys}; each key must pair one row.")
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not rtol >= 0:
        raise ValueError(f"rtol must be a non-negative number, got {rtol!r}.")
    shared = sorted((set(offline_df.columns) & set(online_df.columns)) - set(keys))
    if not shared:
        raise ValueError("offline_df and online_df share no feature columns besides the keys.")
    both = offline_df[keys + shared].merge(online_df[keys + shared], on=keys, suffixes=("_off", "_on"))
    if both.empty:
        raise ValueError(f"no key in {keys} appears in both frames; nothing to compare.")
    rows = {}
    for name in shared:
        off, on = (pd.to_numeric(both[f"{name}_{s}"], errors="raise").to_numpy(float) for s in ("off", "on"))
        diff = np.abs(off - on)
        agree = (diff <= rtol * np.abs(off)) | (np.isnan(off) & np.isnan(on))
        rows[name] = {"n_compared": len(both), "n_mismatched": int((~agree).sum()),
                      "max_abs_diff": float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0}
    report = pd.DataFrame.from_dict(rows, orient="index")
    report["skewed"] = report["n_mismatched"] > 0
    return report


@dataclass(frozen=True)
class FeastResult:
    """What Feast returned through :func:`feast_features`.

    Attributes
    ----------
    historical : DataFrame
        ``get_historical_features(...).to_df()`` as Feast returns it: its rows
        in its order (times tz-naive UTC), with every column of ``entity_df``.
        The file offline store keeps one row per (join keys, timestamp) and
        drops a row whose key has values but none within the TTL.
    per_view : DataFrame
        Every row of ``entity_df`` once, in order: one Feast query per view on
        its unique (join key, timestamp) pairs, joined back; NaN where Feast
        found no value.
    online : DataFrame
        ``get_online_features(...).to_df()`` after materializing at each
        moment, stacked, with a ``materialized_at`` column (empty without moments).
    repo_source : str
        The Python file of the Feast feature repository that Feast applied.
    registry : DataFrame
        The feature views as Feast's registry holds them after ``apply``, one
        row per view (by name): ``join_keys``, ``ttl``, ``features`` and
        ``timestamp_field`` as text; :func:`describe_views` gives the same
        table for this module's views.
    feast_version : str
    """

    historical: pd.DataFrame
    per_view: pd.DataFrame
    online: pd.DataFrame
    repo_source: str
    registry: pd.DataFrame
    feast_version: str


def _feast_python(python: str | Path | None) -> Path:
    chosen = Path(python or os.environ.get("LABUTILS_FEAST_PYTHON") or FEAST_PYTHON)
    if not chosen.is_file():
        raise FileNotFoundError(
            f"Feast's own venv is missing: no Python at {chosen}. Feast needs pandas < 3, so it lives in a "
            f"separate venv; build it with `{FEAST_ENV_COMMAND}` in the repository (it installs "
            ".ci/requirements-feast.txt into .venv-feast), or pass python= a Python that has feast.")
    return chosen


def _feast_spec(views: list[FeatureView], features: list[str], moments: list[pd.Timestamp]) -> dict:
    entities, spec_views = {}, []
    for view in views:
        arrow = pq.read_schema(view.source.path)
        types = {}
        for name in (*view.join_keys, *view.schema):
            types[name] = _ARROW_TYPES.get(str(arrow.field(name).type))
            if types[name] is None:
                raise TypeError(f"column {name!r} of view {view.name!r} has parquet type {arrow.field(name).type}; "
                                f"Feast's bridge takes {sorted(set(_ARROW_TYPES.values()))}.")
        for entity in view.entities:
            if len(entity.join_keys) != 1:
                raise ValueError(f"entity {entity.name!r} has join keys {list(entity.join_keys)}; a Feast entity "
                                 "has one join key, so declare one entity per key.")
            entities[entity.name] = {"name": entity.name, "join_key": entity.join_keys[0],
                                     "dtype": types[entity.join_keys[0]]}
        spec_views.append({"name": view.name, "entities": [e.name for e in view.entities],
                           "ttl_seconds": int(view.ttl.total_seconds()),
                           "schema": {n: types[n] for n in view.schema},
                           "source": f"{view.name}.parquet", "timestamp_field": view.source.timestamp_field})
    return {"entities": list(entities.values()), "views": spec_views, "features": list(features),
            "moments": [m.isoformat() for m in moments]}


def feast_features(
    views: list[FeatureView],
    entity_df: pd.DataFrame,
    features: list[str],
    *,
    moments: list[datetime] = (),
    entity_rows: list[dict] | None = None,
    timestamp_col: str = "event_timestamp",
    python: str | Path | None = None,
    timeout: float = 600,
) -> FeastResult:
    """Run real Feast on this module's feature views, in Feast's own venv, and return its frames.

    Feast needs pandas < 3, so it never enters this process: a subprocess
    (``.venv-feast/bin/python labutils/_feast_bridge.py``) writes a Feast
    feature repository (file offline store, SQLite online store, no usage
    telemetry) with one ``Entity``, ``FileSource`` and ``FeatureView`` per
    object here, runs ``apply`` and ``get_historical_features`` on
    ``entity_df``, then, for each serving moment ``t``, materializes each view
    on ``[t - ttl, t]`` and reads ``entity_rows`` online. Data travel as parquet.

    Parameters
    ----------
    views : list of FeatureView
        Views over parquet files (timestamps tz-naive, read as UTC); their
        columns are checked as :meth:`FeatureStore.apply` does.
    entity_df : DataFrame
        The join keys and ``timestamp_col``, plus any other columns (a row
        id is useful: Feast returns its rows in its own order).
    features : list of str
        Feature references ``"view:feature"``.
    moments : list of datetime, optional
        Serving moments, ascending, tz-naive; materialization accumulates
        over them in one online store, as a scheduled job would.
    entity_rows : list of dict, optional
        Join-key values to read online at each moment; required with ``moments``.
    timestamp_col : str, default "event_timestamp"
    python : str or Path, optional
        The Feast venv's Python; default :data:`FEAST_PYTHON` (or the
        ``LABUTILS_FEAST_PYTHON`` environment variable).
    timeout : float, default 600
        Seconds before the subprocess is stopped.

    Returns
    -------
    FeastResult

    Raises
    ------
    FileNotFoundError
        If the Feast venv is missing; the message names ``make feast-env``.
    RuntimeError
        If Feast fails (its error is in the message) or returns no rows.

    Examples
    --------
    >>> import tempfile
    >>> repo = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"origin": ["JFK", "JFK"], "time_hour": pd.to_datetime(["2013-01-01 05:00",
    ...               "2013-01-01 06:00"]), "temp": [30.0, 31.0]}).to_parquet(repo / "w.parquet")
    >>> view = FeatureView("weather", [Entity("airport", ["origin"])], timedelta(hours=3),
    ...                    ["temp"], FileSource(repo / "w.parquet", "time_hour"))
    >>> rows = pd.DataFrame({"origin": ["JFK"], "event_timestamp": pd.to_datetime(["2013-01-01 05:30"])})
    >>> out = feast_features([view], rows, ["weather:temp"], moments=[pd.Timestamp("2013-01-01 07:00")],
    ...                      entity_rows=[{"origin": "JFK"}])
    >>> out.historical["temp"].tolist(), out.online["temp"].tolist()
    ([30.0], [31.0])
    """
    if not isinstance(views, (list, tuple)) or not views or not all(isinstance(v, FeatureView) for v in views):
        raise TypeError("views must be a non-empty list of labutils.featurestore.FeatureView objects.")
    _check_name("timestamp_col", timestamp_col)
    if isinstance(moments, (str, datetime)) or not isinstance(moments, (list, tuple)):
        raise TypeError(f"moments must be a list of tz-naive datetimes, got {moments!r}.")
    times = [_check_time("each moment", m) for m in moments]
    if any(b <= a for a, b in zip(times, times[1:])):
        raise ValueError(f"moments must be strictly ascending, got {[str(t) for t in times]}.")
    if bool(times) != (entity_rows is not None):
        raise ValueError("pass entity_rows together with moments (what to read online at each moment), or neither.")
    with tempfile.TemporaryDirectory(prefix="feast_bridge_") as tmp:
        work = Path(tmp)
        check = FeatureStore(work)
        check.apply(list(views))
        wanted = check._resolve(features)
        used = [check._views[name] for name in wanted]
        keys = tuple(dict.fromkeys(k for v in used for k in v.join_keys))
        _check_frame("entity_df", entity_df, (*keys, timestamp_col))
        _check_timestamps(f"entity_df[{timestamp_col!r}]", entity_df[timestamp_col])
        if timestamp_col != "event_timestamp" and "event_timestamp" in entity_df.columns:
            raise ValueError("entity_df has a column 'event_timestamp' besides timestamp_col; rename one of them.")
        if entity_rows is not None:
            if not isinstance(entity_rows, (list, tuple)) or not entity_rows or not all(
                    isinstance(r, dict) for r in entity_rows):
                raise TypeError("entity_rows must be a non-empty list of dicts of join-key values.")
            _check_frame("entity_rows", pd.DataFrame(list(entity_rows)), keys)
        categorical = {k: str for k in keys if isinstance(entity_df[k].dtype, pd.CategoricalDtype)}
        (entity_df.astype(categorical).rename(columns={timestamp_col: "event_timestamp"})
         .to_parquet(work / "entity_df.parquet", index=False))
        pd.DataFrame(list(entity_rows or [dict.fromkeys(keys, "")])).to_parquet(work / "entity_rows.parquet",
                                                                                  index=False)
        spec = _feast_spec(used, features, times)
        for view in used:
            shutil.copyfile(view.source.path, work / f"{view.name}.parquet")
        (work / "spec.json").write_text(json.dumps(spec))
        env = {**os.environ, "FEAST_USAGE": "False", "PYTHONWARNINGS": "ignore"}
        done = subprocess.run([str(_feast_python(python)), str(_BRIDGE), str(work)], capture_output=True,
                              text=True, timeout=timeout, env=env, cwd=work)
        if done.returncode != 0:
            log = (work / "feast.log").read_text()[-2000:] if (work / "feast.log").is_file() else ""
            raise RuntimeError(f"Feast failed (exit {done.returncode}):\n{done.stderr[-4000:]}"
                               + (f"\nFeast's log ends with:\n{log}" if log else ""))
        result = json.loads((work / "result.json").read_text())
        historical = pd.read_parquet(work / "historical.parquet")
        kept = pd.read_parquet(work / "per_view.parquet")
        online = pd.read_parquet(work / "online.parquet") if times else pd.DataFrame()
    if historical.empty:
        raise RuntimeError("Feast's get_historical_features returned no rows. Its file offline store drops a row "
                           "whose key has values but none within the TTL, and keeps one row per key and timestamp: "
                           "check that entity_df's keys and times overlap the sources.")
    if times and online.empty:
        raise RuntimeError("Feast's get_online_features returned no rows for entity_rows.")
    if len(kept) != len(entity_df):
        raise RuntimeError(f"Feast's per-view answer has {len(kept)} rows for {len(entity_df)} entity rows.")
    names = {"event_timestamp": timestamp_col}
    registry = pd.DataFrame(result["registry"]).set_index("name")
    return FeastResult(historical.rename(columns=names), kept.rename(columns=names).set_index(entity_df.index),
                       online, result["repo_source"], registry, result["feast_version"])


def describe_views(views: list[FeatureView]) -> pd.DataFrame:
    """The feature views as text, one row per view: the table :attr:`FeastResult.registry` holds for Feast's.

    Examples
    --------
    >>> view = FeatureView("weather", [Entity("airport", ["origin"])], timedelta(hours=3),
    ...                    ["temp", "visib"], FileSource("w.parquet", "time_hour"))
    >>> describe_views([view]).loc["weather"].tolist()
    ['origin', '3:00:00', 'temp, visib', 'time_hour']
    """
    if not isinstance(views, (list, tuple)) or not views or not all(isinstance(v, FeatureView) for v in views):
        raise TypeError("views must be a non-empty list of FeatureView objects.")
    rows = [{"name": v.name, "join_keys": ", ".join(v.join_keys), "ttl": str(v.ttl),
             "features": ", ".join(v.schema), "timestamp_field": v.source.timestamp_field}
            for v in sorted(views, key=lambda v: v.name)]
    return pd.DataFrame(rows).set_index("name")
