"""Feature engineering helpers: cyclical encodings, missingness with a known ground
truth, and how well a feature-selection method finds the truly informative features.

Introduced in the chapter "Feature engineering" (``chapters/features.md``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

__all__ = ["MECHANISMS", "cyclical_encode", "mask_missing", "permutation_drop", "selection_recall"]

#: The missingness mechanisms of Rubin (1976) that :func:`mask_missing` simulates.
MECHANISMS = ("MCAR", "MAR", "MNAR")


def _check_seed(seed: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative int, got {seed!r}.")


def _as_float_array(X: object, label: str, ndim: int) -> np.ndarray:
    try:
        array = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{label} must be numeric array-like; converting it failed: {error}"
        ) from None
    if array.ndim != ndim:
        raise ValueError(f"{label} must be {ndim}-D, got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{label} is empty; pass at least one value.")
    if np.isnan(array).any():
        raise ValueError(
            f"{label} contains NaN; pass complete data (impute or drop rows first)."
        )
    return array


def cyclical_encode(values: object, period: float) -> np.ndarray:
    """Map a periodic quantity (hour, weekday, month) onto the unit circle.

    ``sin(2 pi v / period)`` and ``cos(2 pi v / period)`` put 23:00 next to
    00:00 and December next to January, which a single number cannot.

    Parameters
    ----------
    values : array-like of shape (n,) or (n, 1)
        The periodic values, e.g. hours 0-23. A one-column DataFrame works, so
        the function can sit in a ``FunctionTransformer`` inside a
        ``ColumnTransformer``.
    period : float
        Length of one cycle in the units of ``values`` (24 for hours, 7 for
        weekdays, 12 for months numbered 1-12).

    Returns
    -------
    ndarray of shape (n, 2)
        Columns ``sin`` and ``cos``.

    Raises
    ------
    TypeError, ValueError
        On a non-numeric, empty or NaN input, a wrong shape, or a period that
        is not a positive number.

    Examples
    --------
    >>> cyclical_encode([0, 6, 12], period=24).round(3)
    array([[ 0.,  1.],
           [ 1.,  0.],
           [ 0., -1.]])
    """
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise TypeError(f"period must be a positive number, got {period!r}.")
    if not np.isfinite(period) or period <= 0:
        raise ValueError(f"period must be a positive, finite number, got {period!r}.")
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    array = _as_float_array(array, "values", ndim=1)
    angle = 2 * np.pi * array / period
    return np.column_stack([np.sin(angle), np.cos(angle)])


def _logistic_probabilities(score: np.ndarray, rate: float) -> np.ndarray:
    """``sigmoid(a + score)`` with the intercept ``a`` chosen so the mean is ``rate``."""
    low, high = -50.0, 50.0
    for _ in range(100):
        mid = (low + high) / 2
        if np.mean(1 / (1 + np.exp(-(mid + score)))) < rate:
            low = mid
        else:
            high = mid
    return 1 / (1 + np.exp(-((low + high) / 2 + score)))


def mask_missing(
    X: object,
    *,
    mechanism: str,
    rate: float,
    seed: int = 0,
    columns: Sequence[int] | None = None,
    driver: int = 0,
    strength: float = 3.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Hide entries of a complete matrix so that the missing values are known.

    Each entry of the chosen ``columns`` goes missing independently with
    probability ``p``:

    * ``"MCAR"`` (missing completely at random): ``p = rate`` everywhere;
    * ``"MAR"`` (at random given the observed data): ``p`` rises with the
      value of the ``driver`` column, which itself is never masked;
    * ``"MNAR"`` (not at random): ``p`` rises with the hidden value itself,
      so large values go missing more often.

    MAR and MNAR use ``p = sigmoid(a + strength * z)``, where ``z`` is the
    standardised driver or own value and ``a`` is chosen per column so that the
    expected share of missing entries is ``rate``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Complete numeric data (no NaN).
    mechanism : {"MCAR", "MAR", "MNAR"}
    rate : float in [0, 1)
        Expected share of missing entries in each masked column.
    seed : int, default 0
    columns : sequence of int, optional
        Columns to mask. Default: every column, except ``driver`` under MAR.
    driver : int, default 0
        The column that drives MAR missingness (ignored otherwise).
    strength : float, default 3.0
        Slope of the MAR/MNAR dependence on the standardised value; 0 gives MCAR.

    Returns
    -------
    X_masked : ndarray of shape (n_samples, n_features)
        A float copy of ``X`` with NaN where ``mask`` is True.
    mask : ndarray of bool, same shape
        True where a value was hidden: ``X[mask]`` are the true missing values.

    Raises
    ------
    TypeError, ValueError
        On bad shapes, NaN or empty input, an unknown mechanism, a rate outside
        [0, 1), bad column indices, or a MAR driver that is also masked.

    Examples
    --------
    >>> X = np.arange(2000, dtype=float).reshape(1000, 2)
    >>> X_masked, mask = mask_missing(X, mechanism="MNAR", rate=0.2, columns=[1])
    >>> round(float(mask[:, 1].mean()), 2), bool(mask[:, 0].any())
    (0.2, False)
    >>> bool(X[mask[:, 1], 1].mean() > X[:, 1].mean())  # large values go missing
    True
    """
    array = _as_float_array(X, "X", ndim=2)
    if mechanism not in MECHANISMS:
        raise ValueError(f"mechanism must be one of {MECHANISMS}, got {mechanism!r}.")
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise TypeError(f"rate must be a number in [0, 1), got {rate!r}.")
    if not 0 <= rate < 1:
        raise ValueError(
            f"rate must be in [0, 1), got {rate!r}; 0.2 hides 20% of each column."
        )
    if (isinstance(strength, bool) or not isinstance(strength, numbers.Real)
            or not np.isfinite(strength)):
        raise TypeError(f"strength must be a finite number, got {strength!r}.")
    _check_seed(seed)
    n_features = array.shape[1]
    if (isinstance(driver, bool) or not isinstance(driver, (int, np.integer))
            or not 0 <= driver < n_features):
        raise ValueError(
            f"driver must be a column index in [0, {n_features}), got {driver!r}."
        )
    if columns is None:
        columns = [j for j in range(n_features) if not (mechanism == "MAR" and j == driver)]
    try:
        columns = list(columns)
    except TypeError:
        raise TypeError(
            f"columns must be a sequence of column indices, got {columns!r}."
        ) from None
    bad = [j for j in columns if isinstance(j, bool) or not isinstance(j, (int, np.integer))
           or not 0 <= j < n_features]
    if not columns or bad or len(set(columns)) != len(columns):
        raise ValueError(
            f"columns must be distinct column indices in [0, {n_features}), got {columns!r}."
        )
    if mechanism == "MAR" and driver in columns:
        raise ValueError(f"under MAR the driver column {driver} must stay observed; "
                         "remove it from columns or pick another driver.")
    rng = np.random.default_rng(seed)
    mask = np.zeros(array.shape, dtype=bool)
    for j in columns:
        source = array[:, driver if mechanism == "MAR" else j]
        spread = source.std()
        z = (source - source.mean()) / spread if spread > 0 else np.zeros_like(source)
        if mechanism == "MCAR" or rate == 0:
            p = np.full(len(z), float(rate))
        else:
            p = _logistic_probabilities(strength * z, rate)
        mask[:, j] = rng.random(len(z)) < p
    masked = array.copy()
    masked[mask] = np.nan
    return masked, mask


def selection_recall(selected: object, informative: object) -> float:
    """Share of the truly informative features that a selection method kept.

    Parameters
    ----------
    selected : array-like of int or bool
        Indices of the kept features, or a boolean support mask such as
        ``selector.get_support()``.
    informative : array-like of int
        Indices of the features that truly carry signal (e.g. ``range(5)`` for
        ``make_classification(n_informative=5, shuffle=False)``).

    Returns
    -------
    float
        ``|selected & informative| / |informative|``, in [0, 1].

    Raises
    ------
    TypeError, ValueError
        On non-integer indices, negative or duplicated indices, or an empty
        ``informative``.

    Examples
    --------
    >>> selection_recall([0, 2, 7], informative=[0, 1, 2, 3])
    0.5
    >>> selection_recall([True, False, True], informative=[0, 1])
    0.5
    """
    chosen = np.asarray(selected)
    if chosen.ndim != 1:
        raise ValueError(f"selected must be 1-D, got shape {chosen.shape}.")
    if chosen.dtype == bool:
        chosen = np.flatnonzero(chosen)
    truth = np.asarray(informative)
    if truth.ndim != 1 or truth.size == 0:
        raise ValueError("informative must be a non-empty 1-D list of feature indices.")
    for label, idx in (("selected", chosen), ("informative", truth)):
        if idx.size and not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"{label} must hold integer indices (or be a boolean mask), "
                            f"got dtype {idx.dtype}.")
        if (idx < 0).any() or len(np.unique(idx)) != idx.size:
            raise ValueError(
                f"{label} must hold distinct, non-negative indices, got {idx.tolist()}."
            )
    return float(np.isin(truth, chosen).mean())


def permutation_drop(model: object, X: object, y: object, *, n_repeats: int = 3, seed: int = 0) -> np.ndarray:
    """Permutation importance: the mean drop in accuracy when one column is shuffled.

    The same quantity as :func:`sklearn.inspection.permutation_importance`
    with its default scorer (accuracy) and ``importances_mean``: for each
    column and repeat, the column's values are permuted among the rows and
    the model's accuracy on ``(X, y)`` is compared with its accuracy on the
    intact data. All permuted copies are scored in a single ``predict`` call,
    which is much faster for models with a per-call overhead (a random
    forest's trees). Use rows the model was not trained on.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``predict``.
    X : array-like of shape (n, p)
        Complete numeric data, at least two rows.
    y : array-like of shape (n,)
        The labels of ``X``.
    n_repeats : int, default 3
        Permutations per column.
    seed : int, default 0
        Seed of the permutations.

    Returns
    -------
    ndarray of shape (p,)
        Accuracy on the intact data minus the mean accuracy with the column
        permuted; near zero (or negative) for a column the model does not use.

    Raises
    ------
    TypeError, ValueError
        If ``model`` has no ``predict``, ``X`` is not a complete 2-D numeric
        array with at least two rows, ``y`` does not have one label per row,
        or ``n_repeats`` or ``seed`` is not valid.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = (X[:, 0] > 0).astype(int)  # only column 0 carries the label
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> drop = permutation_drop(tree, X, y)
    >>> bool(drop[0] > 0.3), bool(np.abs(drop[1:]).max() < 0.05)
    (True, True)
    """
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model must be a fitted classifier with predict, got {type(model).__name__}.")
    X = _as_float_array(X, "X", ndim=2)
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != len(X):
        raise ValueError(f"y must be 1-D with one label per row of X ({len(X)}), got shape {labels.shape}.")
    if len(X) < 2:
        raise ValueError("X needs at least two rows to permute.")
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, numbers.Integral) or n_repeats < 1:
        raise ValueError(f"n_repeats must be a positive int, got {n_repeats!r}.")
    _check_seed(seed)
    n, p = X.shape
    rng = np.random.default_rng(seed)
    base = float(np.mean(model.predict(X) == labels))
    order = rng.permuted(np.tile(np.arange(n), (p * n_repeats, 1)), axis=1)
    copies = np.repeat(X[None], p * n_repeats, axis=0)
    column = np.repeat(np.arange(p), n_repeats)
    copies[np.arange(p * n_repeats), :, column] = X[order, column[:, None]]
    hits = model.predict(copies.reshape(-1, p)).reshape(p, n_repeats, n) == labels
    return base - hits.mean(axis=2).mean(axis=1)
