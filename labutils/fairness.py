"""Fairness assessment on the Adult census data: the shared model and its split.

The chapters "Bias and fairness tracking" and "Model cards and datasheets" use
the same model, so both build it here.
"""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import train_test_split
from xgboost import XGBClassifier

from ._checks import check_int
from .datasets import ADULT_TARGET, load_adult

__all__ = ["ADULT_FEATURES", "ADULT_SENSITIVE", "adult_model", "adult_split"]

#: Sensitive attributes: kept for assessment, left out of the model's inputs.
ADULT_SENSITIVE = ("sex", "race")
#: The model's inputs: every Adult column except the label and the sensitive attributes.
ADULT_FEATURES = (
    "age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week",
    "workclass", "education", "marital_status", "occupation", "relationship", "native_country",
)  # fmt: skip


def adult_split(*, test_size: float = 0.3, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified train/test split of :func:`labutils.datasets.load_adult`.

    Parameters
    ----------
    test_size : float, default 0.3
        Share of rows in the test set, in (0, 1).
    seed : int, default 0

    Returns
    -------
    train, test : DataFrame
        All columns, including :data:`ADULT_SENSITIVE` and the label.

    Examples
    --------
    >>> train, test = adult_split()
    >>> len(train), len(test)
    (31655, 13567)
    """
    check_int("seed", seed, low=0)
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) or not 0 < test_size < 1:
        raise ValueError(f"test_size must be a share in (0, 1), got {test_size!r}.")
    adult = load_adult()
    return train_test_split(adult, test_size=test_size, stratify=adult[ADULT_TARGET], random_state=seed)


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
        enable_categorical=True, n_jobs=2, random_state=seed,
    )  # fmt: skip
