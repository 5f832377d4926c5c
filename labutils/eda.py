"""Exploratory data analysis: a per-column profile, binned rates with
confidence intervals, ECDFs, stratified correlations and Anscombe's quartet.

Introduced in the chapter "Exploratory data analysis and visualization"
(``chapters/eda.md``).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from .plotting import PALETTE

__all__ = [
    "PROFILE_COLUMNS", "anscombe", "ecdf", "lightness", "profile", "rate_by", "rateplot", "stratified_corr",
]

#: Columns of the table returned by :func:`profile`.
PROFILE_COLUMNS = ["dtype", "missing", "unique", "examples", "min", "max", "out_of_range"]


def _check_frame(df: object, name: str = "df") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}.")
    if df.empty:
        raise ValueError(f"{name} is empty (shape {df.shape}); pass a frame with rows and columns.")
    return df


def _check_columns(df: pd.DataFrame, names: list[str]) -> None:
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the data; available: {list(df.columns)}")


def _short(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def profile(
    df: pd.DataFrame,
    expected: Mapping[str, tuple[float, float]] | None = None,
    *,
    n_examples: int = 3,
) -> pd.DataFrame:
    """One row per column: type, missing share, distinct values, examples and a range check.

    Parameters
    ----------
    df : DataFrame
        The data to describe.
    expected : mapping of column name to (low, high), optional
        Inclusive range each listed column should respect (a numeric or
        datetime column). ``out_of_range`` counts the non-missing values outside
        it; columns without an expected range get ``<NA>``.
    n_examples : int, default 3
        How many distinct non-missing values to show, in order of appearance.

    Returns
    -------
    DataFrame
        Indexed by column name, with the columns in :data:`PROFILE_COLUMNS`:
        ``dtype`` (str), ``missing`` (share of missing values, 0–1),
        ``unique`` (distinct non-missing values), ``examples`` (str),
        ``min`` and ``max`` (numeric and datetime columns only) and
        ``out_of_range`` (count).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame or ``n_examples`` is not an int.
    ValueError
        If ``df`` is empty, a column in ``expected`` does not exist or is not
        numeric/datetime, or a range has ``low > high``.

    Examples
    --------
    >>> df = pd.DataFrame({"hour": [5, 23, 25, None], "carrier": ["UA", "AA", "UA", "DL"]})
    >>> table = profile(df, {"hour": (0, 23)})
    >>> float(table.loc["hour", "missing"]), int(table.loc["hour", "out_of_range"])
    (0.25, 1)
    >>> table.loc["hour", "examples"], table.loc["carrier", "examples"]
    ('5, 23, 25', 'UA, AA, DL')
    """
    df = _check_frame(df)
    expected = dict(expected or {})
    if isinstance(n_examples, bool) or not isinstance(n_examples, (int, np.integer)) or n_examples < 1:
        raise TypeError(f"n_examples must be a positive int, got {n_examples!r}.")
    _check_columns(df, list(expected))
    rows = {}
    for col in df.columns:
        values = df[col]
        ranged = pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)
        ranged = ranged and not pd.api.types.is_bool_dtype(values)
        present = values.dropna()
        row = {
            "dtype": str(values.dtype),
            "missing": float(values.isna().mean()),
            "unique": int(present.nunique()),
            "examples": ", ".join(_short(v) for v in present.drop_duplicates().head(n_examples)),
            "min": present.min() if ranged and len(present) else None,
            "max": present.max() if ranged and len(present) else None,
            "out_of_range": pd.NA,
        }
        if col in expected:
            if not ranged:
                raise ValueError(
                    f"column {col!r} has dtype {values.dtype}; a range check needs a numeric "
                    "or datetime column. Remove it from `expected`."
                )
            low, high = expected[col]
            if low > high:
                raise ValueError(f"expected range for {col!r} has low {low} > high {high}.")
            row["out_of_range"] = int(((present < low) | (present > high)).sum())
        rows[col] = row
    table = pd.DataFrame.from_dict(rows, orient="index", columns=PROFILE_COLUMNS)
    return table.astype({"unique": int, "out_of_range": "Int64"})


def rate_by(
    df: pd.DataFrame,
    by: str,
    target: str,
    *,
    bins: list[float] | None = None,
    min_count: int = 30,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of positive ``target`` per level (or bin) of ``by``, with Wilson intervals.

    Rows whose ``target`` or ``by`` is missing are dropped. Levels with fewer
    than ``min_count`` rows are dropped too: their rates are noise.

    Parameters
    ----------
    df : DataFrame
    by : str
        Column to group by (its levels, or the bins below).
    target : str
        Binary column (bool or 0/1).
    bins : list of float, optional
        Edges passed to :func:`pandas.cut` (right-closed intervals).
    min_count : int, default 30
        Smallest group kept.
    level : float, default 0.95
        Confidence level of the Wilson score interval (Wilson 1927).

    Returns
    -------
    DataFrame
        Indexed by the level or bin of ``by``, with columns ``n``, ``rate``,
        ``lo`` and ``hi``.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        On unknown columns, a non-binary target, ``level`` outside (0, 1),
        ``min_count < 1`` or when no group has ``min_count`` rows.

    Examples
    --------
    >>> df = pd.DataFrame({"hour": [8] * 40 + [18] * 40, "late": [0] * 36 + [1] * 4 + [0] * 20 + [1] * 20})
    >>> table = rate_by(df, "hour", "late")
    >>> table["rate"].tolist(), table["lo"].round(3).tolist()
    ([0.1, 0.5], [0.04, 0.352])
    """
    df = _check_frame(df)
    _check_columns(df, [by, target])
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"min_count must be a positive int, got {min_count!r}.")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}.")
    data = df[[by, target]].dropna()
    y = data[target]
    if not set(pd.unique(y.astype(float))) <= {0.0, 1.0}:
        raise ValueError(f"target {target!r} must be binary (bool or 0/1); got other values.")
    key = pd.cut(data[by], bins) if bins is not None else data[by]
    grouped = y.astype(float).groupby(key, observed=True)
    table = pd.DataFrame({"n": grouped.size(), "k": grouped.sum()})
    table = table[table["n"] >= min_count]
    if table.empty:
        raise ValueError(f"no level of {by!r} has at least min_count={min_count} rows; lower it.")
    z = stats.norm.ppf(0.5 + level / 2)
    n, p = table["n"].to_numpy(float), (table["k"] / table["n"]).to_numpy(float)
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    table.index.name = by
    return pd.DataFrame(
        {"n": table["n"].astype(int), "rate": p, "lo": centre - half, "hi": centre + half},
        index=table.index,
    )


def rateplot(table: pd.DataFrame, *, xlabel: str, ylabel: str, ax: plt.Axes | None = None,
             color: str = PALETTE[0], label: str | None = None) -> plt.Axes:
    """Plot a :func:`rate_by` table: one point per level with its interval.

    The vertical axis starts at zero, so heights compare honestly.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`rate_by` (columns ``rate``, ``lo``, ``hi``).
    xlabel, ylabel : str
        Axis labels, with units.
    ax : Axes, optional
        Where to draw; a new figure is made if omitted.
    color : str, default the first colour of :data:`~labutils.plotting.PALETTE`
    label : str, optional
        Legend label.

    Returns
    -------
    Axes

    Examples
    --------
    >>> df = pd.DataFrame({"hour": [8] * 40 + [18] * 40, "late": [0] * 36 + [1] * 4 + [0] * 20 + [1] * 20})
    >>> ax = rateplot(rate_by(df, "hour", "late"), xlabel="hour", ylabel="late share")
    >>> float(ax.get_ylim()[0])
    0.0
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a DataFrame from rate_by, got {type(table).__name__}.")
    _check_columns(table, ["rate", "lo", "hi"])
    if ax is None:
        _, ax = plt.subplots()
    x = table.index.astype(str) if isinstance(table.index, pd.CategoricalIndex) else table.index
    err = [table["rate"] - table["lo"], table["hi"] - table["rate"]]
    ax.errorbar(x, table["rate"], yerr=err, fmt="o-", color=color, ms=4, capsize=2, label=label)
    ax.set_ylim(0, max(1.1 * float(table["hi"].max()), 0.05))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def ecdf(values: object) -> tuple[np.ndarray, np.ndarray]:
    """Empirical cumulative distribution: sorted values and the share at or below each.

    Parameters
    ----------
    values : array-like of numbers
        Missing values (NaN) are dropped.

    Returns
    -------
    x : ndarray
        The sorted non-missing values.
    y : ndarray
        ``y[i]`` is the share of values ``<= x[i]`` (ties share the top value).

    Raises
    ------
    TypeError
        If the values are not numeric.
    ValueError
        If no non-missing value is left.

    Examples
    --------
    >>> x, y = ecdf([3, 1, 2, 2, float("nan")])
    >>> x.tolist(), y.tolist()
    ([1.0, 2.0, 2.0, 3.0], [0.25, 0.75, 0.75, 1.0])
    """
    arr = np.asarray(values)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"values must be numeric, got dtype {arr.dtype}.")
    x = np.sort(arr[~np.isnan(arr.astype(float))].astype(float).ravel())
    if x.size == 0:
        raise ValueError("values has no non-missing entries; nothing to describe.")
    y = np.searchsorted(x, x, side="right") / x.size
    return x, y


def stratified_corr(df: pd.DataFrame, x: str, y: str, *, by: str, method: str = "spearman",
                    min_count: int = 30) -> float:
    """Size-weighted mean of the correlation of ``x`` and ``y`` within each level of ``by``.

    Comparing it with the overall correlation shows how much of an
    association is carried by ``by`` (a confounder such as the hour of day).

    Parameters
    ----------
    df : DataFrame
    x, y : str
        Numeric (or boolean) columns.
    by : str
        Column whose levels define the strata.
    method : {"spearman", "pearson"}, default "spearman"
    min_count : int, default 30
        Strata with fewer complete rows (or a constant column) are skipped.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        On unknown columns or method, or when no stratum is usable.

    Examples
    --------
    Within each group ``b`` rises with ``a``; across groups it falls:

    >>> df = pd.DataFrame({"g": [0] * 40 + [1] * 40, "a": range(80),
    ...                    "b": list(range(40, 80)) + list(range(40))})
    >>> stratified_corr(df, "a", "b", by="g"), round(float(df["a"].corr(df["b"], method="spearman")), 2)
    (1.0, -0.5)
    """
    df = _check_frame(df)
    _check_columns(df, [x, y, by])
    if method not in ("spearman", "pearson"):
        raise ValueError(f"method must be 'spearman' or 'pearson', got {method!r}.")
    data = df[[x, y, by]].dropna()
    weights, values = [], []
    for _, part in data.groupby(by, observed=True):
        a, b = part[x].astype(float), part[y].astype(float)
        if len(part) >= min_count and a.nunique() > 1 and b.nunique() > 1:
            weights.append(len(part))
            values.append(a.corr(b, method=method))
    if not weights:
        raise ValueError(f"no level of {by!r} has {min_count} complete, non-constant rows.")
    return float(np.average(values, weights=weights))


def lightness(cmap: str, n: int = 256) -> np.ndarray:
    """Perceived lightness (CIE L*, 0 = black, 100 = white) along a matplotlib colormap.

    A colormap for ordered values should change lightness monotonically, so
    that lighter always means more (or always less). Rainbow maps such as
    ``"jet"`` do not, which invents boundaries and hides others.

    Parameters
    ----------
    cmap : str
        A registered matplotlib colormap name, e.g. ``"cividis"``.
    n : int, default 256
        Number of evenly spaced samples, at least 2.

    Returns
    -------
    ndarray of shape (n,)

    Raises
    ------
    ValueError
        If the colormap is unknown or ``n < 2``.

    Examples
    --------
    >>> L = lightness("gray", n=3)
    >>> L.round(1).tolist()
    [0.0, 53.6, 100.0]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an int of at least 2, got {n!r}.")
    if cmap not in plt.colormaps():
        raise ValueError(f"unknown colormap {cmap!r}; see matplotlib.pyplot.colormaps().")
    rgb = plt.get_cmap(cmap)(np.linspace(0, 1, n))[:, :3]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    Y = linear @ np.array([0.2126, 0.7152, 0.0722])
    f = np.where(Y > (6 / 29) ** 3, np.cbrt(Y), Y / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f - 16


#: Anscombe (1973), Table 1. x is shared by sets I–III.
_ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
_ANSCOMBE = {
    "I": (_ANSCOMBE_X, [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]),
    "II": (_ANSCOMBE_X, [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74]),
    "III": (_ANSCOMBE_X, [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]),
    "IV": ([8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8],
           [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89]),
}


def anscombe() -> pd.DataFrame:
    """Anscombe's quartet: four data sets of 11 points with (nearly) equal summaries.

    The values are those published in Anscombe (1973), "Graphs in statistical
    analysis", *The American Statistician* 27(1):17–21, Table 1.

    Returns
    -------
    DataFrame
        44 rows with columns ``dataset`` (``"I"`` to ``"IV"``), ``x`` and ``y``.

    Examples
    --------
    >>> q = anscombe()
    >>> q.groupby("dataset")["x"].mean().tolist()
    [9.0, 9.0, 9.0, 9.0]
    """
    return pd.DataFrame(
        [(name, float(x), y) for name, (xs, ys) in _ANSCOMBE.items() for x, y in zip(xs, ys)],
        columns=["dataset", "x", "y"],
    )
