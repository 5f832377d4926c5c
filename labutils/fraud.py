"""Card fraud: a transaction log with known truth, streaming features computed one way, and review-queue metrics.

:func:`make_transactions` simulates a card issuer: cards that shop at
merchants from their own devices, fraud rings that take over cards and share a
few devices between them, lone fraudsters, and chargebacks that arrive days
after the fraud. :class:`StreamingFeatures` is the one implementation of the
streaming features (counts and amounts per card over 1 h and 24 h, distinct
cards per device over 24 h): an incremental state updated event by event, which
the offline backfill replays over the whole log and the online service keeps
up to date request by request, so training and serving cannot disagree.
:func:`labels_known` says which labels a monitor has seen some days after the
events; :func:`precision_at_capacity`, :func:`hold_costs` and
:func:`paired_day_bootstrap` turn scores into the review team's numbers, with
intervals that resample whole days.

Introduced in the chapter "Case study: real-time fraud detection" (``chapters/design_fraud.md``).
"""

from __future__ import annotations

import numbers
import pickle
from collections import deque
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._checks import check_binary, check_groups, check_int, resample_weights
from .stats import bootstrap_ci

__all__ = [
    "FEATURES",
    "LOG_COLUMNS",
    "StreamingFeatures",
    "daily_costs",
    "hold_costs",
    "labels_known",
    "make_transactions",
    "paired_day_bootstrap",
    "paired_mean_diff",
    "precision_at_capacity",
    "rules_score",
    "stream_features",
]

#: Columns of the event log that :func:`make_transactions` returns.
LOG_COLUMNS = ("time", "card", "merchant", "device", "amount", "is_fraud", "kind", "ring", "chargeback_at")
#: The streaming features, in the order :meth:`StreamingFeatures.update` returns them. Every
#: aggregate covers the card's or device's *earlier* events in the window, never the current one,
#: except ``device_cards_24h``, which counts the current card among the device's distinct cards.
FEATURES = ("amount", "hour", "card_n_1h", "card_amount_1h", "card_n_24h", "card_amount_24h",
            "card_gap_s", "device_n_24h", "device_cards_24h")  # fmt: skip
HOUR, DAY = 3_600, 86_400
#: ``card_gap_s`` for a card's first event, and its cap: a week.
MAX_GAP = 7 * DAY
START = pd.Timestamp("2024-01-01")
_HOURLY = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3.5, 4.5, 5, 5.5, 6, 6, 5.5, 5.5, 5.5, 6, 6.5, 6.5, 6,
                    5, 3.5, 2])  # fmt: skip


def _seconds_in_day(rng: np.random.Generator, n: int) -> np.ndarray:
    hours = rng.choice(24, size=n, p=_HOURLY / _HOURLY.sum())
    return hours * HOUR + rng.integers(0, HOUR, size=n)


def _bursts(rng: np.random.Generator, start: np.ndarray, extra_mean: float, gap_s: float) -> tuple:
    """Each start time opens a burst of 1 + Poisson(extra_mean) events, exponential gaps apart."""
    sizes = 1 + rng.poisson(extra_mean, size=len(start))
    owner = np.repeat(np.arange(len(start)), sizes)
    first = np.r_[0, np.cumsum(sizes)[:-1]]
    gaps = rng.exponential(gap_s, size=len(owner)).round().astype(np.int64)
    gaps[first] = 0
    offset = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first], sizes)
    return owner, start[owner] + offset


def make_transactions(*, n_cards: int = 5_000, n_days: int = 120, seed: int = 0) -> pd.DataFrame:
    """A card issuer's transaction log with planted fraud and delayed chargebacks; ground truth known.

    Legitimate spending: card ``c`` makes Poisson(``n_days`` λ_c) purchases,
    λ_c ~ Gamma(2, 0.25) a day (mean 0.5), on uniformly drawn days at hours of a
    daytime-heavy profile; a purchase opens a spree of Poisson(0.15) more within
    minutes. Amounts are lognormal around a card's own scale (median about $25).
    Merchants are Zipf-popular (exponent 1.1, 1,000 of them, 5% high-risk).
    Each card has a home device; 8% of cards share the home device of another
    card (a household) and 30% also use a second device of their own.

    Fraud, about 0.3% of events, of two kinds. *Rings* (one per 400 cards per
    120 days): a ring owns two or three devices, takes over 1 + Poisson(20) cards
    during a 3-day campaign, and hits each card once with a burst of
    1 + Poisson(2) purchases about 8 minutes apart from one of its devices,
    mostly at high-risk merchants, with large amounts (median $150).
    *Lone* fraud (2.5 per 10,000 card-days): one burst of 1 + Poisson(1)
    purchases, from a new device (70%) or the card's own (30%), median $80.
    Each fraudulent event is charged back 0.5 + Gamma(2, 4) days later (mean
    8.5 days); legitimate events never are.

    Parameters
    ----------
    n_cards : int, default 5000
        At least 400 (one ring).
    n_days : int, default 120
        At least 14 (a ring's campaign fits).
    seed : int, default 0

    Returns
    -------
    DataFrame
        One row per transaction, sorted by ``time`` (whole seconds from
        2024-01-01), columns :data:`LOG_COLUMNS`: ``card``, ``merchant`` and
        ``device`` integer ids, ``amount`` in dollars, ``is_fraud`` the truth,
        ``kind`` (``legit``, ``ring``, ``lone``), ``ring`` (-1 if none) and
        ``chargeback_at`` (NaT for legitimate events).

    Examples
    --------
    >>> log = make_transactions(n_cards=400, n_days=14, seed=0)
    >>> bool(log["time"].is_monotonic_increasing), bool(0 < log["is_fraud"].mean() < 0.05)
    (True, True)
    >>> bool((log["chargeback_at"].notna() == log["is_fraud"]).all())
    True
    """
    n_cards = check_int("n_cards", n_cards, low=400)
    n_days = check_int("n_days", n_days, low=14)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    n_merchants = 1_000
    popularity = 1 / np.arange(1, n_merchants + 1) ** 1.1
    risky = rng.choice(n_merchants, size=n_merchants // 20, replace=False)
    scale = np.exp(rng.normal(np.log(25), 0.5, size=n_cards))
    home = np.arange(n_cards)
    household = rng.random(n_cards) < 0.08
    home[household] = rng.integers(0, n_cards, size=int(household.sum()))
    second = np.where(rng.random(n_cards) < 0.3, n_cards + np.arange(n_cards), -1)
    next_device = 2 * n_cards

    # Legitimate purchases and their sprees.
    rate = rng.gamma(2.0, 0.25, size=n_cards)
    card = np.repeat(np.arange(n_cards), rng.poisson(rate * n_days))
    start = rng.integers(0, n_days, size=len(card)) * DAY + _seconds_in_day(rng, len(card))
    owner, time = _bursts(rng, start, 0.15, 240)
    card = card[owner]
    use_second = (second[card] >= 0) & (rng.random(len(card)) < 0.3)
    legit = {"time": time, "card": card,
             "merchant": rng.choice(n_merchants, size=len(card), p=popularity / popularity.sum()),
             "device": np.where(use_second, second[card], home[card]),
             "amount": scale[card] * np.exp(rng.normal(0, 0.8, size=len(card))),
             "kind": np.zeros(len(card), dtype=np.int8), "ring": np.full(len(card), -1)}

    # Rings: a few devices, many cards, one burst per card during a campaign.
    n_rings = max(1, rng.poisson(n_cards * n_days / (400 * 120)))
    ring_size = 1 + rng.poisson(20, size=n_rings)
    ring = np.repeat(np.arange(n_rings), ring_size)
    n_devices = rng.integers(2, 4, size=n_rings)
    campaign = rng.integers(0, n_days - 3, size=n_rings) * DAY
    hit = campaign[ring] + rng.integers(0, 3 * DAY, size=len(ring))
    owner, ring_time = _bursts(rng, hit, 2.0, 480)
    ring_of = ring[owner]
    ring_device = next_device + 3 * ring_of + rng.integers(0, n_devices[ring_of])
    next_device += 3 * n_rings
    ring_card = rng.integers(0, n_cards, size=len(ring))[owner]
    rings = {"time": ring_time, "card": ring_card,
             "merchant": np.where(rng.random(len(owner)) < 0.7, rng.choice(risky, size=len(owner)),
                                  rng.choice(n_merchants, size=len(owner), p=popularity / popularity.sum())),
             "device": ring_device, "amount": np.exp(rng.normal(np.log(150), 0.6, size=len(owner))),
             "kind": np.ones(len(owner), dtype=np.int8), "ring": ring_of}

    # Lone fraudsters: one burst each, from a new device or the card's own.
    n_lone = rng.poisson(n_cards * n_days * 2.5e-4)
    lone_card = rng.integers(0, n_cards, size=n_lone)
    start = rng.integers(0, n_days, size=n_lone) * DAY + rng.integers(0, DAY, size=n_lone)
    owner, lone_time = _bursts(rng, start, 1.0, 600)
    new_device = next_device + np.arange(n_lone)
    lone = {"time": lone_time, "card": lone_card[owner],
            "merchant": np.where(rng.random(len(owner)) < 0.4, rng.choice(risky, size=len(owner)),
                                 rng.choice(n_merchants, size=len(owner), p=popularity / popularity.sum())),
            "device": np.where(rng.random(n_lone) < 0.7, new_device, home[lone_card])[owner],
            "amount": np.exp(rng.normal(np.log(80), 0.9, size=len(owner))),
            "kind": np.full(len(owner), 2, dtype=np.int8), "ring": np.full(len(owner), -1)}

    parts = [legit, rings, lone]
    log = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in legit})
    log = log[log["time"] < n_days * DAY].sort_values("time", kind="stable").reset_index(drop=True)
    fraud = log["kind"].to_numpy() > 0
    delay = (0.5 + rng.gamma(2.0, 4.0, size=len(log))) * DAY
    seconds = log["time"].to_numpy()
    log["time"] = START + pd.to_timedelta(seconds, unit="s")
    log["amount"] = log["amount"].round(2).clip(lower=0.5)
    log["is_fraud"] = fraud
    log["kind"] = pd.Categorical.from_codes(log["kind"], categories=["legit", "ring", "lone"])
    log["chargeback_at"] = (START + pd.to_timedelta(np.where(fraud, seconds + delay.round(), np.nan), unit="s"))
    return log[list(LOG_COLUMNS)]


def _check_log(log: object, columns: Sequence[str] = ("time", "card", "device", "amount")) -> pd.DataFrame:
    if not isinstance(log, pd.DataFrame):
        raise TypeError(f"log must be a DataFrame like make_transactions() returns, got {type(log).__name__}.")
    missing = [c for c in columns if c not in log.columns]
    if missing:
        raise ValueError(f"log lacks the columns {missing}; it needs {list(columns)}.")
    if log.empty:
        raise ValueError("log is empty; pass at least one transaction.")
    if "time" in columns:
        if not pd.api.types.is_datetime64_any_dtype(log["time"]):
            raise TypeError(f"log['time'] must be datetimes, got dtype {log['time'].dtype}.")
        if not log["time"].is_monotonic_increasing:
            raise ValueError("log['time'] is not sorted; streaming features replay the log in time order, "
                             "so sort it first: log.sort_values('time', kind='stable').")
    return log


def _seconds(times: pd.Series) -> np.ndarray:
    return ((times - START) // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)


class StreamingFeatures:
    """Point-in-time streaming features as an incremental state: the one implementation, offline and online.

    The state keeps, per card, its events of the last 24 h (and the last hour's
    running totals) and its last event time; per device, its events of the last
    24 h and how often each card appears among them. :meth:`update` first
    expires events that left the windows, then reads the features of the new
    event from the state (so they describe only what happened before it), then
    adds the event. Replayed over the whole log (:meth:`process`), it is the
    offline backfill that training reads; kept in a service and fed one
    request at a time, it is the online feature store. :meth:`snapshot` and
    :meth:`restore` move the state between the two.

    A window covers ``(t - w, t]``: an event exactly ``w`` seconds old has left it.

    Examples
    --------
    >>> state = StreamingFeatures()
    >>> state.update(0, card=1, device=7, amount=10.0)[2:]
    (0, 0.0, 0, 0.0, 604800, 0, 1)
    >>> state.update(600, card=1, device=7, amount=5.0)[2:]
    (1, 10.0, 1, 10.0, 600, 1, 1)
    >>> state.update(700, card=2, device=7, amount=1.0)[-2:]
    (2, 2)
    >>> state.update(3_600, card=1, device=8, amount=1.0)[2:6]
    (1, 5.0, 2, 15.0)
    """

    def __init__(self) -> None:
        self._card_day: dict[int, deque] = {}
        self._card_hour: dict[int, deque] = {}
        self._card_sums: dict[int, list[float]] = {}  # [amount in 1 h, amount in 24 h]
        self._card_last: dict[int, int] = {}
        self._device_day: dict[int, deque] = {}
        self._device_cards: dict[int, dict[int, int]] = {}
        self._now = -np.inf

    @property
    def entries(self) -> int:
        """Events held in the windows (per card for 1 h and 24 h, per device for 24 h): the state's size."""
        return (sum(map(len, self._card_day.values())) + sum(map(len, self._card_hour.values()))
                + sum(map(len, self._device_day.values())))

    def update(self, time: int, *, card: int, device: int, amount: float) -> tuple:
        """Features of one new event from the earlier ones, then add it to the state.

        Parameters
        ----------
        time : int
            Seconds since 2024-01-01; never earlier than the previous event's.
        card, device : int
            Ids.
        amount : float
            Dollars, positive.

        Returns
        -------
        tuple
            The values of :data:`FEATURES`, in that order.
        """
        for label, value in (("time", time), ("card", card), ("device", device)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{label} must be an int, got {value!r}.")
        if isinstance(amount, bool) or not isinstance(amount, numbers.Real) or not amount > 0:
            raise ValueError(f"amount must be a positive number of dollars, got {amount!r}.")
        if time < self._now:
            raise ValueError(f"time {time} is earlier than the previous event's {self._now}; feed events in "
                             "time order (sort the log by time).")
        self._now = time
        day = self._card_day.setdefault(card, deque())
        hour = self._card_hour.setdefault(card, deque())
        sums = self._card_sums.setdefault(card, [0.0, 0.0])
        while day and day[0][0] <= time - DAY:
            sums[1] -= day.popleft()[1]
        while hour and hour[0][0] <= time - HOUR:
            sums[0] -= hour.popleft()[1]
        if not hour:
            sums[0] = 0.0  # no rounding residue once the window is empty
        if not day:
            sums[1] = 0.0
        seen = self._device_day.setdefault(device, deque())
        cards = self._device_cards.setdefault(device, {})
        while seen and seen[0][0] <= time - DAY:
            old = seen.popleft()[1]
            cards[old] -= 1
            if not cards[old]:
                del cards[old]
        gap = min(time - self._card_last.get(card, time - MAX_GAP), MAX_GAP)
        features = (float(amount), (time % DAY) // HOUR, len(hour), round(sums[0], 2), len(day),
                    round(sums[1], 2), gap, len(seen), len(cards) + (card not in cards))
        day.append((time, amount))
        hour.append((time, amount))
        sums[0] += amount
        sums[1] += amount
        self._card_last[card] = time
        seen.append((time, card))
        cards[card] = cards.get(card, 0) + 1
        return features

    def process(self, log: pd.DataFrame) -> pd.DataFrame:
        """Replay a time-sorted log through :meth:`update`: the offline backfill.

        Parameters
        ----------
        log : DataFrame
            With ``time`` (datetimes, sorted), ``card``, ``device`` and ``amount``.

        Returns
        -------
        DataFrame
            :data:`FEATURES`, one row per event, on ``log``'s index.
        """
        log = _check_log(log)
        rows = [self.update(t, card=c, device=d, amount=a) for t, c, d, a in zip(
            _seconds(log["time"]).tolist(), log["card"].tolist(), log["device"].tolist(),
            log["amount"].tolist())]
        return pd.DataFrame(rows, columns=list(FEATURES), index=log.index)

    def snapshot(self) -> bytes:
        """The state as bytes (a checkpoint), for :meth:`restore`."""
        return pickle.dumps(self.__dict__, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def restore(cls, snapshot: bytes) -> StreamingFeatures:
        """A state from :meth:`snapshot`'s bytes.

        Only restore snapshots this process or a trusted job wrote: they are pickles.
        """
        if not isinstance(snapshot, bytes):
            raise TypeError(f"snapshot must be the bytes of StreamingFeatures.snapshot(), got "
                            f"{type(snapshot).__name__}.")
        state = cls()
        loaded = pickle.loads(snapshot)
        if not isinstance(loaded, dict) or set(loaded) != set(state.__dict__):
            raise ValueError("snapshot is not a StreamingFeatures state; pass the bytes of snapshot().")
        state.__dict__.update(loaded)
        return state


def stream_features(log: pd.DataFrame) -> pd.DataFrame:
    """The streaming features of every event of a time-sorted log, from a fresh state.

    Examples
    --------
    >>> log = make_transactions(n_cards=400, n_days=14, seed=0)
    >>> X = stream_features(log)
    >>> list(X.columns) == list(FEATURES), bool((X["device_cards_24h"] >= 1).all())
    (True, True)
    """
    return StreamingFeatures().process(log)


def _check_days(label: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{label} must be a number of days >= 0, got {value!r}.")
    return float(value)


def labels_known(log: pd.DataFrame, after_days: float, *, reviewed: object = None) -> np.ndarray:
    """The fraud labels a monitor has seen ``after_days`` days after each event.

    A fraud is known once its chargeback has arrived, or at once if an analyst
    reviewed the event (the review finds it); everything else still looks
    legitimate, which is how a naive dashboard counts it.

    Parameters
    ----------
    log : DataFrame
        With ``time``, ``is_fraud`` and ``chargeback_at``.
    after_days : float
        How long after each event the labels are read, >= 0.
    reviewed : array of bool, optional
        Events an analyst reviewed.

    Returns
    -------
    ndarray of bool
        True where the event is known to be fraud.

    Examples
    --------
    >>> log = make_transactions(n_cards=400, n_days=14, seed=0)
    >>> int(labels_known(log, 0).sum()), bool((labels_known(log, 365) == log["is_fraud"]).all())
    (0, True)
    """
    log = _check_log(log, ("time", "is_fraud", "chargeback_at"))
    days = _check_days("after_days", after_days)
    known = (log["chargeback_at"] - log["time"]).to_numpy() <= pd.Timedelta(days=days)
    if reviewed is not None:
        reviewed = np.asarray(reviewed)
        if reviewed.dtype != bool or reviewed.shape != (len(log),):
            raise ValueError(f"reviewed must be one boolean per event ({len(log)}), got dtype {reviewed.dtype} "
                             f"and shape {reviewed.shape}.")
        known = known | reviewed
    return known & log["is_fraud"].to_numpy(dtype=bool)


def rules_score(features: pd.DataFrame, *, amount_limit: float) -> np.ndarray:
    """The rules baseline: one point per rule an event breaks, ties broken by the amount.

    The rules are those of a first fraud desk: a large amount (above
    ``amount_limit``), a second purchase on the card within the hour, a device
    that served three or more cards in a day, and a device the log has not seen
    in the last day.

    Examples
    --------
    >>> X = pd.DataFrame({"amount": [20.0, 900.0], "card_n_1h": [0, 2], "device_cards_24h": [1, 4],
    ...                   "device_n_24h": [3, 0]})
    >>> rules_score(X, amount_limit=300).round(3).tolist()
    [0.0, 4.009]
    """
    if not isinstance(features, pd.DataFrame) or features.empty:
        raise ValueError("features must be a non-empty DataFrame of streaming features.")
    need = ["amount", "card_n_1h", "device_cards_24h", "device_n_24h"]
    missing = [c for c in need if c not in features.columns]
    if missing:
        raise ValueError(f"features lacks {missing}; compute them with stream_features().")
    if isinstance(amount_limit, bool) or not isinstance(amount_limit, numbers.Real) or not amount_limit > 0:
        raise ValueError(f"amount_limit must be a positive number of dollars, got {amount_limit!r}.")
    points = ((features["amount"] > amount_limit).astype(int) + (features["card_n_1h"] >= 1)
              + (features["device_cards_24h"] >= 3) + (features["device_n_24h"] == 0))
    return (points + features["amount"].clip(upper=9_999) / 1e5).to_numpy(dtype=float)


def _scored(y: object, score: object, day: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = check_binary("y_true", y)
    score = np.asarray(score, dtype=float)
    if score.shape != y.shape or not np.isfinite(score).all():
        raise ValueError(f"scores must be {len(y)} finite numbers, one per label; got shape {score.shape}.")
    day = np.asarray(day)
    if day.shape != y.shape:
        raise ValueError(f"day must give one day per event ({len(y)}), got shape {day.shape}.")
    return y, score, check_groups(day, len(y)) if len(np.unique(day)) > 1 else np.zeros(len(y), np.intp)


def _daily_hits(y: np.ndarray, score: np.ndarray, codes: np.ndarray, capacity: int) -> np.ndarray:
    """Frauds among each day's ``capacity`` highest scores (ties broken by position)."""
    order = np.lexsort((-score, codes))
    rank = np.empty(len(y), dtype=np.int64)
    starts = np.r_[0, np.cumsum(np.bincount(codes))[:-1]]
    rank[order] = np.arange(len(y)) - np.repeat(starts, np.bincount(codes))
    return np.bincount(codes, weights=y * (rank < capacity), minlength=int(codes.max()) + 1)


def precision_at_capacity(y_true: object, score: object, day: object, *, capacity: int) -> float:
    """Share of fraud among the reviews when analysts take each day's ``capacity`` highest scores.

    Parameters
    ----------
    y_true : array of 0/1 or bool
    score : array of float
        Higher means more suspicious.
    day : array
        The day of each event.
    capacity : int
        Reviews per day, >= 1. A day with fewer events reviews them all.

    Examples
    --------
    >>> precision_at_capacity([1, 0, 0, 0, 1, 1], [0.9, 0.8, 0.1, 0.7, 0.6, 0.2], [0, 0, 0, 1, 1, 1],
    ...                       capacity=2)
    0.5
    """
    capacity = check_int("capacity", capacity, low=1)
    y, score, codes = _scored(y_true, score, day)
    reviews = np.minimum(np.bincount(codes), capacity).sum()
    return float(_daily_hits(y, score, codes, capacity).sum() / reviews)


def hold_costs(y_true: object, score: object, amount: object, *, review_cost: float) -> pd.DataFrame:
    """Cost of holding every event scored at or above each threshold: reviews plus approved fraud.

    A held event costs an analyst's review (``review_cost``); an approved fraud
    costs its amount (the issuer refunds the chargeback); an approved
    legitimate event costs nothing.

    Returns
    -------
    DataFrame
        One row per distinct score (and ``inf``, hold nothing), increasing:
        ``threshold``, ``holds``, ``frauds_missed``, ``cost``.

    Examples
    --------
    >>> hold_costs([0, 1, 0], [0.1, 0.9, 0.5], [20.0, 100.0, 30.0], review_cost=5)
       threshold  holds  frauds_missed   cost
    0        0.1      3              0   15.0
    1        0.5      2              0   10.0
    2        0.9      1              0    5.0
    3        inf      0              1  100.0
    """
    y, score, _ = _scored(y_true, score, np.zeros(len(np.asarray(y_true))))
    amount = np.asarray(amount, dtype=float)
    if amount.shape != y.shape or not (amount > 0).all():
        raise ValueError(f"amount must be {len(y)} positive dollar amounts, one per event.")
    if isinstance(review_cost, bool) or not isinstance(review_cost, numbers.Real) or not review_cost > 0:
        raise ValueError(f"review_cost must be a positive number of dollars, got {review_cost!r}.")
    cuts = np.append(np.unique(score), np.inf)
    order = np.argsort(score, kind="stable")
    below = np.searchsorted(score[order], cuts, side="left")  # events approved at each cut
    lost = np.r_[0, np.cumsum((y * amount)[order])][below]
    missed = np.r_[0, np.cumsum(y[order])][below]
    holds = len(y) - below
    return pd.DataFrame({"threshold": cuts, "holds": holds, "frauds_missed": missed,
                         "cost": review_cost * holds + lost})


def daily_costs(y_true: object, score: object, amount: object, day: object, *, threshold: float,
                review_cost: float) -> pd.Series:
    """Each day's cost of holding the events scored at or above ``threshold``, as in :func:`hold_costs`.

    Examples
    --------
    >>> daily_costs([0, 1, 1], [0.1, 0.9, 0.2], [20.0, 100.0, 30.0], [0, 0, 1], threshold=0.5,
    ...             review_cost=5).tolist()
    [5.0, 30.0]
    """
    y, score, _ = _scored(y_true, score, day)
    amount = np.asarray(amount, dtype=float)
    if amount.shape != y.shape or not (amount > 0).all():
        raise ValueError(f"amount must be {len(y)} positive dollar amounts, one per event.")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or np.isnan(threshold):
        raise TypeError(f"threshold must be a number, got {threshold!r}.")
    if isinstance(review_cost, bool) or not isinstance(review_cost, numbers.Real) or not review_cost > 0:
        raise ValueError(f"review_cost must be a positive number of dollars, got {review_cost!r}.")
    hold = score >= threshold
    cost = review_cost * hold + (y * ~hold) * amount
    return pd.Series(cost).groupby(np.asarray(day)).sum()


def paired_mean_diff(values_a: object, values_b: object, *, n_resamples: int = 2000, confidence: float = 0.95,
                     seed: int = 0) -> tuple[float, float, float]:
    """Mean of ``values_a - values_b`` over days, with a bootstrap interval that resamples whole days.

    Parameters
    ----------
    values_a, values_b : array of shape (n_days,)
        A per-day quantity (a cost, a count) of two systems, the same days in the same order.

    Returns
    -------
    (diff, low, high) : tuple of float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> base = rng.uniform(100, 200, 60)
    >>> diff, low, high = paired_mean_diff(base - 10 + rng.normal(0, 2, 60), base)
    >>> round(diff), bool(-11 < low < high < -9)
    (-10, True)
    """
    a, b = np.asarray(values_a, dtype=float), np.asarray(values_b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape or len(a) < 2 or not np.isfinite(a).all() or not np.isfinite(b).all():
        raise ValueError(f"values_a and values_b must be finite, one value per day, the same days (at least 2); "
                         f"got shapes {a.shape} and {b.shape}.")
    n_resamples = check_int("n_resamples", n_resamples, low=2)
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    d = a - b
    low, high = bootstrap_ci(d, confidence=confidence, n_resamples=n_resamples, seed=seed)
    return float(d.mean()), low, high


def _weighted_auc(sorted_day: np.ndarray, sorted_y: np.ndarray, sorted_score: np.ndarray,
                  weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PR-AUC (average precision) and ROC-AUC under day weights of shape (resamples, days).

    Rows are sorted by decreasing score. A positive's precision counts every row
    scored at or above it (ties as sklearn counts them); its ROC credit counts
    the negatives below it and half the tied ones.
    """
    n_days = weights.shape[1]
    pos = np.flatnonzero(sorted_y == 1)
    neg_day = np.where(sorted_y == 0, sorted_day, n_days)
    # Per positive p and day d: rows scored >= score_p, positives scored >= score_p, negatives tied, below.
    last = np.searchsorted(-sorted_score, -sorted_score[pos], side="right")
    first = np.searchsorted(-sorted_score, -sorted_score[pos], side="left")
    def counts(keys: np.ndarray, ends: np.ndarray) -> np.ndarray:
        cum = np.zeros((len(keys) + 1, n_days + 1))
        np.add.at(cum, (np.arange(1, len(keys) + 1), keys), 1)
        return np.cumsum(cum, axis=0)[ends][:, :n_days]
    above = counts(sorted_day, last)
    pos_above = counts(np.where(sorted_y == 1, sorted_day, n_days), last)
    neg_upto_first = counts(neg_day, first)
    neg_upto_last = counts(neg_day, last)
    neg_total = np.bincount(sorted_day[sorted_y == 0], minlength=n_days)
    w_pos = weights[:, sorted_day[pos]]  # (R, P)
    rows = (above @ weights.T).T
    # A positive on an undrawn day has weight 0; so may every row above it: count its precision as 0.
    precision = np.divide((pos_above @ weights.T).T, rows, out=np.zeros_like(rows), where=rows > 0)
    ap = (w_pos * precision).sum(1) / w_pos.sum(1)
    below = neg_total - neg_upto_last
    tied = neg_upto_last - neg_upto_first
    credit = ((below + tied / 2) @ weights.T).T
    roc = (w_pos * credit).sum(1) / (w_pos.sum(1) * (weights @ neg_total))
    return ap, roc


def paired_day_bootstrap(y_true: object, score_a: object, score_b: object, day: object, *, capacity: int,
                         n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """PR-AUC, ROC-AUC and precision at capacity of two scores on the same events, with day-clustered
    paired bootstrap intervals of each and of the difference.

    Each resample draws whole days with replacement, as many as there are, and
    scores both models on the same draw: fraud comes in rings and bursts, so
    events of one day are not independent, and the paired difference cancels
    what the two models share.

    Parameters
    ----------
    y_true : array of 0/1 or bool
    score_a, score_b : array of float
        Two models' scores of the same events.
    day : array
        The day of each event; at least two days.
    capacity : int
        Reviews per day for the precision at capacity.
    n_resamples : int, default 1000
    confidence : float, default 0.95
    seed : int, default 0

    Returns
    -------
    DataFrame
        Index ``pr_auc``, ``roc_auc``, ``precision_at_capacity``; columns
        ``a``, ``a_low``, ``a_high``, ``b``, ``b_low``, ``b_high``, ``diff``,
        ``diff_low``, ``diff_high``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = (rng.random(4000) < 0.05).astype(int)
    >>> day = np.arange(4000) // 200
    >>> good, weak = y + rng.normal(0, 0.7, 4000), y + rng.normal(0, 1.5, 4000)
    >>> table = paired_day_bootstrap(y, good, weak, day, capacity=10, n_resamples=200)
    >>> bool((table["diff_low"] > 0).all())
    True
    """
    y, a, codes = _scored(y_true, score_a, day)
    b = np.asarray(score_b, dtype=float)
    if b.shape != a.shape or not np.isfinite(b).all():
        raise ValueError(f"score_b must be {len(y)} finite numbers, like score_a.")
    if codes.max() < 1:
        raise ValueError("day holds a single day; a day-clustered bootstrap needs at least 2 days.")
    if y.min() == y.max():
        raise ValueError("y_true holds a single class; PR-AUC and ROC-AUC need frauds and legitimate events.")
    capacity = check_int("capacity", capacity, low=1)
    n_resamples = check_int("n_resamples", n_resamples, low=2)
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    n_days = int(codes.max()) + 1
    draws = resample_weights(np.random.default_rng(check_int("seed", seed, low=0)), n_resamples, n_days,
                             None).astype(float)
    weights = np.vstack([np.ones(n_days), draws])
    reviews = np.minimum(np.bincount(codes), capacity)
    out = {}
    for name, score in (("a", a), ("b", b)):
        order = np.argsort(-score, kind="stable")
        ap, roc = _weighted_auc(codes[order], y[order], score[order], weights)
        prec = weights @ _daily_hits(y, score, codes, capacity) / (weights @ reviews)
        out[name] = np.vstack([ap, roc, prec])  # (3 metrics, 1 + R)
    alpha = (1 - confidence) / 2
    table = {}
    for name, values in (("a", out["a"]), ("b", out["b"]), ("diff", out["a"] - out["b"])):
        table[name] = values[:, 0]
        table[f"{name}_low"], table[f"{name}_high"] = np.quantile(values[:, 1:], [alpha, 1 - alpha], axis=1)
    return pd.DataFrame(table, index=["pr_auc", "roc_auc", "precision_at_capacity"])
