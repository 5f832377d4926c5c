"""Data contracts for the flights data, fault injection with known truth, and a quality gate.

:func:`flights_schema` writes the contract of :func:`labutils.datasets.load_flights`
as a pandera schema; :func:`validate_batch` runs it lazily and returns every
failure as a tidy table; :func:`inject_faults` breaks a clean batch in known
ways and records exactly which rows it touched; :func:`fault_recall` scores the
report against that record. :func:`expectation_suite` writes the same contract
as a Great Expectations suite, and :func:`gx_validate_batch` runs it offline and
returns the same tidy report, so that both tools are scored alike.

Introduced in the chapter "Data validation and contracts" (``chapters/validation.md``).
"""

from __future__ import annotations

import math
import os
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
    "expectation_suite",
    "fault_recall",
    "flights_schema",
    "gx_validate_batch",
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


def _delay_gap(df: pd.DataFrame) -> pd.Series:
    """Departure clock minus scheduled clock minus ``dep_delay``, modulo a day (0 when they agree)."""
    return (_minutes(df["dep_time"]) - _minutes(df["sched_dep_time"]) - df["dep_delay"]) % 1440


def _reaches_midnight(df: pd.DataFrame) -> pd.Series:
    """Whether the departure plus the time in the air can cross midnight.

    Crossing midnight needs the departure plus the time in the air to come within
    4 h of it: at most 1 h of time-zone gain (Atlantic) and 3 h of taxiing.
    """
    return _minutes(df["dep_time"]) + df["air_time"] >= 1440 - 240


def _implied_mph(df: pd.DataFrame) -> pd.Series:
    return df["distance"] / (df["air_time"] / 60)


def _cross_checks() -> list[pa.Check]:
    def parts(df):
        t = df["sched_dep"]
        return ((t.dt.month == df["month"]) & (t.dt.day == df["day"]) & (t.dt.hour == df["hour"])
                & (t.dt.minute == df["minute"]) & (t.dt.day_of_week == df["weekday"])
                & (df["sched_dep_time"] == df["hour"] * 100 + df["minute"]))

    def delay(df):
        return (_delay_gap(df) == 0) | _missing(df, "dep_time", "dep_delay")

    def overnight(df):
        return ((df["arr_time"] > df["dep_time"]) | _reaches_midnight(df)
                | _missing(df, "dep_time", "arr_time", "air_time"))

    def speed(df):
        return _implied_mph(df).between(60, 750) | _missing(df, "distance", "air_time")

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


def _gx():
    """Import Great Expectations with its analytics switched off (the documented variable)."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"  # read by GX when a context starts
    try:
        import great_expectations as gx
        import great_expectations.expectations as gxe
    except ImportError as exc:  # pragma: no cover - pinned in requirements.txt
        raise ImportError(
            "this needs Great Expectations; run `pip install great_expectations==1.24.1` "
            "(it is pinned in requirements.txt)."
        ) from exc
    return gx, gxe


#: The scalar type Great Expectations compares with each pandera dtype (the dtype's ``.type``).
_GX_TYPES = {"DateTime": "datetime64", "Category": "CategoricalDtypeType", "STRING": "str",
             "BOOL": "bool"}  # fmt: skip


def _relation_columns(df: pd.DataFrame) -> pd.DataFrame:
    """The derived columns that the suite's cross-column expectations read.

    Great Expectations has no row-wise arithmetic for pandas batches, so each
    relation of :func:`flights_schema` becomes a column (the implied speed, the
    delay's gap, ...) that an ordinary expectation bounds. A derived value is
    missing where one of its inputs is, as the pandera checks skip such rows.
    """
    def known(*cols):
        return df[list(cols)].notna().all(axis=1)

    derive = {
        **{f"sched_dep.{part}": lambda part=part: getattr(df["sched_dep"].dt, part)
           for part in ("month", "day", "hour", "minute", "day_of_week")},
        "hour*100+minute": lambda: df["hour"] * 100 + df["minute"],
        "dep_delay_gap": lambda: _delay_gap(df),
        "arr_after_dep_or_overnight": lambda: (
            (df["arr_time"] > df["dep_time"]) | _reaches_midnight(df)
        ).astype("boolean").mask(~known("dep_time", "arr_time", "air_time")),
        "implied_mph": lambda: _implied_mph(df),
        "arr_delay>15": lambda: (df["arr_delay"] > 15).astype("boolean").mask(df["arr_delay"].isna()),
        "dep_time%100": lambda: df["dep_time"] % 100,
        "arr_time%100": lambda: df["arr_time"] % 100,
    }
    columns = {}
    for name, compute in derive.items():
        try:
            columns[name] = compute()
        except KeyError:  # an input is missing: the suite's column checks report it
            continue
    return pd.DataFrame(columns, index=df.index)


def _gx_relations(gxe) -> dict[str, list]:
    def pair(a, b):
        return gxe.ExpectColumnPairValuesToBeEqual(column_A=a, column_B=b,
                                                   ignore_row_if="either_value_is_missing")

    parts = [pair(c, f"sched_dep.{p}") for c, p in
             [("month", "month"), ("day", "day"), ("hour", "hour"), ("minute", "minute"),
              ("weekday", "day_of_week")]]  # fmt: skip
    return {
        "sched_dep_matches_parts": [*parts, pair("sched_dep_time", "hour*100+minute")],
        "dep_delay_matches_times": [
            gxe.ExpectColumnValuesToBeInSet(column="dep_delay_gap", value_set=[0])],
        "arr_after_dep_unless_overnight": [
            gxe.ExpectColumnValuesToBeInSet(column="arr_after_dep_or_overnight", value_set=[True])],
        "speed_60_to_750_mph": [
            gxe.ExpectColumnValuesToBeBetween(column="implied_mph", min_value=60, max_value=750)],
        "late_is_arr_delay_over_15": [pair("late", "arr_delay>15")],
    }


def expectation_suite(schema: pa.DataFrameSchema, *, name: str = "flights"):
    """The pandera contract of :func:`flights_schema` as a Great Expectations suite.

    Each part of the schema becomes built-in expectations: a column exists and
    has its dtype; a non-nullable column has no missing value; a null-rate
    ceiling becomes ``expect_column_values_to_not_be_null`` with ``mostly``
    (one minus the ceiling); ``in_range``, ``isin`` and ``str_matches`` become
    ``..._to_be_between``, ``..._to_be_in_set`` and ``..._to_match_regex``; the
    key becomes ``expect_compound_columns_to_be_unique``. The HHMM check and the
    five cross-column checks read derived columns that :func:`gx_validate_batch`
    adds to the batch (the implied speed, the delay's gap, the parts of
    ``sched_dep``). Every expectation's ``meta`` names the pandera check it
    stands for, so both tools' reports use the same check names.

    Parameters
    ----------
    schema : pandera.pandas.DataFrameSchema
        :func:`flights_schema`, possibly with other carriers or null rates.
    name : str, default "flights"
        The suite's name.

    Returns
    -------
    great_expectations.ExpectationSuite
        Not attached to any data context; run it with :func:`gx_validate_batch`.

    Raises
    ------
    ValueError
        If the schema holds a check that has no translation.

    Examples
    --------
    >>> suite = expectation_suite(flights_schema())
    >>> len(suite.expectations), suite.expectations[0].meta
    (135, {'check': 'column_in_dataframe', 'column': 'sched_dep'})
    """
    if not isinstance(schema, pa.DataFrameSchema):
        raise TypeError(f"schema must be a pandera DataFrameSchema, got {type(schema).__name__}.")
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}.")
    gx, gxe = _gx()
    expectations = []

    def add(expectation, check, column):
        expectation.meta = {"check": check, "column": column}
        expectations.append(expectation)

    for column, col in schema.columns.items():
        add(gxe.ExpectColumnToExist(column=column), "column_in_dataframe", column)
        type_ = _GX_TYPES.get(type(col.dtype).__name__, str(col.dtype))
        add(gxe.ExpectColumnValuesToBeOfType(column=column, type_=type_), f"dtype('{col.dtype}')",
            column)
        if not col.nullable:
            add(gxe.ExpectColumnValuesToNotBeNull(column=column), "not_nullable", column)
        for check in col.checks:
            stats = check.statistics
            if check.name == "in_range":
                expectation = gxe.ExpectColumnValuesToBeBetween(
                    column=column, min_value=stats["min_value"], max_value=stats["max_value"],
                    strict_min=not stats["include_min"], strict_max=not stats["include_max"])
            elif check.name == "isin":
                expectation = gxe.ExpectColumnValuesToBeInSet(column=column,
                                                              value_set=stats["allowed_values"])
            elif check.name == "str_matches":
                expectation = gxe.ExpectColumnValuesToMatchRegex(column=column,
                                                                 regex=stats["pattern"])
            elif check.name.startswith("null_rate<="):
                ceiling = float(check.name.removeprefix("null_rate<="))
                if ceiling >= 1:
                    continue  # any share of missing values is allowed: nothing to expect
                expectation = gxe.ExpectColumnValuesToNotBeNull(column=column, mostly=1 - ceiling)
            elif check.name == "hhmm_minutes_below_60":
                expectation = gxe.ExpectColumnValuesToBeBetween(column=f"{column}%100",
                                                                min_value=0, max_value=59)
            else:
                raise ValueError(f"column {column!r} has the check {check.name!r}, which has no "
                                 "Great Expectations translation here.")
            add(expectation, check.error or check.name, column)
    if schema.unique:
        add(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(schema.unique)),
            "multiple_fields_uniqueness", "(row)")
    relations = _gx_relations(gxe)
    for check in schema.checks:
        if check.name not in relations:
            raise ValueError(f"the schema's cross-column check {check.name!r} has no Great "
                             f"Expectations translation; known: {sorted(relations)}.")
        for expectation in relations[check.name]:
            add(expectation, check.name, "(row)")
    return gx.ExpectationSuite(name=name, expectations=expectations)


def gx_validate_batch(df: pd.DataFrame, suite) -> pd.DataFrame:
    """Run a Great Expectations suite on a batch, offline, and return the tidy report.

    The suite runs in an ephemeral data context (nothing is written to disk or
    to the home directory), with analytics disabled through
    ``GX_ANALYTICS_ENABLED=False`` and the context's ``analytics_enabled``, and
    without progress bars. The batch gets the derived columns that
    :func:`expectation_suite` reads.

    Parameters
    ----------
    df : DataFrame
        The batch, with a unique index (``row`` holds its labels).
    suite : great_expectations.ExpectationSuite
        From :func:`expectation_suite`.

    Returns
    -------
    DataFrame
        Columns :data:`REPORT_COLUMNS`, as :func:`validate_batch` returns them:
        one row per failing check and row, or one per column for a dtype, a
        null-rate ceiling or a missing column. Empty when the batch passes.

    Examples
    --------
    >>> from labutils.datasets import load_flights
    >>> suite = expectation_suite(flights_schema())
    >>> batch = load_flights(n=500, seed=0)
    >>> gx_validate_batch(batch, suite).empty
    True
    >>> report = gx_validate_batch(batch.assign(air_time=batch["air_time"] / 60), suite)
    >>> sorted(report["check"].unique())
    ['in_range(15, 800)', 'speed_60_to_750_mph']
    """
    _check_frame(df)
    gx, _ = _gx()
    if not isinstance(suite, gx.ExpectationSuite):
        raise TypeError(f"suite must be a Great Expectations ExpectationSuite, got "
                        f"{type(suite).__name__}; build it with expectation_suite().")
    from great_expectations.data_context.types import base

    config = base.DataContextConfig(  # in memory, no docs site, no analytics, no progress bars
        store_backend_defaults=base.InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=base.ProgressBarsConfig(globally=False, metric_calculations=False))
    context = gx.get_context(project_config=config, mode="ephemeral")
    whole = (context.data_sources.add_pandas("batch").add_dataframe_asset("batch")
             .add_batch_definition_whole_dataframe("batch"))
    data = pd.concat([df, _relation_columns(df)], axis=1)
    results = whole.get_batch(batch_parameters={"dataframe": data}).validate(
        suite, result_format="COMPLETE").results
    absent = {r.expectation_config.meta["column"] for r in results
              if not r.success and r.expectation_config.meta["check"] == "column_in_dataframe"}
    rows = []
    for result in results:
        meta = result.expectation_config.meta
        if result.success or (meta["column"] in absent and meta["check"] != "column_in_dataframe"):
            continue  # a missing column is reported once, as pandera does
        kwargs, found = result.expectation_config.kwargs, result.result
        raised = (result.exception_info or {}).get("exception_message")
        if raised or kwargs.get("mostly", 1) < 1 or "unexpected_index_list" not in found:
            value = raised or found.get("observed_value")
            rows.append((meta["check"], meta["column"], None, None if value is None else str(value)))
            continue
        for row, value in zip(found["unexpected_index_list"], found["unexpected_list"]):
            rows.append((meta["check"], meta["column"], row, None if pd.isna(value) else str(value)))
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS, dtype=object)
    return report.drop_duplicates(["check", "column", "row"]).reset_index(drop=True)
