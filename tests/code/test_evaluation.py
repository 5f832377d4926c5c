"""labutils.evaluation.holdout_auc."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression

from labutils.evaluation import holdout_auc


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = (x + rng.normal(size=400) > 0).astype(int)
    df = pd.DataFrame({"x": x, "noise": rng.normal(size=400), "y": y})
    return df[:300], df[300:]


def test_holdout_auc_informative_feature_beats_noise(data):
    "holdout_auc: a feature that drives the label scores well above one that does not"
    train, test = data
    good = holdout_auc(LogisticRegression(), train, test, features=["x"], target="y")
    bad = holdout_auc(LogisticRegression(), train, test, features=["noise"], target="y")
    assert good > 0.75 and abs(bad - 0.5) < 0.1


def test_holdout_auc_does_not_fit_the_given_estimator(data):
    "holdout_auc: the estimator passed in stays unfitted"
    model = LogisticRegression()
    holdout_auc(model, *data, features=["x"], target="y")
    assert not hasattr(model, "coef_")


def test_holdout_auc_matches_hand_computation():
    "holdout_auc: the documented 8-row example"
    df = pd.DataFrame({"x": range(8), "y": [0, 0, 1, 0, 1, 0, 1, 1]})
    # test rows x = 4..7 with labels 1, 0, 1, 1: the score rises with x, so the pairs
    # (6, 5) and (7, 5) are ranked right and (4, 5) wrong
    assert_allclose(holdout_auc(LogisticRegression(), df[:4], df[4:], features=["x"], target="y"), 2 / 3)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"estimator": object()}, TypeError, "fit and predict_proba"),
        ({"features": []}, ValueError, "features is empty"),
        ({"features": ["missing"]}, ValueError, r"lacks column\(s\) \['missing'\]"),
        ({"train": "not a frame"}, TypeError, "must be a pandas DataFrame"),
        ({"test": pd.DataFrame(columns=["x", "y"])}, ValueError, "test is empty"),
    ],
)
def test_holdout_auc_rejects_bad_input(data, change, error, match):
    "holdout_auc: bad estimators, columns and frames raise clear errors"
    args = {"estimator": LogisticRegression(), "train": data[0], "test": data[1],
            "features": ["x"], "target": "y", **change}
    with pytest.raises(error, match=match):
        holdout_auc(**args)


def test_holdout_auc_rejects_missing_labels_and_single_class(data):
    "holdout_auc: NaN labels and one-class test sets are reported"
    train, test = data
    with pytest.raises(ValueError, match="missing labels"):
        holdout_auc(LogisticRegression(), train.assign(y=np.nan), test, features=["x"], target="y")
    with pytest.raises(ValueError, match="single class"):
        holdout_auc(LogisticRegression(), train, test.assign(y=1), features=["x"], target="y")
