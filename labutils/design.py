"""ML system design: back-of-envelope capacity estimates computed in code, and architecture diagrams drawn offline.

A design document's numbers (requests per second at the peak, feature-store
reads, storage) are arithmetic on a few stated assumptions; :func:`capacity_estimate`
does that arithmetic in one place, with each row's formula beside its value,
so the chapter can glue the numbers instead of typing them. An architecture
diagram is a handful of boxes and arrows; :func:`architecture_figure` draws it
with matplotlib, so it renders offline with the rest of the book (no diagram
service, no JavaScript) and carries a caption and alt text like any figure.

Introduced in the chapter "How to design an ML system" (``chapters/design.md``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .plotting import PALETTE

__all__ = ["BOX_KINDS", "Box", "architecture_figure", "capacity_estimate"]

#: What a box in a diagram stands for, and its colour.
BOX_KINDS = {"source": PALETTE[4], "offline": PALETTE[0], "store": PALETTE[2], "online": PALETTE[1],
             "consumer": PALETTE[3]}


def _number(label: str, value: object, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{label} must be a finite number, got {value!r}.")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{label} must be {'positive' if positive else 'non-negative'}, got {value}.")
    return float(value)


def capacity_estimate(*, events_per_day: float, peak_to_mean: float, feature_reads_per_event: float = 0.0,
                      bytes_per_event: float = 0.0, retention_days: float = 0.0, scale: float = 1.0) -> pd.DataFrame:
    """Back-of-envelope capacity: request rates, feature-store reads and storage, from stated assumptions.

    Parameters
    ----------
    events_per_day : float
        Predictions (requests, transactions, page views) per day today.
    peak_to_mean : float
        The busiest second's rate over the day's mean rate (at least 1);
        measure it from data where there are data.
    feature_reads_per_event : float, default 0
        Online feature-store lookups per prediction.
    bytes_per_event : float, default 0
        Bytes logged per prediction (features, score, later the label).
    retention_days : float, default 0
        How long the logs are kept.
    scale : float, default 1
        Growth factor applied to ``events_per_day`` (e.g. 100 for "at 100× scale").

    Returns
    -------
    DataFrame
        One row per quantity, indexed by name: ``value``, ``unit`` and the ``formula``.

    Examples
    --------
    >>> est = capacity_estimate(events_per_day=864_000, peak_to_mean=3, feature_reads_per_event=2,
    ...                         bytes_per_event=1_000, retention_days=30)
    >>> est.loc[["mean rate", "peak rate", "peak feature reads"], "value"].tolist()
    [10.0, 30.0, 60.0]
    >>> float(est.loc["log storage, retained", "value"])
    25.92
    """
    per_day = _number("events_per_day", events_per_day, positive=True)
    peak = _number("peak_to_mean", peak_to_mean, positive=True)
    if peak < 1:
        raise ValueError(f"peak_to_mean must be at least 1 (the peak is never below the mean), got {peak}.")
    reads = _number("feature_reads_per_event", feature_reads_per_event)
    size = _number("bytes_per_event", bytes_per_event)
    days = _number("retention_days", retention_days)
    per_day *= _number("scale", scale, positive=True)
    mean_rate = per_day / 86_400
    rows = [("events per day", per_day, "events/day", "events_per_day × scale"),
            ("mean rate", mean_rate, "events/s", "events per day / 86,400 s"),
            ("peak rate", mean_rate * peak, "events/s", "mean rate × peak_to_mean"),
            ("peak feature reads", mean_rate * peak * reads, "reads/s", "peak rate × feature_reads_per_event"),
            ("log storage per day", per_day * size / 1e9, "GB/day", "events per day × bytes_per_event"),
            ("log storage, retained", per_day * size * days / 1e9, "GB", "storage per day × retention_days")]
    return pd.DataFrame(rows, columns=["quantity", "value", "unit", "formula"]).set_index("quantity")


class Box(NamedTuple):
    """A box of an architecture diagram: its label, grid position (column, row from the top) and kind."""

    name: str
    column: float
    row: float
    kind: str = "offline"


def architecture_figure(boxes: Sequence[Box], arrows: Sequence[tuple[str, str] | tuple[str, str, str]], *,
                        size: tuple[float, float] = (7.0, 3.2)) -> plt.Figure:
    """Draw an architecture diagram: boxes on a grid, arrows between them, a legend of the box kinds.

    Parameters
    ----------
    boxes : sequence of Box
        Names must be unique; ``kind`` is one of :data:`BOX_KINDS`.
    arrows : sequence of (from, to) or (from, to, label)
        Box names.
    size : (float, float), default (7, 3.2)
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = architecture_figure([Box("events", 0, 0, "source"), Box("model", 1, 0, "online")],
    ...                           [("events", "model", "features")])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['events', 'model', 'features']
    >>> plt.close(fig)
    """
    if isinstance(boxes, (str, Mapping)) or not isinstance(boxes, Sequence) or not boxes:
        raise ValueError("boxes must be a non-empty list of Box(name, column, row, kind).")
    found: dict[str, Box] = {}
    for box in boxes:
        if not isinstance(box, Box):
            raise TypeError(f"each box must be a Box(name, column, row, kind), got {box!r}.")
        if box.kind not in BOX_KINDS:
            raise ValueError(f"box {box.name!r} has kind {box.kind!r}; use one of {list(BOX_KINDS)}.")
        if box.name in found:
            raise ValueError(f"two boxes are named {box.name!r}; names must be unique.")
        found[box.name] = box
    for arrow in arrows:
        if not isinstance(arrow, tuple) or len(arrow) not in (2, 3):
            raise TypeError(f"each arrow must be (from, to) or (from, to, label), got {arrow!r}.")
        unknown = [end for end in arrow[:2] if end not in found]
        if unknown:
            raise ValueError(f"arrow {arrow!r} names unknown boxes {unknown}; the boxes are {list(found)}.")
    fig, ax = plt.subplots(figsize=size)
    width, height = 0.8, 0.5
    for box in found.values():
        ax.add_patch(FancyBboxPatch((box.column - width / 2, -box.row - height / 2), width, height,
                                    boxstyle="round,pad=0.02", facecolor=BOX_KINDS[box.kind], alpha=0.25,
                                    edgecolor=BOX_KINDS[box.kind], linewidth=1.5))
        ax.text(box.column, -box.row, box.name, ha="center", va="center", fontsize=8, wrap=True)
    for start, end, *label in arrows:
        a, b = found[start], found[end]
        dx, dy = b.column - a.column, a.row - b.row
        # Leave each box where the line between the centres crosses its edge.
        t = min(width / 2 / abs(dx) if dx else math.inf, height / 2 / abs(dy) if dy else math.inf)
        ax.add_patch(FancyArrowPatch((a.column + t * dx, -a.row + t * dy), (b.column - t * dx, -b.row - t * dy),
                                     arrowstyle="-|>", mutation_scale=12, shrinkA=3, shrinkB=3, color="0.3",
                                     linewidth=1))
        if label:
            ax.text((a.column + b.column) / 2, -(a.row + b.row) / 2, label[0], ha="center", va="center",
                    fontsize=7, color="0.25", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    columns = [b.column for b in found.values()]
    rows = [b.row for b in found.values()]
    ax.set(xlim=(min(columns) - 0.6, max(columns) + 0.6), ylim=(-max(rows) - 0.6, -min(rows) + 0.6))
    ax.set_axis_off()
    kinds = [k for k in BOX_KINDS if any(b.kind == k for b in found.values())]
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=BOX_KINDS[k], alpha=0.4) for k in kinds]
    ax.legend(handles, kinds, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(kinds), frameon=False,
              fontsize=7)
    return fig
