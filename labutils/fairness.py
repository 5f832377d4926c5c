"""Fairness assessment: the shared Adult model and split, group rates with
bootstrap intervals, the four-fifths ratio, Chouldechova's identity,
reweighing, calibration by group and fairness over time.

The chapters "Bias and fairness tracking" (``chapters/fairness.md``, which
introduces every function here) and "Model cards and datasheets" use the same
model, so both build it here.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from pandas.errors import Pandas4Warning
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from xgboost import XGBClassifier

from ._checks import check_binary, check_int
from .datasets import ADULT_TARGET, load_adult

__all__ = [
    "ADULT_FEATURES",
    "ADULT_SENSITIVE",
    "GROUP_RATES",
    "Float64Proba",
    "adult_model",
    "adult_split",
    "calibration_by_group",
    "chouldechova_fpr",
    "fit_exponentiated_gradient",
    "four_fifths_ratio",
    "group_rates",
    "group_rates_with_ci",
    "rates_by_period",
    "reweighing_weights",
]

#: The per-group rates of :func:`group_rates`, in order.
GROUP_RATES = ("selection_rate", "tpr", "fpr", "ppv")

#: Sensitive attributes: kept for assessment, left out of the model's inputs.
ADULT_SENSITIVE = ("sex", "race")
#: The model's inputs: every Adult column except the label and the sensitive attributes.
ADULT_FEATURES = (
    "age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week",
    "workclass", "education", "marital_status", "occupation", "relationship", "native_country",
)  # fmt: skip


def adult_split(
    *, test_size: float = 0.3, valid_size: float = 0.0, seed: int = 0
) -> tuple[pd.DataFrame, ...]:
    """Stratified train/test split of :func:`labutils.datasets.load_adult`, optionally with a validation split.

    The test rows depend on ``test_size`` and ``seed`` only: asking for a
    validation split carves it out of the training rows and leaves the test
    set as it was, so ``train`` and ``valid`` together are the training rows of
    the two-way split.

    Parameters
    ----------
    test_size : float, default 0.3
        Share of all rows in the test set, in (0, 1).
    valid_size : float, default 0.0
        Share of all rows in a validation set taken from the training rows, in
        [0, 1 - test_size); 0 means no validation set.
    seed : int, default 0

    Returns
    -------
    train, test : DataFrame
        All columns, including :data:`ADULT_SENSITIVE` and the label, when
        ``valid_size`` is 0.
    train, valid, test : DataFrame
        When ``valid_size`` is above 0.

    Examples
    --------
    >>> train, test = adult_split()
    >>> len(train), len(test)
    (31655, 13567)
    >>> fit, valid, same_test = adult_split(valid_size=0.2)
    >>> len(fit), len(valid), same_test.index.equals(test.index)
    (22610, 9045, True)
    """
    check_int("seed", seed, low=0)
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) or not 0 < test_size < 1:
        raise ValueError(f"test_size must be a share in (0, 1), got {test_size!r}.")
    if isinstance(valid_size, bool) or not isinstance(valid_size, (int, float)) or not (
            0 <= valid_size < 1 - test_size):
        raise ValueError(f"valid_size must be a share in [0, 1 - test_size) = [0, {1 - test_size:g}), "
                         f"got {valid_size!r}.")
    adult = load_adult()
    train, test = train_test_split(adult, test_size=test_size, stratify=adult[ADULT_TARGET], random_state=seed)
    if valid_size == 0:
        return train, test
    train, valid = train_test_split(train, test_size=valid_size / (1 - test_size), stratify=train[ADULT_TARGET],
                                    random_state=seed)
    return train, valid, test


def adult_model(*, seed: int = 0) -> XGBClassifier:
    """The book's (unfitted) Adult income classifier: gradient-boosted trees.

    Fit it on ``train[list(ADULT_FEATURES)]`` and ``train[ADULT_TARGET]``;
    categorical columns are used natively.

    Examples
    --------
    >>> adult_model().get_params()["max_depth"]
    4
    """
    check_int("seed", seed, low=0)
    return XGBClassifier(
        n_estimators=200, max_depth=4, learning_rate=0.1, tree_method="hist",
        enable_categorical=True, n_jobs=1, random_state=seed,
    )  # fmt: skip


def _groups(sensitive: object, n: int) -> np.ndarray:
    array = np.asarray(sensitive, dtype=object)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(f"sensitive must be one-dimensional with one value per row ({n}), got shape {array.shape}.")
    if pd.isna(array).any():
        raise ValueError("sensitive has missing values; give them their own group name or drop the rows.")
    if len(set(array.tolist())) < 2:
        raise ValueError("sensitive has a single group; fairness compares at least two groups.")
    return array


def _checked(y_true: object, y_pred: object, sensitive: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = check_binary("y_true", y_true)
    y_hat = check_binary("y_pred", y_pred)
    if len(y_hat) != len(y):
        raise ValueError(f"y_true and y_pred must have the same length, got {len(y)} and {len(y_hat)}.")
    return y, y_hat, _groups(sensitive, len(y))


def _rates(y: np.ndarray, y_hat: np.ndarray) -> dict[str, np.ndarray]:
    """Selection rate, TPR, FPR and PPV along the last axis (NaN where undefined)."""
    tp = (y & y_hat).sum(-1)
    pos, sel = y.sum(-1), y_hat.sum(-1)
    n = y.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"selection_rate": sel / n, "tpr": tp / pos, "fpr": (sel - tp) / (n - pos), "ppv": tp / sel}


def group_rates(y_true: object, y_pred: object, sensitive: object) -> pd.DataFrame:
    """Selection rate, true- and false-positive rate, precision and base rate per group.

    Parameters
    ----------
    y_true, y_pred : array-like of 0/1, shape (n,)
    sensitive : array-like, shape (n,)
        The group of each row; at least two groups.

    Returns
    -------
    DataFrame
        One row per group (sorted), columns :data:`GROUP_RATES` plus
        ``base_rate`` and ``count``. A rate whose denominator is zero is NaN.

    Examples
    --------
    >>> table = group_rates([1, 0, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"])
    >>> table.loc["a"].tolist()
    [1.0, 1.0, 1.0, 0.5, 0.5, 2.0]
    >>> table.loc["b", ["selection_rate", "ppv"]].tolist()
    [0.0, nan]
    """
    y, y_hat, groups = _checked(y_true, y_pred, sensitive)
    rows = {}
    for g in sorted(set(groups.tolist())):
        mask = groups == g
        rows[g] = {**_rates(y[mask], y_hat[mask]), "base_rate": y[mask].mean(), "count": int(mask.sum())}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("group")


def group_rates_with_ci(
    y_true: object, y_pred: object, sensitive: object, *, n_boot: int = 200,
    confidence: float = 0.95, seed: int = 0,
) -> pd.DataFrame:
    """:func:`group_rates` with percentile bootstrap intervals, resampling within each group.

    Parameters
    ----------
    y_true, y_pred, sensitive : array-like, shape (n,)
        As in :func:`group_rates`.
    n_boot : int, default 200
        Bootstrap resamples per group (at least 10).
    confidence : float, default 0.95
        Nominal coverage, strictly between 0 and 1.
    seed : int, default 0

    Returns
    -------
    DataFrame
        Index ``(group, metric)`` over :data:`GROUP_RATES`; columns ``value``,
        ``lo``, ``hi``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y, y_hat = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    >>> ci = group_rates_with_ci(y, y_hat, np.repeat(["a", "b"], 200))
    >>> row = ci.loc[("a", "selection_rate")]
    >>> bool(row["lo"] < row["value"] < row["hi"]), bool(row["hi"] - row["lo"] < 0.2)
    (True, True)
    """
    y, y_hat, groups = _checked(y_true, y_pred, sensitive)
    n_boot = check_int("n_boot", n_boot, low=10)
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    alpha = (1 - confidence) / 2
    rows = []
    for g in sorted(set(groups.tolist())):
        yg, yg_hat = y[groups == g], y_hat[groups == g]
        idx = rng.integers(0, len(yg), size=(n_boot, len(yg)))
        point, boot = _rates(yg, yg_hat), _rates(yg[idx], yg_hat[idx])
        for metric in GROUP_RATES:
            values = boot[metric][np.isfinite(boot[metric])]
            lo, hi = np.quantile(values, [alpha, 1 - alpha]) if len(values) else (np.nan, np.nan)
            rows.append((g, metric, float(point[metric]), float(lo), float(hi)))
    return pd.DataFrame(rows, columns=["group", "metric", "value", "lo", "hi"]).set_index(["group", "metric"])


def four_fifths_ratio(y_pred: object, sensitive: object) -> float:
    """The lowest group selection rate divided by the highest.

    The "four-fifths rule" of the US Uniform Guidelines on Employee Selection
    Procedures (29 CFR 1607.4(D)) treats a ratio below 0.8 in an employment
    selection procedure as evidence of adverse impact; outside that context
    the ratio is only a description.

    Parameters
    ----------
    y_pred : array-like of 0/1, shape (n,)
        The selections (1 = selected).
    sensitive : array-like, shape (n,)

    Returns
    -------
    float
        In [0, 1]; NaN if no group has any selection.

    Examples
    --------
    >>> four_fifths_ratio([1, 1, 0, 0, 1, 0, 0, 0], ["a"] * 4 + ["b"] * 4)
    0.5
    """
    y_hat = check_binary("y_pred", y_pred)
    groups = _groups(sensitive, len(y_hat))
    rates = pd.Series(y_hat).groupby(groups).mean()
    return float(rates.min() / rates.max()) if rates.max() > 0 else float("nan")


def _probabilities(label: str, value: object) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{label} must be numeric, got {type(value).__name__}.") from None
    if array.size == 0 or not np.isfinite(array).all():
        raise ValueError(f"{label} must be non-empty and finite (no NaN).")
    return array


def chouldechova_fpr(base_rate: object, ppv: object, fnr: object) -> np.ndarray:
    """The false-positive rate implied by Chouldechova's (2017) identity.

    ``FPR = p / (1 - p) * (1 - PPV) / PPV * (1 - FNR)`` holds exactly for any
    confusion matrix with base rate ``p``, precision ``PPV`` and false-negative
    rate ``FNR``. Arguments broadcast like NumPy arrays.

    Parameters
    ----------
    base_rate : float or array, in (0, 1)
    ppv : float or array, in (0, 1]
    fnr : float or array, in [0, 1]

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> round(float(chouldechova_fpr(0.5, 0.8, 0.2)), 12)
    0.2
    """
    p, ppv_, fnr_ = (_probabilities(k, v) for k, v in [("base_rate", base_rate), ("ppv", ppv), ("fnr", fnr)])
    if ((p <= 0) | (p >= 1)).any() or ((ppv_ <= 0) | (ppv_ > 1)).any() or ((fnr_ < 0) | (fnr_ > 1)).any():
        raise ValueError("need 0 < base_rate < 1, 0 < ppv <= 1 and 0 <= fnr <= 1.")
    return p / (1 - p) * (1 - ppv_) / ppv_ * (1 - fnr_)


def reweighing_weights(y: object, sensitive: object) -> np.ndarray:
    """Kamiran and Calders' (2012) reweighing: ``P(A=a) P(Y=y) / P(A=a, Y=y)`` per row.

    Training with these sample weights makes the label statistically
    independent of the group in the weighted data; the weights average to 1.

    Parameters
    ----------
    y : array-like of 0/1, shape (n,)
    sensitive : array-like, shape (n,)

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> reweighing_weights([1, 1, 1, 0, 1, 0, 0, 0], ["a"] * 4 + ["b"] * 4)
    array([0.66666667, 0.66666667, 0.66666667, 2.        , 2.        ,
           0.66666667, 0.66666667, 0.66666667])
    """
    y_ = check_binary("y", y)
    groups = _groups(sensitive, len(y_))
    frame = pd.DataFrame({"a": groups, "y": y_})
    p_a = frame["a"].map(frame["a"].value_counts(normalize=True))
    p_y = frame["y"].map(frame["y"].value_counts(normalize=True))
    p_ay = frame.groupby(["a", "y"])["y"].transform("size") / len(frame)
    return (p_a * p_y / p_ay).to_numpy(dtype=float)


def calibration_by_group(y_true: object, y_prob: object, sensitive: object, *, n_bins: int = 10) -> pd.DataFrame:
    """Reliability table per group: mean score and observed rate in equal-width score bins.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,)
    y_prob : array-like of float in [0, 1], shape (n,)
    sensitive : array-like, shape (n,)
    n_bins : int, default 10

    Returns
    -------
    DataFrame
        Columns ``group``, ``bin``, ``mean_score``, ``observed``, ``count``
        (empty bins left out).

    Examples
    --------
    >>> table = calibration_by_group([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8], ["a", "a", "b", "b"], n_bins=2)
    >>> table[["group", "observed", "count"]].to_numpy().tolist()
    [['a', 0.0, 1], ['a', 1.0, 1], ['b', 0.0, 1], ['b', 1.0, 1]]
    """
    y = check_binary("y_true", y_true)
    prob = _probabilities("y_prob", y_prob)
    if prob.shape != y.shape or ((prob < 0) | (prob > 1)).any():
        raise ValueError(f"y_prob must hold one probability in [0, 1] per row ({len(y)}), got shape {prob.shape}.")
    groups = _groups(sensitive, len(y))
    n_bins = check_int("n_bins", n_bins, low=1)
    bins = np.minimum((prob * n_bins).astype(int), n_bins - 1)
    frame = pd.DataFrame({"group": groups, "bin": bins, "score": prob, "y": y})
    table = frame.groupby(["group", "bin"]).agg(mean_score=("score", "mean"), observed=("y", "mean"),
                                                count=("y", "size"))
    return table.reset_index()


def rates_by_period(y_true: object, y_pred: object, sensitive: object, period: object) -> pd.DataFrame:
    """Fairness over time: the gaps between groups in each period (a monitoring hook).

    Parameters
    ----------
    y_true, y_pred, sensitive : array-like, shape (n,)
        As in :func:`group_rates`.
    period : array-like, shape (n,)
        The period of each row (a month, a week, a batch id); sorted in the output.

    Returns
    -------
    DataFrame
        One row per period: ``count``, ``selection_rate_gap`` (demographic
        parity difference), ``tpr_gap`` (equal opportunity difference),
        ``fpr_gap`` and ``four_fifths_ratio``. A period with a single group gets NaNs.

    Examples
    --------
    >>> out = rates_by_period([1, 0, 1, 0] * 2, [1, 0, 0, 0] * 2, ["a", "a", "b", "b"] * 2, [1] * 4 + [2] * 4)
    >>> out["selection_rate_gap"].tolist()
    [0.5, 0.5]
    """
    y, y_hat, groups = _checked(y_true, y_pred, sensitive)
    periods = np.asarray(period, dtype=object)
    if periods.shape != y.shape or pd.isna(periods).any():
        raise ValueError(f"period must give one non-missing period per row ({len(y)}), got shape {periods.shape}.")
    rows = {}
    for t in sorted(set(periods.tolist())):
        mask = periods == t
        gaps = {"count": int(mask.sum())}
        if len(set(groups[mask].tolist())) > 1:
            table = group_rates(y[mask], y_hat[mask], groups[mask])
            gaps |= {f"{m}_gap": table[m].max() - table[m].min() for m in ("selection_rate", "tpr", "fpr")}
            gaps["four_fifths_ratio"] = four_fifths_ratio(y_hat[mask], groups[mask])
        rows[t] = gaps
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("period")


class Float64Proba(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose ``predict_proba`` returns float64.

    fairlearn's ``ThresholdOptimizer`` fails under pandas 3 on float32 scores
    (XGBoost's), so wrap a fitted model before passing it with ``prefit=True``.

    Parameters
    ----------
    estimator : fitted classifier with ``predict_proba`` and ``classes_``

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> fitted = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> Float64Proba(fitted).predict_proba([[0.5]]).dtype
    dtype('float64')
    """

    def __init__(self, estimator: object) -> None:
        self.estimator = estimator

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self.estimator, "classes_")

    @property
    def classes_(self) -> np.ndarray:
        return self.estimator.classes_

    def fit(self, X: object, y: object, **fit_params: object) -> Float64Proba:
        """Fit the wrapped estimator in place and return self."""
        self.estimator.fit(X, y, **fit_params)
        return self

    def predict_proba(self, X: object) -> np.ndarray:
        """The wrapped estimator's probabilities as float64."""
        if not hasattr(self.estimator, "predict_proba"):
            raise TypeError(f"{type(self.estimator).__name__} has no predict_proba; wrap a probabilistic classifier.")
        return np.asarray(self.estimator.predict_proba(X), dtype=np.float64)

    def predict(self, X: object) -> np.ndarray:
        """The wrapped estimator's class predictions."""
        return self.estimator.predict(X)


#: The pandas-3 deprecations that fairlearn 0.15's ExponentiatedGradient triggers on every fit.
_FAIRLEARN_PANDAS4 = (
    "Setting a value on a Series via .at with a key that does not exist",
    "Setting an item of incompatible dtype is deprecated",
)


def fit_exponentiated_gradient(
    estimator: object, constraint: str, X: object, y: object, sensitive: object, *,
    eps: float = 0.01, max_iter: int = 50,
) -> object:
    """Fit fairlearn's ``ExponentiatedGradient`` (Agarwal et al., 2018) under a named constraint.

    fairlearn 0.15 enlarges pandas Series with ``.at`` inside its loop, which
    pandas 3 deprecates with a ``Pandas4Warning``, and sets booleans into a
    float Series; exactly those two warnings are silenced here, nothing else.

    Parameters
    ----------
    estimator : unfitted classifier accepting ``sample_weight``
    constraint : {"demographic_parity", "equalized_odds"}
    X : array of shape (n, d)
    y : array-like of 0/1, shape (n,)
    sensitive : array-like, shape (n,)
    eps : float, default 0.01
        Allowed constraint violation (fairlearn's ``eps``), positive.
    max_iter : int, default 50

    Returns
    -------
    fairlearn.reductions.ExponentiatedGradient
        Fitted; call ``predict(X, random_state=...)``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X, a = rng.standard_normal((200, 2)), np.repeat(["a", "b"], 100)
    >>> y = (X[:, 0] + (a == "a") > 0.5).astype(int)
    >>> eg = fit_exponentiated_gradient(LogisticRegression(), "demographic_parity", X, y, a)
    >>> eg.predict(X, random_state=0).shape
    (200,)
    """
    from fairlearn.reductions import DemographicParity, EqualizedOdds, ExponentiatedGradient

    constraints = {"demographic_parity": DemographicParity, "equalized_odds": EqualizedOdds}
    if constraint not in constraints:
        raise ValueError(f"constraint must be one of {sorted(constraints)}, got {constraint!r}.")
    y_ = check_binary("y", y)
    groups = _groups(sensitive, len(y_))
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not eps > 0:
        raise ValueError(f"eps must be a positive number, got {eps!r}.")
    reduction = ExponentiatedGradient(estimator, constraints[constraint](), eps=eps,
                                      max_iter=check_int("max_iter", max_iter, low=1))
    with warnings.catch_warnings():
        for message in _FAIRLEARN_PANDAS4:
            warnings.filterwarnings("ignore", message=message, category=Pandas4Warning)
        return reduction.fit(X, y_, sensitive_features=groups)
