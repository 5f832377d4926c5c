"""labutils.design: capacity estimates and architecture diagrams ("How to design an ML system")."""

import matplotlib.pyplot as plt
import pytest
from numpy.testing import assert_allclose

from labutils.design import Box, architecture_figure, capacity_estimate


def test_capacity_arithmetic():
    "capacity_estimate: rates, reads and storage follow from the assumptions, and scale multiplies them"
    est = capacity_estimate(events_per_day=86_400, peak_to_mean=4, feature_reads_per_event=3,
                            bytes_per_event=500, retention_days=10)
    assert_allclose(est["value"], [86_400, 1, 4, 12, 0.0432, 0.432])
    big = capacity_estimate(events_per_day=86_400, peak_to_mean=4, feature_reads_per_event=3, scale=100)
    assert_allclose(big.loc["peak feature reads", "value"], 1200)
    assert list(est.columns) == ["value", "unit", "formula"]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"events_per_day": 0, "peak_to_mean": 2}, ValueError, "events_per_day must be positive"),
    ({"events_per_day": 10, "peak_to_mean": 0.5}, ValueError, "at least 1"),
    ({"events_per_day": "10", "peak_to_mean": 2}, TypeError, "events_per_day must be a finite number"),
    ({"events_per_day": 10, "peak_to_mean": 2, "bytes_per_event": -1}, ValueError, "non-negative"),
    ({"events_per_day": float("nan"), "peak_to_mean": 2}, TypeError, "finite"),
])
def test_capacity_bad_input(kwargs, error, message):
    "capacity_estimate: zero, negative, non-finite or non-numeric assumptions are refused"
    with pytest.raises(error, match=message):
        capacity_estimate(**kwargs)


def test_diagram_draws_every_box_and_label():
    "architecture_figure: one text per box and per labelled arrow, one arrow patch per arrow"
    fig = architecture_figure([Box("a", 0, 0, "source"), Box("b", 1, 0, "online"), Box("c", 1, 1, "store")],
                              [("a", "b", "requests"), ("b", "c")])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c", "requests"]
    assert sum(type(p).__name__ == "FancyArrowPatch" for p in ax.patches) == 2
    plt.close(fig)


@pytest.mark.parametrize("boxes, arrows, error, message", [
    ([], [], ValueError, "non-empty list"),
    ([("a", 0, 0)], [], TypeError, "must be a Box"),
    ([Box("a", 0, 0, "cloud")], [], ValueError, "kind 'cloud'"),
    ([Box("a", 0, 0), Box("a", 1, 0)], [], ValueError, "two boxes are named 'a'"),
    ([Box("a", 0, 0)], [("a", "z")], ValueError, r"unknown boxes \['z'\]"),
    ([Box("a", 0, 0)], [("a",)], TypeError, "from, to"),
])
def test_diagram_bad_input(boxes, arrows, error, message):
    "architecture_figure: empty, untyped, unknown-kind, duplicate boxes and dangling arrows are refused"
    with pytest.raises(error, match=message):
        architecture_figure(boxes, arrows)
