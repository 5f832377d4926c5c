"""Data contracts for the flights data, fault injection with known truth, and a quality gate.

:func:`flights_schema` writes the contract of :func:`labutils.datasets.load_flights`
as a pandera schema; :func:`validate_batch` runs it lazily and returns every
failure as a tidy table; :func:`inject_faults` breaks a clean batch in known
ways and records exactly which rows it touched; :func:`fault_recall` scores the
report against that record.

Introduced in the chapter "Data validation and contracts" (``chapters/validation.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

try:
    import pandera.pandas as pa
except ImportError as exc:  # pragma: no cover - pandera is pinned in requirements.txt
    raise ImportError(
        "labutils.validation needs pandera; run `pip install 'pandera[pandas]==0.35.0'` "
        "(it is pinned in requirements.txt)."
    ) from exc

__all__ = [
    "FAULTS",
    "FLIGHTS_CARRIERS",
    "FLIGHTS_KEY",
    "FLIGHTS_NULL_RATES",
    "REPORT_COLUMNS",
    "fault_recall",
    "flights_schema",
    "inject_faults",
    "validate_batch",
]

#: The natural key of a flight: one row per scheduled departure, carrier, number and airport.
FLIGHTS_KEY = ("sched_dep", "carrier", "flight", "origin")
#: The 16 carriers that flew from New York in 2013.
FLIGHTS_CARRIERS = ("9E", "AA", "AS", "B6", "DL", "EV", "F9", "FL", "HA", "MQ", "OO", "UA",
                    "US", "VX", "WN", "YV")  # fmt: skip
#: Largest share of missing values the contract allows per nullable column in one batch.
#: Set above the worst weekly rate of 2013 except for the week the weather record stops;
#: a gust is only reported when it is gusty, so ``wind_gust`` has no ceiling.
FLIGHTS_NULL_RATES = {
    "tailnum": 0.01, "temp": 0.05, "dewp": 0.05, "humid": 0.05, "wind_dir": 0.10,
    "wind_speed": 0.05, "wind_gust": 1.0, "precip": 0.05, "pressure": 0.35, "visib": 0.05,
    "plane_year": 0.25, "plane_seats": 0.25, "plane_engines": 0.25,
}  # fmt: skip
#: The faults :func:`inject_faults` knows, each with the column it breaks.
FAULTS = {
    "nulls": "dep_time",
    "minutes_to_hours": "air_time",
    "new_category": "carrier",
    "duplicate_rows": "(row)",
    "shifted_timestamps": "sched_dep",
}
#: Columns of the report that :func:`validate_batch` returns.
REPORT_COLUMNS = ["check", "column", "row", "value"]

_NUMERIC = {  # column: (dtype, min, max)
    "month": (int, 1, 12), "day": (int, 1, 31), "weekday": ("int32", 0, 6), "hour": (int, 0, 23),
    "minute": (int, 0, 59), "sched_dep_time": (int, 0, 2359), "flight": (int, 1, 9999),
    "distance": (int, 10, 5000), "dep_time": (float, 1, 2400), "arr_time": (float, 1, 2400),
    "dep_delay": (float, -120, 1440), "arr_delay": (float, -120, 1440),
    "air_time": (float, 15, 800), "temp": (float, -20, 120), "dewp": (float, -40, 90),
    "humid": (float, 0, 100), "wind_dir": (float, 0, 360), "wind_speed": (float, 0, 100),
    "wind_gust": (float, 0, 150), "precip": (float, 0, 5), "pressure": (float, 950, 1070),
    "visib": (float, 0, 10), "plane_year": (float, 1950, 2014), "plane_seats": (float, 1, 600),
    "plane_engines": (float, 1, 4),
}  # fmt: skip


def _minutes(hhmm: pd.Series) -> pd.Series:
    """Clock time written as HHMM (e.g. 1755.0) to minutes after midnight."""
    return (hhmm // 100) * 60 + hhmm % 100


def _missing(df: pd.DataFrame, *cols: str) -> pd.Series:
    """Rows where an input is missing: that is the null checks' job, not a cross-check's."""
    return df[list(cols)].isna().any(axis=1)


def _cross_checks() -> list[pa.Check]:
    def parts(df):
        t = df["sched_dep"]
        return ((t.dt.month == df["month"]) & (t.dt.day == df["day"]) & (t.dt.hour == df["hour"])
                & (t.dt.minute == df["minute"]) & (t.dt.day_of_week == df["weekday"])
                & (df["sched_dep_time"] == df["hour"] * 100 + df["minute"]))

    def delay(df):
        gap = _minutes(df["dep_time"]) - _minutes(df["sched_dep_time"]) - df["dep_delay"]
        return (gap % 1440 == 0) | _missing(df, "dep_time", "dep_delay")

    def overnight(df):
        # Crossing midnight needs the departure plus the time in the air to come within
        # 4 h of it: at most 1 h of time-zone gain (Atlantic) and 3 h of taxiing.
        reaches = _minutes(df["dep_time"]) + df["air_time"] >= 1440 - 240
        return ((df["arr_time"] > df["dep_time"]) | reaches
                | _missing(df, "dep_time", "arr_time", "air_time"))

    def speed(df):
        mph = df["distance"] / (df["air_time"] / 60)
        return mph.between(60, 750) | _missing(df, "distance", "air_time")

    def label(df):
        return (df["late"] == (df["arr_delay"] > 15)).fillna(True)

    return [
        pa.Check(parts, name="sched_dep_matches_parts"),
        pa.Check(delay, name="dep_delay_matches_times"),
        pa.Check(overnight, name="arr_after_dep_unless_overnight"),
        pa.Check(speed, name="speed_60_to_750_mph"),
        pa.Check(label, name="late_is_arr_delay_over_15"),
    ]


def _null_rate(limit: float) -> pa.Check:
    return pa.Check(lambda s: bool(s.isna().mean() <= limit), ignore_na=False,
                    name=f"null_rate<={limit:g}")


def flights_schema(
    *, carriers: Sequence[str] = FLIGHTS_CARRIERS, max_null_rates: Mapping[str, float] | None = None
) -> pa.DataFrameSchema:
    """The data contract of :func:`labutils.datasets.load_flights` as a pandera schema.

    The contract has five parts: dtypes; ranges (and HHMM clock times with
    minutes below 60); allowed categories (``carrier``, the three New York
    ``origin`` airports, three-letter ``dest`` codes, 2–6 character ``tailnum``); a unique
    key :data:`FLIGHTS_KEY`; null rates (columns outside
    :data:`FLIGHTS_NULL_RATES` may not be missing at all); and cross-column
    checks: ``sched_dep`` agrees with ``month``/``day``/``hour``/``minute``,
    ``dep_delay`` with the clock times, ``arr_time`` is after ``dep_time``
    unless the flight crossed midnight, the implied speed is 60–750 mph, and
    ``late`` is ``arr_delay > 15``.

    Parameters
    ----------
    carriers : sequence of str, default :data:`FLIGHTS_CARRIERS`
        The allowed carrier codes.
    max_null_rates : mapping of str to float, optional
        Overrides of :data:`FLIGHTS_NULL_RATES` (share of rows in ``[0, 1]``).

    Returns
    -------
    pandera.pandas.DataFrameSchema
        Validate with :func:`validate_batch` (lazy, tidy report).

    Examples
    --------
    >>> from labutils.datasets import load_flights
    >>> schema = flights_schema()
    >>> len(schema.columns), tuple(schema.unique)
    (31, ('sched_dep', 'carrier', 'flight', 'origin'))
    >>> validate_batch(load_flights(n=500, seed=0), schema).empty
    True
    """
    if isinstance(carriers, str) or not isinstance(carriers, Sequence) or not carriers:
        raise TypeError(f"carriers must be a non-empty list of carrier codes, got {carriers!r}.")
    if not all(isinstance(c, str) and c for c in carriers):
        raise TypeError(f"carriers must contain non-empty strings only, got {list(carriers)!r}.")
    rates = dict(FLIGHTS_NULL_RATES)
    if max_null_rates is not None:
        if not isinstance(max_null_rates, Mapping):
            raise TypeError(f"max_null_rates must be a dict of column: rate, got {max_null_rates!r}.")
        for col, rate in max_null_rates.items():
            if col not in rates:
                raise ValueError(f"max_null_rates names {col!r}, which is not a nullable column; "
                                 f"choose from {sorted(rates)}.")
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
                raise ValueError(f"max_null_rates[{col!r}] must be a share in [0, 1], got {rate!r}.")
        rates.update(max_null_rates)

    def column(dtype, *checks: pa.Check, name: str) -> pa.Column:
        nullable = name in rates
        extra = [_null_rate(rates[name])] if nullable else []
        return pa.Column(dtype, [*checks, *extra], nullable=nullable)

    clock = pa.Check(lambda s: s % 100 < 60, name="hhmm_minutes_below_60")
    cols = {"sched_dep": column(pa.DateTime, pa.Check.in_range(
        pd.Timestamp("2013-01-01"), pd.Timestamp("2014-01-01"), include_max=False), name="sched_dep")}
    for name, (dtype, low, high) in _NUMERIC.items():
        checks = [pa.Check.in_range(low, high)] + ([clock] if name in ("dep_time", "arr_time") else [])
        cols[name] = column(dtype, *checks, name=name)
    known = {"carrier": pa.Check.isin(list(carriers), error="known_carrier"),
             "origin": pa.Check.isin(["EWR", "JFK", "LGA"], error="nyc_airport"),
             "dest": pa.Check.str_matches(r"^[A-Z]{3}$", error="iata_code")}
    for name, check in known.items():
        cols[name] = column(pa.Category, check, name=name)
    tail = pa.Check.str_matches(r"^[A-Z][0-9A-Z]{1,5}$", error="tail_number")
    cols["tailnum"] = column(str, tail, name="tailnum")
    cols["late"] = column(pd.BooleanDtype(), name="late")
    return pa.DataFrameSchema(cols, checks=_cross_checks(), unique=list(FLIGHTS_KEY),
                              report_duplicates="exclude_first", name="flights")


def _check_frame(df: object) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}.")
    if df.empty:
        raise ValueError("df is empty; a batch needs at least one row to validate.")
    if not df.index.is_unique:
        raise ValueError("df has a duplicated index; call df.reset_index(drop=True) first.")
    return df


def validate_batch(df: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Validate a batch lazily and return every failure as a tidy table.

    Lazy validation runs every check instead of stopping at the first error.
    A check on a whole column (a dtype, a null rate, a missing column) gives one
    row with ``row`` missing; a check on rows gives one row per failing row.
    Checks across columns (the key, the cross-column checks) report
    ``column="(row)"``, once per failing row.

    Parameters
    ----------
    df : DataFrame
        The batch, with a unique index (``row`` holds its labels).
    schema : pandera.pandas.DataFrameSchema
        For flights, :func:`flights_schema`.

    Returns
    -------
    DataFrame
        Columns :data:`REPORT_COLUMNS`: ``check``, ``column``, ``row`` (index
        label or ``None``) and ``value`` (the failing value as text). Empty when
        the batch passes: the quality gate is ``report.empty``.

    Examples
    --------
    >>> import pandera.pandas as pa
    >>> schema = pa.DataFrameSchema({"x": pa.Column(int, pa.Check.ge(0))})
    >>> validate_batch(pd.DataFrame({"x": [3, -1, 2]}), schema).to_dict("records")
    [{'check': 'greater_than_or_equal_to(0)', 'column': 'x', 'row': 1, 'value': '-1'}]
    """
    _check_frame(df)
    if not isinstance(schema, pa.DataFrameSchema):
        raise TypeError(f"schema must be a pandera DataFrameSchema, got {type(schema).__name__}.")
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in REPORT_COLUMNS})
    whole_frame = (cases["schema_context"] == "DataFrameSchema") & cases["index"].notna()
    cases = cases.assign(column=cases["column"].where(~whole_frame, "(row)"),
                         failure_case=cases["failure_case"].where(~whole_frame, None))
    cases = cases.drop_duplicates(["check", "column", "index"])
    report = pd.DataFrame({
        "check": cases["check"].astype(object), "column": cases["column"].astype(object),
        "row": cases["index"].astype(object),
        "value": [None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                  for v in cases["failure_case"]],
    })
    return report.reset_index(drop=True)


def _fault_columns(df: pd.DataFrame, names: Sequence[str], columns: object) -> dict[str, str]:
    if columns is not None and not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a dict of fault: column, got {columns!r}.")
    for fault in columns or {}:
        if fault not in names:
            raise ValueError(f"columns names the fault {fault!r}, which is not injected; "
                             f"injected: {list(names)}.")
        if fault == "duplicate_rows":
            raise ValueError("duplicate_rows copies whole rows; it takes no column.")
    target = {f: {**FAULTS, **(columns or {})}[f] for f in names}
    missing = sorted(set(target.values()) - {"(row)"} - set(df.columns))
    if missing:
        raise ValueError(f"df lacks the column(s) {missing} that the faults break; "
                         "pass a batch from labutils.datasets.load_flights().")
    kinds = {"minutes_to_hours": ("float", pd.api.types.is_float_dtype),
             "shifted_timestamps": ("datetime", pd.api.types.is_datetime64_dtype)}
    for fault, (kind, is_kind) in kinds.items():
        if fault in target and not is_kind(df[target[fault]]):
            raise ValueError(f"{fault} needs a {kind} column; {target[fault]!r} is "
                             f"{df[target[fault]].dtype}.")
    return target


def inject_faults(
    df: pd.DataFrame,
    faults: Sequence[str] | None = None,
    *,
    rate: float = 0.01,
    columns: Mapping[str, str] | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Break a clean flights batch in known ways and record exactly what was touched.

    Each fault hits its own random ``rate`` share of the rows (at least one),
    disjoint from the other faults. By default (:data:`FAULTS`):

    * ``nulls``: ``dep_time`` is missing (a producer stops filling a field);
    * ``minutes_to_hours``: ``air_time`` is divided by 60 (a unit change);
    * ``new_category``: ``carrier`` becomes ``"ZZ"`` (a new airline);
    * ``duplicate_rows``: copies of clean rows are appended (a replayed load);
    * ``shifted_timestamps``: ``sched_dep`` moves 5 h later (UTC written as local time).

    Parameters
    ----------
    df : DataFrame
        A clean batch from :func:`labutils.datasets.load_flights`.
    faults : sequence of str, optional
        Names from :data:`FAULTS`; all of them by default.
    rate : float, default 0.01
        Share of rows each fault touches, in ``(0, 1]``; the faults together
        must fit in the batch.
    columns : mapping of str to str, optional
        Break another column than the default, e.g. ``{"minutes_to_hours": "arr_delay"}``.
        ``minutes_to_hours`` needs a float column, ``shifted_timestamps`` a
        datetime column; ``duplicate_rows`` has no column.
    seed : int, default 0

    Returns
    -------
    bad : DataFrame
        The faulty batch with a fresh ``RangeIndex``.
    truth : DataFrame
        One row per touched row: ``fault``, ``column`` and ``row`` (position in
        ``bad``).

    Examples
    --------
    >>> from labutils.datasets import load_flights
    >>> bad, truth = inject_faults(load_flights(n=1000, seed=0), ["nulls", "duplicate_rows"], seed=0)
    >>> len(bad), truth.groupby("fault").size().to_dict()
    (1010, {'duplicate_rows': 10, 'nulls': 10})
    """
    _check_frame(df)
    names = list(FAULTS) if faults is None else faults
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise TypeError(f"faults must be a non-empty list of fault names, got {faults!r}.")
    unknown = [f for f in names if f not in FAULTS]
    if unknown:
        raise ValueError(f"unknown fault(s) {unknown}; choose from {list(FAULTS)}.")
    if len(set(names)) != len(names):
        raise ValueError(f"faults lists a name twice: {list(names)}.")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= 1:
        raise ValueError(f"rate must be a share in (0, 1], got {rate!r}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r}.")
    target = _fault_columns(df, names, columns)
    k = max(1, round(rate * len(df)))
    if k * len(names) > len(df):
        raise ValueError(f"{len(names)} faults x {k} rows do not fit in {len(df)} rows; lower rate.")
    rng = np.random.default_rng(seed)
    bad = df.reset_index(drop=True)
    free = np.arange(len(bad))
    touched = {}
    for fault in names:
        rows = np.sort(rng.choice(free, size=k, replace=False))
        free = np.setdiff1d(free, rows)
        touched[fault] = rows
    for fault, rows in touched.items():
        col = target[fault]
        if fault == "nulls":
            bad.loc[rows, col] = np.nan
        elif fault == "minutes_to_hours":
            bad.loc[rows, col] = bad.loc[rows, col] / 60
        elif fault == "new_category":
            if isinstance(bad[col].dtype, pd.CategoricalDtype):
                bad[col] = bad[col].cat.add_categories(["ZZ"])
            bad.loc[rows, col] = "ZZ"
        elif fault == "shifted_timestamps":
            bad.loc[rows, col] = bad.loc[rows, col] + pd.Timedelta(hours=5)
    if "duplicate_rows" in touched:
        copies = bad.iloc[touched["duplicate_rows"]]
        touched["duplicate_rows"] = np.arange(len(bad), len(bad) + k)
        bad = pd.concat([bad, copies], ignore_index=True)
    truth = pd.DataFrame(
        [(f, target[f], int(r)) for f, rows in touched.items() for r in rows],
        columns=["fault", "column", "row"])
    return bad, truth


def fault_recall(report: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Score a validation report against the faults that were injected.

    Parameters
    ----------
    report : DataFrame
        From :func:`validate_batch`.
    truth : DataFrame
        From :func:`inject_faults`.

    Returns
    -------
    DataFrame
        One row per fault: ``injected`` rows, ``flagged`` (how many of them the
        report names, by any check), ``recall`` and ``checks`` (the checks that
        flagged them). A fault is caught when its recall is 1.

    Examples
    --------
    >>> truth = pd.DataFrame({"fault": ["nulls", "nulls"], "column": "x", "row": [3, 7]})
    >>> report = pd.DataFrame({"check": ["not_nullable"], "column": "x", "row": [3], "value": None})
    >>> fault_recall(report, truth).to_dict("index")
    {'nulls': {'injected': 2, 'flagged': 1, 'recall': 0.5, 'checks': 'not_nullable'}}
    """
    for label, frame, needed in (("report", report, REPORT_COLUMNS),
                                 ("truth", truth, ["fault", "column", "row"])):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{label} must be a DataFrame, got {type(frame).__name__}.")
        if not set(needed) <= set(frame.columns):
            raise ValueError(f"{label} needs the columns {needed}; got {list(frame.columns)}.")
    if truth.empty:
        raise ValueError("truth is empty; there is nothing to score.")
    hits = report.dropna(subset=["row"]).groupby("row")["check"].agg(lambda c: set(c))
    rows = []
    for fault, part in truth.groupby("fault", sort=False):
        found = hits.reindex(part["row"]).dropna()
        checks = sorted(set().union(*found)) if len(found) else []
        rows.append((fault, len(part), len(found), len(found) / len(part), ", ".join(checks)))
    return pd.DataFrame(rows, columns=["fault", "injected", "flagged", "recall", "checks"]).set_index("fault")
