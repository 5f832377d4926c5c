"""Behavioural checks of the chapter's experiments: directions that must hold on fresh seeds."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from labutils.datasets import load_flights, make_grouped_classification, make_noise_classification
from labutils.evaluation import holdout_auc
from labutils.leakage import leakage_report, time_split
from labutils.models import FLIGHTS_TEST_START, MODEL_FEATURES, flights_features


@pytest.mark.parametrize("seed", [101, 202])
def test_selection_outside_cv_is_optimistic_on_noise(seed):
    "ESL §7.10.2: on fresh noise, selecting before CV reports far lower error than selecting inside"
    X, y = make_noise_classification(50, 2000, seed=seed)
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    wrong = 1 - cross_val_score(KNeighborsClassifier(1), SelectKBest(k=50).fit_transform(X, y), y, cv=cv).mean()
    right = 1 - cross_val_score(make_pipeline(SelectKBest(k=50), KNeighborsClassifier(1)), X, y, cv=cv).mean()
    assert wrong < 0.2 < 0.3 < right


@pytest.mark.parametrize("seed", [5, 6])
def test_row_cv_beats_group_cv_on_grouped_data(seed):
    "grouped data: random-row CV is optimistic compared with grouped CV"
    X, y, groups = make_grouped_classification(n_groups=150, group_size=8, seed=seed)
    model = HistGradientBoostingClassifier(max_iter=50, random_state=0)
    row = cross_val_score(model, X, y, cv=KFold(4, shuffle=True, random_state=0), scoring="roc_auc").mean()
    grp = cross_val_score(model, X, y, cv=GroupKFold(4), groups=groups, scoring="roc_auc").mean()
    assert row > grp + 0.05


@pytest.fixture(scope="module")
def split():
    flights = flights_features(load_flights(n=40_000, seed=7))
    return time_split(flights, time_col="sched_dep", cutoff=FLIGHTS_TEST_START)


def test_post_outcome_feature_raises_auc_directionally(split):
    "flights: adding dep_delay (post-outcome) raises test AUC by a wide margin"
    features = list(MODEL_FEATURES)
    model = HistGradientBoostingClassifier(max_iter=60, random_state=0)
    base = holdout_auc(model, *split, features=features, target="late")
    leaky = holdout_auc(model, *split, features=[*features, "dep_delay"], target="late")
    assert 0.6 < base < 0.75 and leaky > base + 0.1


def test_honest_flights_split_passes_the_screen_except_shared_aircraft(split):
    "flights: the time split with point-in-time features only shares aircraft"
    train, test = split
    cols = [*MODEL_FEATURES, "sched_dep", "tailnum"]
    report = leakage_report(train[cols], test[cols], train["late"], time_col="sched_dep", group_col="tailnum")
    assert report["check"].tolist() == ["shared_groups"]


def test_model_is_invariant_to_column_order(split):
    "flights: permuting the feature columns does not change the test AUC"
    features = list(MODEL_FEATURES)
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0)
    a = holdout_auc(model, *split, features=features, target="late")
    b = holdout_auc(model, *split, features=features[::-1], target="late")
    assert np.isclose(a, b, atol=0.01)
