"""labutils.fraud: the generator's truth, the streaming state against brute force and itself, the metrics, bad input."""

import hashlib

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import average_precision_score, roc_auc_score

from labutils.fraud import (
    FEATURES,
    LOG_COLUMNS,
    START,
    StreamingFeatures,
    daily_costs,
    hold_costs,
    labels_known,
    make_transactions,
    paired_day_bootstrap,
    paired_mean_diff,
    precision_at_capacity,
    rules_score,
    stream_features,
)


@pytest.fixture(scope="module")
def log():
    return make_transactions(n_cards=800, n_days=30, seed=3)


@pytest.fixture(scope="module")
def features(log):
    return stream_features(log)


def brute_force(log: pd.DataFrame) -> pd.DataFrame:
    """Every window recomputed from scratch for each event: O(n^2), independent of the state."""
    t = ((log["time"] - START) // pd.Timedelta(seconds=1)).to_numpy()
    card, device, amount = log["card"].to_numpy(), log["device"].to_numpy(), log["amount"].to_numpy()
    rows = []
    for i in range(len(log)):
        before = np.arange(i)
        same_card = before[card[before] == card[i]]
        in_hour = same_card[t[same_card] > t[i] - 3_600]
        in_day = same_card[t[same_card] > t[i] - 86_400]
        on_device = before[(device[before] == device[i]) & (t[before] > t[i] - 86_400)]
        gap = min(t[i] - t[same_card[-1]], 604_800) if len(same_card) else 604_800
        rows.append((amount[i], (t[i] % 86_400) // 3_600, len(in_hour), amount[in_hour].sum(), len(in_day),
                     amount[in_day].sum(), gap, len(on_device), len(set(card[on_device]) | {card[i]})))
    return pd.DataFrame(rows, columns=list(FEATURES), index=log.index)


def test_generator_is_sorted_and_has_its_columns(log):
    "make_transactions: the log is sorted by time and has the documented columns"
    assert list(log.columns) == list(LOG_COLUMNS)
    assert log["time"].is_monotonic_increasing


def test_generator_prevalence_and_kinds():
    "make_transactions: 0.1-0.5% fraud at the default size, from rings and lone fraudsters"
    full = make_transactions(seed=0)
    assert 0.001 < full["is_fraud"].mean() < 0.005
    assert set(full.loc[full["is_fraud"], "kind"]) == {"ring", "lone"}
    assert (full["ring"] >= 0).eq(full["kind"] == "ring").all()


def test_generator_rings_share_devices(log):
    "make_transactions: a ring's devices serve several cards; legitimate devices rarely do"
    rings = log[log["kind"] == "ring"].groupby("device")["card"].nunique()
    legit = log[log["kind"] == "legit"].groupby("device")["card"].nunique()
    assert rings.mean() > 3 and legit.mean() < 1.2


def test_generator_chargebacks_come_later_only_for_fraud(log):
    "make_transactions: every fraud and only fraud has a chargeback, at least half a day later"
    assert (log["chargeback_at"].notna() == log["is_fraud"]).all()
    delay = (log["chargeback_at"] - log["time"]).dropna()
    assert (delay >= pd.Timedelta(hours=12)).all()


def test_generator_is_deterministic():
    "make_transactions: the same seed gives the same log, byte for byte; another seed does not"
    def digest(frame):
        return hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()).hexdigest()
    a, b = make_transactions(n_cards=400, n_days=14, seed=1), make_transactions(n_cards=400, n_days=14, seed=1)
    assert digest(a) == digest(b)
    assert digest(a) != digest(make_transactions(n_cards=400, n_days=14, seed=2))


def test_features_equal_brute_force(log, features):
    "StreamingFeatures: every feature of every event equals a from-scratch recomputation of its windows"
    head = log.iloc[:3_000]
    expected = brute_force(head)
    assert_allclose(features.iloc[:3_000].to_numpy(dtype=float), expected.to_numpy(dtype=float), atol=0.011)
    counts = [c for c in FEATURES if "amount" not in c]
    assert (features.iloc[:3_000][counts].to_numpy() == expected[counts].to_numpy()).all()


def test_features_are_point_in_time(log, features):
    "StreamingFeatures: changing a later event never changes an earlier event's features"
    altered = log.copy()
    altered.loc[altered.index[-1], "amount"] = 99_999.0
    altered.loc[altered.index[-1], "card"] = log["card"].iloc[0]
    again = stream_features(altered)
    assert again.iloc[:-1].equals(features.iloc[:-1])


def test_window_boundary_is_open_on_the_left():
    "StreamingFeatures: an event exactly 1 h (or 24 h) old has left the window"
    state = StreamingFeatures()
    state.update(0, card=1, device=1, amount=10.0)
    assert state.update(3_600, card=1, device=1, amount=1.0)[2] == 0
    assert state.update(86_400, card=1, device=1, amount=1.0)[4] == 1  # the event at 3,600 s only


def test_offline_and_online_agree(log, features):
    "skew test: a state restored from a checkpoint and fed JSON-like requests one by one equals the backfill"
    cut = len(log) // 2
    state = StreamingFeatures()
    state.process(log.iloc[:cut])
    online = StreamingFeatures.restore(state.snapshot())
    rest = log.iloc[cut:]
    seconds = ((rest["time"] - START) // pd.Timedelta(seconds=1)).tolist()
    served = [online.update(int(t), card=int(c), device=int(d), amount=float(a))
              for t, c, d, a in zip(seconds, rest["card"], rest["device"], rest["amount"])]
    served = pd.DataFrame(served, columns=list(FEATURES), index=rest.index)
    assert int((served != features.iloc[cut:]).any(axis=1).sum()) == 0


def test_chunked_replay_equals_one_pass(log, features):
    "StreamingFeatures: replaying the log in chunks through one state equals one pass"
    state = StreamingFeatures()
    parts = [state.process(log.iloc[i:i + 500]) for i in range(0, len(log), 500)]
    assert pd.concat(parts).equals(features)


def test_labels_known_after_delay_and_review(log):
    "labels_known: nothing at lag 0 without reviews, all frauds eventually, reviewed frauds at once"
    assert not labels_known(log, 0).any()
    assert (labels_known(log, 365) == log["is_fraud"].to_numpy()).all()
    reviewed = log["is_fraud"].to_numpy().copy()
    assert (labels_known(log, 0, reviewed=reviewed) == reviewed).all()
    seven = labels_known(log, 7).sum()
    assert labels_known(log, 1).sum() <= seven <= labels_known(log, 30).sum()


def test_precision_at_capacity_by_hand():
    "precision_at_capacity: each day's top-k, pooled over days; a short day reviews all of its events"
    y = [1, 0, 0, 0, 1, 1, 1]
    score = [0.9, 0.8, 0.1, 0.7, 0.6, 0.2, 0.5]
    day = [0, 0, 0, 1, 1, 1, 2]
    assert precision_at_capacity(y, score, day, capacity=2) == pytest.approx(3 / 5)


def test_hold_costs_by_hand():
    "hold_costs: reviews cost review_cost each, approved fraud its amount"
    curve = hold_costs([1, 0, 1], [0.2, 0.5, 0.9], [40.0, 10.0, 100.0], review_cost=5)
    assert curve["cost"].tolist() == [15.0, 50.0, 45.0, 140.0]
    assert curve["frauds_missed"].tolist() == [0, 1, 1, 2]


def test_daily_costs_sum_to_hold_costs():
    "daily_costs: the days' costs add up to hold_costs at the same threshold"
    rng = np.random.default_rng(0)
    y = rng.random(500) < 0.05
    score, amount, day = rng.random(500), rng.uniform(1, 100, 500), np.arange(500) // 50
    curve = hold_costs(y, score, amount, review_cost=3)
    row = curve.iloc[200]
    total = daily_costs(y, score, amount, day, threshold=row["threshold"], review_cost=3).sum()
    assert total == pytest.approx(row["cost"])


def test_paired_day_bootstrap_point_estimates_match_sklearn():
    "paired_day_bootstrap: the point estimates are sklearn's PR-AUC and ROC-AUC, ties included"
    rng = np.random.default_rng(1)
    y = (rng.random(3_000) < 0.03).astype(int)
    a = np.round(y + rng.normal(0, 1, 3_000), 1)  # rounded: many ties
    b = rng.integers(0, 4, 3_000).astype(float)
    day = np.arange(3_000) // 100
    table = paired_day_bootstrap(y, a, b, day, capacity=5, n_resamples=50)
    assert table.loc["pr_auc", "a"] == pytest.approx(average_precision_score(y, a))
    assert table.loc["roc_auc", "b"] == pytest.approx(roc_auc_score(y, b))
    assert table.loc["precision_at_capacity", "a"] == pytest.approx(precision_at_capacity(y, a, day, capacity=5))


def test_paired_day_bootstrap_interval_contains_estimate_and_pairs():
    "paired_day_bootstrap: intervals bracket the estimates; a score against itself differs by exactly 0"
    rng = np.random.default_rng(2)
    y = (rng.random(4_000) < 0.04).astype(int)
    a = y + rng.normal(0, 1, 4_000)
    day = np.arange(4_000) // 200
    table = paired_day_bootstrap(y, a, a, day, capacity=10, n_resamples=100)
    assert (table["a_low"] <= table["a"]).all() and (table["a"] <= table["a_high"]).all()
    assert (table[["diff", "diff_low", "diff_high"]].to_numpy() == 0).all()


def test_paired_mean_diff():
    "paired_mean_diff: the mean difference, inside its interval"
    diff, low, high = paired_mean_diff([3.0, 5.0, 4.0, 6.0], [1.0, 2.0, 2.0, 3.0], n_resamples=200)
    assert diff == 2.5 and low <= diff <= high


def test_rules_score_orders_by_points_then_amount():
    "rules_score: more broken rules rank higher; within equal points the larger amount"
    X = pd.DataFrame({"amount": [10.0, 50.0, 500.0], "card_n_1h": [0, 0, 0], "device_cards_24h": [1, 1, 1],
                      "device_n_24h": [1, 1, 1]})
    assert np.argsort(rules_score(X, amount_limit=100)).tolist() == [0, 1, 2]


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error", [
    ({"n_cards": 10}, ValueError), ({"n_days": 3}, ValueError), ({"seed": -1}, ValueError),
    ({"n_cards": 1.5}, TypeError), ({"n_days": True}, TypeError)])
def test_generator_rejects_bad_arguments(kwargs, error):
    "make_transactions: too few cards or days, bad seeds and non-integers are refused"
    with pytest.raises(error):
        make_transactions(**kwargs)


def test_update_rejects_time_going_backwards():
    "StreamingFeatures.update: an event earlier than the previous one is refused, naming the fix"
    state = StreamingFeatures()
    state.update(100, card=1, device=1, amount=1.0)
    with pytest.raises(ValueError, match="time order"):
        state.update(99, card=1, device=1, amount=1.0)


@pytest.mark.parametrize("kwargs, error", [
    ({"time": 1.5, "card": 1, "device": 1, "amount": 1.0}, TypeError),
    ({"time": 1, "card": "a", "device": 1, "amount": 1.0}, TypeError),
    ({"time": 1, "card": 1, "device": 1, "amount": 0.0}, ValueError),
    ({"time": 1, "card": 1, "device": 1, "amount": float("nan")}, ValueError)])
def test_update_rejects_bad_events(kwargs, error):
    "StreamingFeatures.update: non-integer times or ids and non-positive amounts are refused"
    with pytest.raises(error):
        StreamingFeatures().update(kwargs.pop("time"), **kwargs)


def test_process_rejects_unsorted_empty_or_incomplete_logs(log):
    "StreamingFeatures.process: unsorted, empty, non-frame or incomplete logs are refused"
    with pytest.raises(ValueError, match="not sorted"):
        stream_features(log.iloc[::-1])
    with pytest.raises(ValueError, match="empty"):
        stream_features(log.iloc[:0])
    with pytest.raises(ValueError, match="lacks"):
        stream_features(log.drop(columns="device"))
    with pytest.raises(TypeError):
        stream_features(log.to_numpy())
    with pytest.raises(TypeError, match="datetimes"):
        stream_features(log.assign(time=np.arange(len(log))))


def test_restore_rejects_foreign_snapshots():
    "StreamingFeatures.restore: anything but a snapshot's bytes is refused"
    import pickle
    with pytest.raises(TypeError):
        StreamingFeatures.restore("state")
    with pytest.raises(ValueError, match="not a StreamingFeatures"):
        StreamingFeatures.restore(pickle.dumps({"a": 1}))


def test_labels_known_rejects_bad_arguments(log):
    "labels_known: negative lags and a reviewed mask of the wrong shape or type are refused"
    with pytest.raises(ValueError):
        labels_known(log, -1)
    with pytest.raises(ValueError, match="reviewed"):
        labels_known(log, 1, reviewed=np.ones(3, bool))
    with pytest.raises(ValueError, match="reviewed"):
        labels_known(log, 1, reviewed=np.ones(len(log)))
    with pytest.raises(ValueError, match="lacks"):
        labels_known(log.drop(columns="chargeback_at"), 1)


@pytest.mark.parametrize("capacity, error", [(0, ValueError), (1.5, TypeError)])
def test_precision_at_capacity_rejects_bad_capacity(capacity, error):
    "precision_at_capacity: capacity <= 0 or not an int is refused"
    with pytest.raises(error):
        precision_at_capacity([0, 1], [0.1, 0.9], [0, 0], capacity=capacity)


def test_metrics_reject_mismatched_or_empty_inputs():
    "metrics: scores of the wrong length, NaN scores, bad days and empty labels are refused"
    with pytest.raises(ValueError):
        precision_at_capacity([0, 1], [0.1], [0, 0], capacity=1)
    with pytest.raises(ValueError):
        precision_at_capacity([0, 1], [0.1, np.nan], [0, 0], capacity=1)
    with pytest.raises(ValueError, match="day"):
        precision_at_capacity([0, 1], [0.1, 0.2], [0], capacity=1)
    with pytest.raises(ValueError, match="empty"):
        precision_at_capacity([], [], [], capacity=1)
    with pytest.raises(ValueError, match="amount"):
        hold_costs([0, 1], [0.1, 0.2], [1.0, -1.0], review_cost=5)
    with pytest.raises(ValueError, match="review_cost"):
        hold_costs([0, 1], [0.1, 0.2], [1.0, 1.0], review_cost=0)
    with pytest.raises(TypeError, match="threshold"):
        daily_costs([0, 1], [0.1, 0.2], [1.0, 1.0], [0, 1], threshold=None, review_cost=5)


def test_paired_day_bootstrap_rejects_one_day_or_one_class():
    "paired_day_bootstrap: a single day, a single class or mismatched scores are refused"
    y, s = np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8])
    with pytest.raises(ValueError, match="single day"):
        paired_day_bootstrap(y, s, s, [0, 0, 0, 0], capacity=1)
    with pytest.raises(ValueError, match="single class"):
        paired_day_bootstrap([0, 0, 0, 0], s, s, [0, 0, 1, 1], capacity=1)
    with pytest.raises(ValueError, match="score_b"):
        paired_day_bootstrap(y, s, s[:3], [0, 0, 1, 1], capacity=1)
    with pytest.raises(ValueError, match="confidence"):
        paired_day_bootstrap(y, s, s, [0, 0, 1, 1], capacity=1, confidence=1.0)


def test_paired_mean_diff_rejects_bad_input():
    "paired_mean_diff: different lengths, a single day or NaN are refused"
    with pytest.raises(ValueError):
        paired_mean_diff([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        paired_mean_diff([1.0], [1.0])
    with pytest.raises(ValueError):
        paired_mean_diff([1.0, np.nan], [1.0, 2.0])


def test_rules_score_rejects_bad_input():
    "rules_score: an empty frame, missing features or a bad amount limit are refused"
    X = pd.DataFrame({"amount": [1.0], "card_n_1h": [0], "device_cards_24h": [1], "device_n_24h": [0]})
    with pytest.raises(ValueError, match="non-empty"):
        rules_score(X.iloc[:0], amount_limit=10)
    with pytest.raises(ValueError, match="lacks"):
        rules_score(X.drop(columns="card_n_1h"), amount_limit=10)
    with pytest.raises(ValueError, match="amount_limit"):
        rules_score(X, amount_limit=-1)
