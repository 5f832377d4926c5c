"""labutils.plotting: the figure helpers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from labutils.plotting import PALETTE, dotplot, feature_figure  # noqa: E402


@pytest.fixture
def frame():
    return pd.DataFrame({"v": [0.1, 0.2, 0.5, 0.6], "g": ["a", "a", "b", "b"], "h": ["x", "y", "x", "y"]})


def test_dotplot_draws_one_row_per_category_in_order(frame):
    "dotplot: categories appear top to bottom in order of first appearance"
    ax = dotplot(frame, x="v", y="g", xlabel="value (units)")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_xlabel() == "value (units)"
    plt.close("all")


def test_dotplot_colours_hue_levels_with_the_palette(frame):
    "dotplot: hue levels take the palette's first colours and get a legend"
    ax = dotplot(frame, x="v", y="g", hue="h", xlabel="v")
    dots = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
    assert np.allclose(dots[0].get_facecolor()[0][:3], matplotlib.colors.to_rgb(PALETTE[0]))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x", "y"]
    plt.close("all")


def test_dotplot_draws_reference_line(frame):
    "dotplot: the reference value is drawn as a vertical line"
    ax = dotplot(frame, x="v", y="g", xlabel="v", reference=0.5, reference_label="chance")
    assert any(np.allclose(line.get_xdata(), 0.5) for line in ax.get_lines())
    plt.close("all")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"data": [1, 2]}, TypeError, "must be a pandas DataFrame"),
        ({"data": pd.DataFrame({"v": [], "g": []})}, ValueError, "empty"),
        ({"x": "nope"}, ValueError, r"column\(s\) \['nope'\] not in the data"),
        ({"x": "g"}, TypeError, "must be numeric"),
        ({"data": pd.DataFrame({"v": [np.nan], "g": ["a"]})}, ValueError, "NaNs"),
        ({"hue": "v"}, None, None),
    ],
)
def test_dotplot_rejects_bad_input(frame, kwargs, error, match):
    "dotplot: bad data or column names raise clear errors"
    args = {"data": frame, "x": "v", "y": "g", "xlabel": "v", **kwargs}
    if error is None:  # four hue levels are fine
        dotplot(**args)
    else:
        with pytest.raises(error, match=match):
            dotplot(**args)
    plt.close("all")


def test_dotplot_rejects_too_many_hue_levels():
    "dotplot: more hue levels than palette colours is unreadable"
    df = pd.DataFrame({"v": range(8), "g": ["a"] * 8, "h": list("abcdefgh")})
    with pytest.raises(ValueError, match="at most 7"):
        dotplot(df, x="v", y="g", hue="h", xlabel="v")


def test_feature_figure_checks_its_arguments():
    "feature_figure: a bad glue key or a non-figure is refused; outside a kernel it does nothing"
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="glue key"):
        feature_figure("has space", fig)
    with pytest.raises(TypeError, match="Figure"):
        feature_figure("gallery_x", "not a figure")
    assert feature_figure("gallery_x", fig) is None
    plt.close(fig)
