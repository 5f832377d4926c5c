"""Clustering: choosing k, a DBSCAN radius, and when segment-then-model pays.

Every function runs its clustering on one thread (OpenMP and BLAS): the data
sets here are small, and on a machine whose cores are busy, idle threads
spinning for work can make ``KMeans`` on a few hundred rows fifty times slower.

Introduced in the chapter "Clustered models" (``chapters/clustering.md``).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import clone, is_regressor
from sklearn.cluster import KMeans
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from ._checks import check_int
from .plotting import PALETTE

__all__ = ["compare_segmented", "k_selection_table", "kdist_eps", "make_segmented_regression",
           "plot_k_selection", "plot_partitions"]


def _check_matrix(label: str, X: object, *, min_rows: int = 2) -> np.ndarray:
    """Return ``X`` as a finite 2-D float array with at least ``min_rows`` rows."""
    try:
        array = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{label} must be numeric; encode or drop non-numeric columns first.") from err
    if array.ndim != 2:
        raise ValueError(f"{label} must be two-dimensional (rows x features), got shape {array.shape}.")
    if array.shape[0] < min_rows or array.shape[1] == 0:
        raise ValueError(f"{label} needs at least {min_rows} rows and one column, got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{label} has NaN or infinite values; impute them first (SimpleImputer in a Pipeline).")
    return array


def _check_positive(label: str, value: object, *, allow_zero: bool = False) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or not (value >= 0 if allow_zero else value > 0):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{label} must be a finite {kind} number, got {value!r}.")
    return float(value)


def k_selection_table(X: object, ks: Iterable[int] = range(2, 9), *, seed: int = 0,
                      n_init: int = 10) -> pd.DataFrame:
    """Three ways to choose the number of clusters k, one row per k.

    For each k, ``KMeans`` gives the within-cluster sum of squares
    (``inertia``, for the elbow plot) and the mean ``silhouette`` of its
    labels (Rousseeuw, 1987; higher is better), and a full-covariance
    ``GaussianMixture`` gives the ``bic`` (Schwarz, 1978; lower is better).
    Scale and impute ``X`` first: these criteria see the same distances the
    clustering does.

    Introduced in the chapter "Clustered models" (``chapters/clustering.md``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numeric and finite.
    ks : iterable of int, default range(2, 9)
        Distinct numbers of clusters, each at least 2 and below ``n_samples``
        (the silhouette needs two clusters and one sample more than k).
    seed : int, default 0
        ``random_state`` of every KMeans and GaussianMixture.
    n_init : int, default 10
        Restarts of KMeans (GaussianMixture gets ``max(1, n_init // 2)``).

    Returns
    -------
    DataFrame
        Indexed by ``k`` with columns ``inertia``, ``silhouette`` and ``bic``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.3, size=(50, 2)) for c in (0, 3, 6)])
    >>> table = k_selection_table(X, ks=[2, 3, 4])
    >>> int(table["silhouette"].idxmax()), int(table["bic"].idxmin())
    (3, 3)
    """
    X = _check_matrix("X", X, min_rows=3)
    check_int("seed", seed, low=0)
    check_int("n_init", n_init, low=1)
    ks = [check_int("each k", k, low=2) for k in ks]
    if not ks or len(set(ks)) != len(ks):
        raise ValueError(f"ks must be a non-empty list of distinct ints, got {ks}.")
    if max(ks) >= len(X):
        raise ValueError(f"every k must be below the number of samples ({len(X)}), got k = {max(ks)}.")
    rows = []
    with threadpool_limits(limits=1):
        for k in ks:
            km = KMeans(k, n_init=n_init, random_state=seed).fit(X)
            gmm = GaussianMixture(k, n_init=max(1, n_init // 2), random_state=seed).fit(X)
            rows.append({"k": k, "inertia": km.inertia_, "silhouette": silhouette_score(X, km.labels_),
                         "bic": gmm.bic(X)})
    return pd.DataFrame(rows).set_index("k")


def plot_k_selection(table: pd.DataFrame) -> np.ndarray:
    """Plot the elbow (inertia), the silhouette and the BIC against k, side by side.

    The best k by silhouette (highest) and by BIC (lowest) is circled; the
    elbow has no such rule, which is the point of showing it.

    Introduced in the chapter "Clustered models" (``chapters/clustering.md``).

    Parameters
    ----------
    table : DataFrame
        The output of :func:`k_selection_table`.

    Returns
    -------
    ndarray of three matplotlib Axes

    Examples
    --------
    >>> table = pd.DataFrame({"inertia": [9.0, 4.0, 3.0], "silhouette": [0.5, 0.6, 0.4],
    ...                       "bic": [30.0, 20.0, 25.0]}, index=pd.Index([2, 3, 4], name="k"))
    >>> [ax.get_ylabel() for ax in plot_k_selection(table)]
    ['inertia (sum of squares)', 'mean silhouette', 'BIC (Gaussian mixture)']
    >>> plt.close("all")
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be the DataFrame from k_selection_table, got {type(table).__name__}.")
    missing = {"inertia", "silhouette", "bic"} - set(table.columns)
    if missing or table.empty:
        raise ValueError(f"table must be the non-empty output of k_selection_table; missing {sorted(missing)}.")
    _, axes = plt.subplots(1, 3, figsize=(9.6, 3.0), layout="constrained")
    panels = [("inertia", "inertia (sum of squares)", None), ("silhouette", "mean silhouette", "max"),
              ("bic", "BIC (Gaussian mixture)", "min")]
    for ax, (column, label, best), colour in zip(axes, panels, PALETTE):
        ax.plot(table.index, table[column], marker="o", color=colour)
        if best is not None:
            k = table[column].idxmax() if best == "max" else table[column].idxmin()
            ax.plot([k], [table.loc[k, column]], marker="o", markersize=14, fillstyle="none",
                    color="black", linestyle="none", label=f"best k = {k}")
            ax.legend(loc="best")
        ax.set(xlabel="number of clusters k", ylabel=label, xticks=list(table.index))
    return axes


def plot_partitions(data: pd.DataFrame, *, x: str, y: str, labelings: Mapping[str, object],
                    xlabel: str, ylabel: str) -> np.ndarray:
    """Scatter ``x`` against ``y`` once per labelling, each point coloured by its label.

    Use it to put a clustering beside the ground truth. The first panel is the
    reference: its labels get the palette's colours in sorted order and a
    legend. Each later panel's labels are matched one-to-one to the reference
    labels they overlap most (the Hungarian algorithm on the contingency
    table) and take their colours, so a cluster that recovers a species is
    drawn in that species' colour. The label ``-1`` (DBSCAN's noise) is drawn
    as small grey crosses.

    Introduced in the chapter "Clustered models" (``chapters/clustering.md``).

    Parameters
    ----------
    data : DataFrame
        Holds the columns ``x`` and ``y``.
    x, y : str
        Column names.
    labelings : mapping of str to array-like
        Panel title -> one label per row of ``data`` (at most 7 distinct
        labels besides -1, one per palette colour). The first is the reference.
    xlabel, ylabel : str
        Axis labels, with units.

    Returns
    -------
    ndarray of matplotlib Axes, one per labelling

    Examples
    --------
    >>> df = pd.DataFrame({"a": [0.0, 1.0, 5.0, 6.0], "b": [0.0, 1.0, 5.0, 6.0]})
    >>> axes = plot_partitions(df, x="a", y="b", labelings={"truth": [0, 0, 1, 1], "model": [5, 5, 4, -1]},
    ...                        xlabel="a (cm)", ylabel="b (cm)")
    >>> [ax.get_title() for ax in axes]
    ['truth', 'model']
    >>> plt.close("all")
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame, got {type(data).__name__}.")
    missing = [c for c in (x, y) if c not in data.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in data; available: {list(data.columns)}.")
    if not isinstance(labelings, Mapping) or not labelings:
        raise ValueError("labelings must be a non-empty mapping of panel title -> labels.")
    labelings = {title: np.asarray(labels) for title, labels in labelings.items()}
    for title, labels in labelings.items():
        if labels.shape != (len(data),):
            raise ValueError(f"labelings[{title!r}] must have one label per row ({len(data)}), got shape "
                             f"{labels.shape}.")
        if len(set(labels.tolist()) - {-1}) > len(PALETTE):
            raise ValueError(f"labelings[{title!r}] has more than {len(PALETTE)} labels, one per palette colour.")
    _, axes = plt.subplots(1, len(labelings), figsize=(3.2 * len(labelings), 3.0), sharex=True, sharey=True,
                             layout="constrained", squeeze=False)
    reference = next(iter(labelings.values()))
    for ax, (title, labels) in zip(axes[0], labelings.items()):
        noise = labels == -1
        if noise.any():
            ax.scatter(data.loc[noise, x], data.loc[noise, y], s=12, marker="x", color="0.6", label="noise")
        for label, colour in _matched_colours(labels, reference).items():
            rows = labels == label
            ax.scatter(data.loc[rows, x], data.loc[rows, y], s=10, color=colour, alpha=0.8, label=str(label))
        ax.set(title=title, xlabel=xlabel)
    axes[0, 0].set_ylabel(ylabel)
    axes[0, 0].legend(fontsize=8, markerscale=1.5, handletextpad=0.2, borderaxespad=0.2)
    return axes[0]


def _matched_colours(labels: np.ndarray, reference: np.ndarray) -> dict[object, str]:
    """Colour each label like the reference label it overlaps most, one-to-one; -1 gets none."""
    ref_levels = np.unique(reference[reference != -1])
    levels = np.unique(labels[labels != -1])
    overlap = np.array([[np.sum((labels == a) & (reference == b)) for b in ref_levels] for a in levels])
    rows, cols = linear_sum_assignment(-overlap.reshape(len(levels), len(ref_levels)))
    colours = {levels[r]: PALETTE[c] for r, c in zip(rows, cols)}
    spare = iter(c for c in PALETTE if c not in colours.values())
    return {level: colours[level] if level in colours else next(spare) for level in levels}


def kdist_eps(X: object, *, min_samples: int, noise_share: float = 0.05) -> float:
    """A DBSCAN radius from the sorted k-distance graph (Ester et al., 1996).

    Each point's distance to its ``min_samples``-th nearest neighbour (itself
    included, as scikit-learn's ``DBSCAN`` counts) is computed; the radius is
    the ``1 - noise_share`` quantile of those distances, so that about
    ``noise_share`` of the points are too isolated to be core points. This is
    the paper's heuristic: the user guesses the share of noise, and the
    k-distance graph turns it into a radius.

    Introduced in the chapter "Clustered models" (``chapters/clustering.md``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numeric, finite, already scaled.
    min_samples : int
        The ``min_samples`` you pass to ``DBSCAN`` (at least 2, below n_samples).
    noise_share : float, default 0.05
        The share of points you expect to be noise, strictly between 0 and 1.

    Returns
    -------
    float

    Examples
    --------
    >>> X = np.arange(10.0).reshape(-1, 1)
    >>> kdist_eps(X, min_samples=2, noise_share=0.1)
    1.0
    """
    X = _check_matrix("X", X)
    check_int("min_samples", min_samples, low=2)
    if min_samples >= len(X):
        raise ValueError(f"min_samples must be below the number of samples ({len(X)}), got {min_samples}.")
    if not 0 < _check_positive("noise_share", noise_share) < 1:
        raise ValueError(f"noise_share must be strictly between 0 and 1, got {noise_share!r}.")
    with threadpool_limits(limits=1):
        distances = NearestNeighbors(n_neighbors=min_samples).fit(X).kneighbors(X)[0][:, -1]
    return float(np.quantile(distances, 1 - noise_share))


def make_segmented_regression(
    n_samples: int,
    *,
    n_segments: int = 3,
    n_features: int = 5,
    coef_spread: float = 1.0,
    separation: float = 6.0,
    noise: float = 1.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regression data from separate segments whose linear relationships may differ.

    Each row belongs to one of ``n_segments`` segments, drawn uniformly at
    random. Segment ``s`` sits at ``(s * separation, 0, ..., 0)`` in feature
    space, with ``X = centre_s + N(0, I)``. Its target is
    ``y = b_s + X @ beta_s + N(0, noise**2)``, where
    ``beta_s = beta + coef_spread * N(0, I)`` and ``b_s = coef_spread * N(0, 1)``
    deviate from coefficients ``beta ~ N(0, I)`` shared by all segments.

    Ground truth: with ``coef_spread = 0`` one linear model is correct for
    every segment, so fitting one model per segment only adds variance; with
    ``coef_spread > 0`` a single linear model is misspecified. The best
    possible test mean squared error is ``noise**2`` in both cases.

    Introduced in the chapter "Clustered models" (``chapters/clustering.md``).

    Parameters
    ----------
    n_samples : int
        At least 2.
    n_segments : int, default 3
        At least 1.
    n_features : int, default 5
        At least 1.
    coef_spread : float, default 1.0
        How much the segments' coefficients differ (0 = identical segments).
    separation : float, default 6.0
        Distance between neighbouring segment centres, in standard deviations
        of the features; at 6 k-means recovers the segments almost perfectly.
    noise : float, default 1.0
        Standard deviation of the target's noise.
    seed : int, default 0
        Seeds the coefficients, the segments and the rows.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    segment : ndarray of shape (n_samples,), ints in ``range(n_segments)``

    Examples
    --------
    >>> X, y, segment = make_segmented_regression(300, coef_spread=0.0, noise=0.1, seed=0)
    >>> X.shape, sorted(set(segment.tolist()))
    ((300, 5), [0, 1, 2])
    >>> from sklearn.linear_model import LinearRegression
    >>> bool(LinearRegression().fit(X, y).score(X, y) > 0.95)  # identical segments: one model fits
    True
    """
    check_int("n_samples", n_samples, low=2)
    check_int("n_segments", n_segments, low=1)
    check_int("n_features", n_features, low=1)
    check_int("seed", seed, low=0)
    coef_spread = _check_positive("coef_spread", coef_spread, allow_zero=True)
    separation = _check_positive("separation", separation, allow_zero=True)
    noise = _check_positive("noise", noise, allow_zero=True)
    rng = np.random.default_rng(seed)
    beta = rng.standard_normal(n_features) + coef_spread * rng.standard_normal((n_segments, n_features))
    intercept = coef_spread * rng.standard_normal(n_segments)
    segment = rng.integers(0, n_segments, n_samples)
    X = rng.standard_normal((n_samples, n_features))
    X[:, 0] += separation * segment
    y = intercept[segment] + np.einsum("ij,ij->i", X, beta[segment]) + noise * rng.standard_normal(n_samples)
    return X, y, segment


def compare_segmented(
    X: object,
    y: object,
    *,
    n_clusters: int,
    train_size: int,
    estimator: object | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Test R² of one global model against one model per k-means cluster.

    The rows are split at random into ``train_size`` training rows and a test
    set. The global model is fitted on all training rows. The segmented model
    fits ``KMeans(n_clusters)`` on the training features only (so the test set
    never shapes the segments), then one clone of ``estimator`` per cluster; a
    test row is predicted by the model of its nearest cluster centre.

    Introduced in the chapter "Clustered models" (``chapters/clustering.md``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numeric, finite features, on comparable scales (k-means uses them as is).
    y : array-like of shape (n_samples,)
        Numeric, finite target.
    n_clusters : int
        Number of segments, at least 1 and at most ``train_size``.
    train_size : int
        Training rows; at least 2, and at least 2 rows must remain for the test.
    estimator : scikit-learn regressor, optional
        Defaults to ``LinearRegression()``.
    seed : int, default 0
        Seeds the split and k-means.

    Returns
    -------
    dict
        ``global_r2``, ``segmented_r2``, ``gain`` (segmented minus global) and
        ``smallest_cluster`` (training rows in the smallest cluster).

    Examples
    --------
    >>> X, y, _ = make_segmented_regression(2000, coef_spread=1.0, seed=0)
    >>> scores = compare_segmented(X, y, n_clusters=3, train_size=600, seed=0)
    >>> bool(scores["gain"] > 0.1), bool(scores["segmented_r2"] > 0.9)
    (True, True)
    """
    X = _check_matrix("X", X)
    try:
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError("y must be a numeric target.") from err
    if y.shape != (len(X),):
        raise ValueError(f"y must be one-dimensional with one value per row of X ({len(X)}), got shape {y.shape}.")
    if not np.isfinite(y).all():
        raise ValueError("y has NaN or infinite values; drop those rows first.")
    check_int("train_size", train_size, low=2)
    if train_size > len(X) - 2:
        raise ValueError(f"train_size must leave at least 2 test rows of the {len(X)}, got {train_size}.")
    check_int("n_clusters", n_clusters, low=1)
    if n_clusters > train_size:
        raise ValueError(f"n_clusters ({n_clusters}) cannot exceed train_size ({train_size}).")
    check_int("seed", seed, low=0)
    estimator = LinearRegression() if estimator is None else estimator
    if not is_regressor(estimator):
        raise TypeError(f"estimator must be a scikit-learn regressor, got {type(estimator).__name__}.")
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=train_size, random_state=seed)
    segmented_pred = np.empty_like(y_test)
    with threadpool_limits(limits=1):
        global_pred = clone(estimator).fit(X_train, y_train).predict(X_test)
        km = KMeans(n_clusters, n_init=10, random_state=seed).fit(X_train)
        test_cluster = km.predict(X_test)
        for c in range(n_clusters):
            model = clone(estimator).fit(X_train[km.labels_ == c], y_train[km.labels_ == c])
            if (test_cluster == c).any():
                segmented_pred[test_cluster == c] = model.predict(X_test[test_cluster == c])
    global_r2, segmented_r2 = r2_score(y_test, global_pred), r2_score(y_test, segmented_pred)
    return {"global_r2": float(global_r2), "segmented_r2": float(segmented_r2),
            "gain": float(segmented_r2 - global_r2), "smallest_cluster": int(np.bincount(km.labels_).min())}
