"""labutils.clustering: choosing k, DBSCAN's radius, partition plots and segment-then-model."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from numpy.testing import assert_allclose
from sklearn.cluster import KMeans
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors

from labutils.clustering import (compare_segmented, k_selection_table, kdist_eps, make_segmented_regression,
                                 plot_k_selection, plot_partitions)
from labutils.plotting import PALETTE


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal(c, 0.3, size=(40, 2)) for c in (0, 4, 8)])


# k_selection_table

def test_k_selection_finds_three_blobs(blobs):
    "k_selection_table: silhouette and BIC both pick k = 3 on three well-separated blobs"
    table = k_selection_table(blobs, ks=range(2, 6))
    assert list(table.index) == [2, 3, 4, 5]
    assert table["silhouette"].idxmax() == 3
    assert table["bic"].idxmin() == 3


def test_k_selection_inertia_falls_with_k(blobs):
    "k_selection_table: inertia never rises as k grows, and silhouettes lie in [-1, 1]"
    table = k_selection_table(blobs, ks=[2, 3, 4, 5, 6])
    assert (np.diff(table["inertia"]) <= 1e-9).all()
    assert table["silhouette"].between(-1, 1).all()


def test_k_selection_is_seeded(blobs):
    "k_selection_table: the same seed gives the same table"
    pd.testing.assert_frame_equal(k_selection_table(blobs, ks=[2, 3]), k_selection_table(blobs, ks=[2, 3]))


@pytest.mark.parametrize("X, kwargs, error, match", [
    (np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]]), {}, ValueError, "impute"),
    (np.zeros(10), {}, ValueError, "two-dimensional"),
    (np.array([["a", "b"], ["c", "d"], ["e", "f"]]), {}, TypeError, "numeric"),
    (np.random.default_rng(0).normal(size=(5, 2)), {"ks": [2, 5]}, ValueError, "below the number"),
    (np.random.default_rng(0).normal(size=(9, 2)), {"ks": [1, 2]}, ValueError, "at least 2"),
    (np.random.default_rng(0).normal(size=(9, 2)), {"ks": []}, ValueError, "non-empty"),
    (np.random.default_rng(0).normal(size=(9, 2)), {"ks": [2, 2]}, ValueError, "distinct"),
    (np.random.default_rng(0).normal(size=(9, 2)), {"ks": [2.5]}, TypeError, "int"),
    (np.random.default_rng(0).normal(size=(9, 2)), {"seed": -1}, ValueError, "seed"),
])  # fmt: skip
def test_k_selection_rejects_bad_input(X, kwargs, error, match):
    "k_selection_table: NaNs, wrong shapes, text, bad ks and seeds raise clear errors"
    with pytest.raises(error, match=match):
        k_selection_table(X, **kwargs)


# plot_k_selection

def test_plot_k_selection_draws_three_panels():
    "plot_k_selection: three labelled panels, the best k circled on silhouette and BIC"
    table = pd.DataFrame({"inertia": [9.0, 4.0, 3.0], "silhouette": [0.5, 0.6, 0.4], "bic": [30.0, 20.0, 25.0]},
                         index=pd.Index([2, 3, 4], name="k"))
    axes = plot_k_selection(table)
    assert len(axes) == 3
    assert [ax.get_legend().get_texts()[0].get_text() for ax in axes[1:]] == ["best k = 3", "best k = 3"]
    assert all(ax.get_xlabel() == "number of clusters k" for ax in axes)
    plt.close("all")


@pytest.mark.parametrize("table, error", [
    (np.zeros((3, 3)), TypeError),
    (pd.DataFrame({"inertia": [1.0], "silhouette": [0.5]}), ValueError),
    (pd.DataFrame(columns=["inertia", "silhouette", "bic"]), ValueError),
])  # fmt: skip
def test_plot_k_selection_rejects_bad_tables(table, error):
    "plot_k_selection: anything but a non-empty k_selection_table output raises"
    with pytest.raises(error):
        plot_k_selection(table)


# kdist_eps

def test_kdist_eps_on_a_grid():
    "kdist_eps: on evenly spaced points every nearest-neighbour distance is the spacing"
    X = np.arange(0.0, 20.0, 2.0).reshape(-1, 1)
    assert_allclose(kdist_eps(X, min_samples=2), 2.0)
    assert_allclose(kdist_eps(X, min_samples=3, noise_share=0.5), 2.0)


def test_kdist_eps_leaves_the_requested_share_outside():
    "kdist_eps: about noise_share of the points have their k-distance above eps"
    X = np.random.default_rng(0).normal(size=(1000, 3))
    for share in (0.05, 0.2):
        eps = kdist_eps(X, min_samples=5, noise_share=share)
        kdist = NearestNeighbors(n_neighbors=5).fit(X).kneighbors(X)[0][:, -1]
        assert_allclose((kdist > eps).mean(), share, atol=0.01)


@pytest.mark.parametrize("kwargs, error", [
    ({"min_samples": 1}, ValueError),
    ({"min_samples": 10}, ValueError),
    ({"min_samples": 2.0}, TypeError),
    ({"min_samples": 2, "noise_share": 0}, ValueError),
    ({"min_samples": 2, "noise_share": 1.0}, ValueError),
    ({"min_samples": 2, "noise_share": float("nan")}, ValueError),
])  # fmt: skip
def test_kdist_eps_rejects_bad_arguments(kwargs, error):
    "kdist_eps: min_samples outside [2, n) and noise shares outside (0, 1) raise"
    with pytest.raises(error):
        kdist_eps(np.arange(10.0).reshape(-1, 1), **kwargs)


# make_segmented_regression

def test_segmented_regression_identical_segments_are_one_linear_model():
    "make_segmented_regression: with coef_spread=0 OLS recovers the noise variance"
    X, y, _ = make_segmented_regression(5000, coef_spread=0.0, noise=0.5, seed=1)
    residuals = y - LinearRegression().fit(X, y).predict(X)
    assert_allclose(residuals.var(), 0.25, rtol=0.05)


def test_segmented_regression_differing_segments_need_one_model_each():
    "make_segmented_regression: with coef_spread>0 only per-segment OLS reaches the noise variance"
    X, y, segment = make_segmented_regression(6000, coef_spread=1.0, noise=0.5, seed=2)
    pooled = y - LinearRegression().fit(X, y).predict(X)
    assert pooled.var() > 1.0
    for s in range(3):
        rows = segment == s
        within = y[rows] - LinearRegression().fit(X[rows], y[rows]).predict(X[rows])
        assert_allclose(within.var(), 0.25, rtol=0.1)


def test_segmented_regression_segments_are_recoverable():
    "make_segmented_regression: k-means on X recovers the segments at the default separation"
    X, _, segment = make_segmented_regression(900, seed=3)
    labels = KMeans(3, n_init=10, random_state=0).fit_predict(X)
    assert adjusted_rand_score(segment, labels) > 0.95


def test_segmented_regression_is_seeded():
    "make_segmented_regression: the same seed gives the same data, another seed different data"
    first, again, other = (make_segmented_regression(50, seed=s) for s in (0, 0, 1))
    for a, b in zip(first, again):
        assert_allclose(a, b)
    assert not np.allclose(first[1], other[1])


@pytest.mark.parametrize("kwargs, error", [
    ({"n_samples": 1}, ValueError),
    ({"n_samples": 10.0}, TypeError),
    ({"n_samples": 10, "n_segments": 0}, ValueError),
    ({"n_samples": 10, "n_features": 0}, ValueError),
    ({"n_samples": 10, "coef_spread": -1.0}, ValueError),
    ({"n_samples": 10, "noise": float("inf")}, ValueError),
    ({"n_samples": 10, "separation": "far"}, ValueError),
    ({"n_samples": 10, "seed": -3}, ValueError),
])  # fmt: skip
def test_segmented_regression_rejects_bad_arguments(kwargs, error):
    "make_segmented_regression: bad sizes, negative or infinite scales and bad seeds raise"
    with pytest.raises(error):
        make_segmented_regression(**kwargs)


# compare_segmented

def test_compare_segmented_pays_when_segments_differ():
    "compare_segmented: differing segments with enough rows: per-cluster models win clearly"
    X, y, _ = make_segmented_regression(1600, coef_spread=1.0, noise=0.5, seed=0)
    scores = compare_segmented(X, y, n_clusters=3, train_size=600, seed=0)
    assert scores["gain"] > 0.1
    assert_allclose(scores["gain"], scores["segmented_r2"] - scores["global_r2"])
    assert scores["smallest_cluster"] > 150


def test_compare_segmented_overfits_identical_small_segments():
    "compare_segmented: identical segments with few rows each: the global model wins"
    X, y, _ = make_segmented_regression(1030, coef_spread=0.0, seed=0)
    scores = compare_segmented(X, y, n_clusters=3, train_size=30, seed=0)
    assert scores["gain"] < 0


def test_compare_segmented_one_cluster_is_the_global_model():
    "compare_segmented: with one cluster both models are the same fit"
    X, y, _ = make_segmented_regression(300, seed=4)
    scores = compare_segmented(X, y, n_clusters=1, train_size=100, seed=0)
    assert_allclose(scores["gain"], 0.0, atol=1e-12)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"train_size": 1}, ValueError, "train_size"),
    ({"train_size": 99}, ValueError, "test rows"),
    ({"n_clusters": 0}, ValueError, "n_clusters"),
    ({"n_clusters": 30, "train_size": 20}, ValueError, "exceed"),
    ({"estimator": LogisticRegression()}, TypeError, "regressor"),
    ({"seed": 1.5}, TypeError, "seed"),
])  # fmt: skip
def test_compare_segmented_rejects_bad_arguments(kwargs, error, match):
    "compare_segmented: sizes that leave no test set, too many clusters and classifiers raise"
    X, y, _ = make_segmented_regression(100, seed=0)
    args = {"n_clusters": 3, "train_size": 50, **kwargs}
    with pytest.raises(error, match=match):
        compare_segmented(X, y, **args)


@pytest.mark.parametrize("y, error, match", [
    (np.zeros(99), ValueError, "one value per row"),
    (np.full(100, np.nan), ValueError, "NaN"),
    (np.array(["a"] * 100), TypeError, "numeric"),
])  # fmt: skip
def test_compare_segmented_rejects_bad_targets(y, error, match):
    "compare_segmented: a target of the wrong length, with NaNs or text raises"
    X, _, _ = make_segmented_regression(100, seed=0)
    with pytest.raises(error, match=match):
        compare_segmented(X, y, n_clusters=3, train_size=50)


# plot_partitions

def test_plot_partitions_one_panel_per_labelling():
    "plot_partitions: one titled panel per labelling, noise drawn in grey, string labels accepted"
    df = pd.DataFrame({"a": [0.0, 1.0, 5.0, 6.0], "b": [1.0, 2.0, 3.0, 4.0]})
    axes = plot_partitions(df, x="a", y="b", labelings={"species": ["x", "x", "y", "y"], "dbscan": [0, 0, 1, -1]},
                           xlabel="a (mm)", ylabel="b (g)")
    assert [ax.get_title() for ax in axes] == ["species", "dbscan"]
    assert axes[0].get_ylabel() == "b (g)"
    noise = axes[1].collections[0]
    assert_allclose(noise.get_offsets(), [[6.0, 4.0]])
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["x", "y"]
    plt.close("all")


def test_plot_partitions_matches_cluster_colours_to_the_reference():
    "plot_partitions: a cluster takes the colour of the reference label it overlaps most"
    df = pd.DataFrame({"a": np.arange(6.0), "b": np.arange(6.0)})
    labelings = {"truth": ["p", "p", "q", "q", "r", "r"], "clusters": [2, 2, 0, 0, 0, 1]}
    axes = plot_partitions(df, x="a", y="b", labelings=labelings, xlabel="a", ylabel="b")
    colours = {tuple(c.get_offsets()[0]): c.get_facecolor()[0][:3] for c in axes[1].collections}
    assert_allclose(colours[(0.0, 0.0)], to_rgb(PALETTE[0]))  # cluster 2 ~ "p"
    assert_allclose(colours[(2.0, 2.0)], to_rgb(PALETTE[1]))  # cluster 0 ~ "q"
    assert_allclose(colours[(5.0, 5.0)], to_rgb(PALETTE[2]))  # cluster 1 ~ "r"
    plt.close("all")


def test_plot_partitions_more_clusters_than_reference_labels_get_spare_colours():
    "plot_partitions: clusters without a reference partner get distinct unused colours"
    df = pd.DataFrame({"a": np.arange(4.0), "b": np.arange(4.0)})
    axes = plot_partitions(df, x="a", y="b", labelings={"truth": [0, 0, 1, 1], "many": [0, 1, 2, 3]},
                           xlabel="a", ylabel="b")
    colours = {tuple(c.get_facecolor()[0][:3]) for c in axes[1].collections}
    assert len(colours) == 4
    plt.close("all")


@pytest.mark.parametrize("data, kwargs, error", [
    (np.zeros((4, 2)), {}, TypeError),
    (None, {"x": "missing"}, ValueError),
    (None, {"labelings": {}}, ValueError),
    (None, {"labelings": {"short": [0, 1]}}, ValueError),
    (None, {"labelings": {"many": list(range(8))}}, ValueError),
])  # fmt: skip
def test_plot_partitions_rejects_bad_input(data, kwargs, error):
    "plot_partitions: non-DataFrames, unknown columns, empty or mis-sized labellings and too many labels raise"
    df = pd.DataFrame({"a": np.arange(8.0), "b": np.arange(8.0)})
    args = {"x": "a", "y": "b", "labelings": {"ok": [0] * 8}, "xlabel": "a", "ylabel": "b", **kwargs}
    with pytest.raises(error):
        plot_partitions(df if data is None else data, **args)
