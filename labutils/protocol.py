"""The test period, read in the open: every choice says what data it used, every test read is recorded.

A chapter that compares models, tunes a hyper-parameter or picks a threshold
calls :func:`select` with the data the choice was made on, which may be the
training data, the validation period or cross-validation inside the training
data, never the test period. A chapter that reports a model's test score calls
:func:`score_test`, once per reported model. Both leave a record that the
build collects into the book's "Protocol" page, so a reader can check, per
chapter, how often the test period was read and what each choice used.

Introduced in the chapter "Model evaluation deep dive" (``chapters/evaluation.md``).
"""

from __future__ import annotations

import re
from typing import TypeVar

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from .claims import record
from .evaluation import _labels_and_scores, bootstrap_ci, expected_calibration_error

__all__ = ["SELECTION_DATA", "record_test_read", "score_test", "select"]

#: The data a choice may be made on.
SELECTION_DATA = ("train", "valid", "train-cv")
_SLUG = re.compile(r"[^A-Za-z0-9_.\-]+")
_reads: dict[str, int] = {}  # test reads per model name in this session
_choices: dict[str, int] = {}  # choices per name, so that every record has its own key
T = TypeVar("T")


def _label(kind: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{kind} must be a non-empty string naming it, e.g. 'threshold', got {value!r}.")
    return value.strip()


def select(what: str, choice: T, *, on: str) -> T:
    """Record a choice (a hyper-parameter, a threshold, a model) and the data it was made on.

    Parameters
    ----------
    what : str
        What was chosen, e.g. ``"alert threshold"``.
    choice : object
        The chosen value; returned unchanged. Its ``str`` goes into the record.
    on : {"train", "valid", "train-cv"}
        The data the choice was made on. ``"test"`` is refused: the test
        period never chooses anything.

    Returns
    -------
    object
        ``choice``.

    Raises
    ------
    ValueError
        If ``what`` is empty or ``on`` is not one of :data:`SELECTION_DATA`.

    Examples
    --------
    >>> select("max_depth", 4, on="valid")
    4
    >>> select("max_depth", 4, on="test")
    Traceback (most recent call last):
    ...
    ValueError: on='test' is not allowed: choose on 'train', 'valid' or 'train-cv', then score the test period once with score_test.
    """
    what = _label("what", what)
    if on not in SELECTION_DATA:
        raise ValueError(f"on={on!r} is not allowed: choose on 'train', 'valid' or 'train-cv', "
                         "then score the test period once with score_test.")
    _choices[what] = _choices.get(what, 0) + 1
    record(f"_protocol.select.{_SLUG.sub('_', what)}.{_choices[what]}", 1, kind="protocol", event="select",
           what=what, on=on, choice=str(choice)[:80])
    return choice


def score_test(
    model: str,
    y_true: object,
    y_prob: object,
    *,
    groups: object,
    n_resamples: int = 200,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Score one reported model on the test period, once: ROC-AUC, ECE and Brier with cluster intervals.

    The intervals are cluster-bootstrap intervals of
    :func:`labutils.evaluation.bootstrap_ci` with ``groups`` (the day, for
    flights). The read is recorded for the "Protocol" page, which flags a
    model scored more than once: a second look at the test period after a
    change is a selection on it (``make test`` fails on it).

    Parameters
    ----------
    model : str
        The reported model's name, unique within the chapter.
    y_true : array-like of shape (n,)
        Binary test labels.
    y_prob : array-like of shape (n,)
        Predicted probabilities of the positive class.
    groups : array-like of shape (n,)
        The cluster of each test row, e.g. ``test["sched_dep"].dt.date``.
    n_resamples : int, default 200
    confidence : float, default 0.95
    seed : int, default 0

    Returns
    -------
    DataFrame
        Index ``auc``, ``ece``, ``brier``; columns ``estimate``, ``low``, ``high``.

    Raises
    ------
    ValueError
        On an empty model name, or bad labels, probabilities or groups.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> prob = np.clip(0.5 + (y - 0.5) * 0.4 + rng.normal(0, 0.2, 400), 0, 1)
    >>> table = score_test("demo", y, prob, groups=np.arange(400) // 20, n_resamples=50)
    >>> list(table.index), bool(table.loc["auc", "low"] < table.loc["auc", "estimate"])
    (['auc', 'ece', 'brier'], True)
    """
    model = _label("model", model)
    y, prob = _labels_and_scores(y_true, y_prob, score_name="y_prob", probabilities=True)
    metrics = {"auc": roc_auc_score, "ece": expected_calibration_error, "brier": brier_score_loss}
    rows = {name: bootstrap_ci(y, prob, fn, groups=groups, n_resamples=n_resamples, confidence=confidence,
                               seed=seed) for name, fn in metrics.items()}
    record_test_read(model, len(y))
    return pd.DataFrame(rows, index=["estimate", "low", "high"]).T


def record_test_read(model: str, n_rows: int) -> int:
    """Record one read of the test period by ``model`` for the "Protocol" page; returns its read number.

    :func:`score_test` calls it; a chapter that scores the test period with
    another metric (a forecast's MAE, say) calls it itself, so that a second
    look at the test period shows up as read 2.

    Examples
    --------
    >>> record_test_read("protocol demo", 120) >= 1
    True
    """
    model = _label("model", model)
    if isinstance(n_rows, bool) or not isinstance(n_rows, int) or n_rows < 1:
        raise ValueError(f"n_rows must be the positive number of test rows read, got {n_rows!r}.")
    _reads[model] = _reads.get(model, 0) + 1
    record(f"_protocol.test.{_SLUG.sub('_', model)}.{_reads[model]}", n_rows, kind="protocol", event="test",
           model=model, read=_reads[model])
    return _reads[model]
