"""One look for every figure in the book: colour-blind-safe colours, labelled axes.

Introduced in the chapter "Data leakage" (``chapters/leakage.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["PALETTE", "dotplot", "feature_figure", "use_style"]

#: Okabe & Ito (2008) colour-blind-safe palette, without black.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
)


def use_style() -> None:
    """Apply the book's matplotlib style (palette, sizes, grid, no top/right spines).

    Examples
    --------
    >>> use_style()
    >>> plt.rcParams["axes.spines.top"]
    False
    """
    mpl.rcParams.update(
        {
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "image.cmap": "cividis",
        }
    )


def _require_columns(data: pd.DataFrame, names: Sequence[str | None]) -> None:
    missing = [n for n in names if n is not None and n not in data.columns]
    if missing:
        raise ValueError(
            f"column(s) {missing} not in the data; available: {list(data.columns)}"
        )


def dotplot(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    xlabel: str,
    ax: plt.Axes | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    seed: int = 0,
) -> plt.Axes:
    """Horizontal dot plot: one row per category of ``y``, a dot per value of ``x``.

    Repeated values (for example one per random seed) are jittered vertically
    and their mean is drawn as a bar, so both spread and centre are visible.

    Parameters
    ----------
    data : DataFrame
        Tidy data, one row per observation.
    x : str
        Numeric column to plot along the horizontal axis.
    y : str
        Categorical column; one row of the plot per category, in order of
        first appearance.
    hue : str, optional
        Categorical column coloured with :data:`PALETTE` (at most 7 levels).
    xlabel : str
        Horizontal axis label, with units.
    ax : Axes, optional
        Where to draw; a new figure is made if omitted.
    reference : float, optional
        Draw a dashed vertical line here (e.g. chance level).
    reference_label : str, optional
        Legend label of the reference line.
    seed : int, default 0
        Seed of the vertical jitter.

    Returns
    -------
    Axes

    Examples
    --------
    >>> df = pd.DataFrame({"error": [0.02, 0.04, 0.5, 0.48], "protocol": ["wrong"] * 2 + ["right"] * 2})
    >>> ax = dotplot(df, x="error", y="protocol", xlabel="CV error", reference=0.5)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['wrong', 'right']
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}.")
    if data.empty:
        raise ValueError("data is empty; there is nothing to plot.")
    _require_columns(data, [x, y, hue])
    if not pd.api.types.is_numeric_dtype(data[x]):
        raise TypeError(f"column {x!r} must be numeric, got dtype {data[x].dtype}.")
    if data[x].isna().any():
        raise ValueError(f"column {x!r} has NaNs; drop or fill them before plotting.")
    hues = list(pd.unique(data[hue])) if hue else [None]
    if len(hues) > len(PALETTE):
        raise ValueError(f"hue {hue!r} has {len(hues)} levels; at most {len(PALETTE)} are readable.")
    if ax is None:
        _, ax = plt.subplots()
    rng = np.random.default_rng(seed)
    rows = list(pd.unique(data[y]))
    width = 0.6 / len(hues)
    for j, (level, colour) in enumerate(zip(hues, PALETTE)):
        part = data if level is None else data[data[hue] == level]
        for i, row in enumerate(rows):
            values = part.loc[part[y] == row, x].to_numpy(dtype=float)
            if values.size == 0:
                continue
            centre = i + (j - (len(hues) - 1) / 2) * width
            jitter = rng.uniform(-width / 4, width / 4, values.size) if values.size > 1 else 0.0
            label = level if (level is not None and i == 0) else None
            ax.scatter(values, centre + jitter, s=18, color=colour, alpha=0.7, label=label)
            ax.vlines(values.mean(), centre - width / 2, centre + width / 2, color=colour, lw=2.5)
    if reference is not None:
        ax.axvline(reference, color="0.4", ls="--", lw=1, label=reference_label)
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if hue or reference_label:
        ax.legend(loc="best", fontsize=9)
    return ax


def feature_figure(name: str, fig: plt.Figure) -> None:
    """Store a chapter's figure under ``name`` for the "Featured model results" gallery.

    Call it in the figure's cell just before ``plt.show()``. The figure is kept
    as a hidden myst-nb glue record (the same PNG the cell shows), which the
    gallery pastes with ``{featured-figure}``; nothing is displayed twice.
    Outside a Jupyter kernel this does nothing.

    Parameters
    ----------
    name : str
        The glue key, ``gallery_<chapter>_<what>`` by convention.
    fig : matplotlib Figure

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> feature_figure("gallery_demo_line", fig)
    >>> plt.close(fig)
    """
    from .claims import GLUE_PREFIX, _NAME

    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be a glue key of letters, digits, '_', '.' or '-', got {name!r}.")
    if not isinstance(fig, mpl.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure (plt.gcf()), got {type(fig).__name__}.")
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    bundle, metadata = format_display_data(fig)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)

