"""Online controlled experiments: assignment, sizing, analysis, CUPED, SRM, always-valid tests, decisions.

A simulator with known truth (:func:`simulate_users` for one experiment,
:func:`draw_revenue` and :func:`draw_clicks` for thousands at once), deterministic
assignment by hashing (:func:`assign`), sample sizes (:func:`sample_size`), the
analysis of means and ratio metrics (:func:`welch_test`, :func:`delta_ratio`,
:func:`ratio_test`), power by simulation (:func:`simulated_power`), variance reduction with a pre-period covariate
(:func:`cuped`), the sample-ratio-mismatch check (:func:`srm_test`), daily looks
and the mixture SPRT (:func:`cumulative_looks`, :func:`msprt_pvalues`) and a
decision rule declared before the test (:func:`decide`).

The analysis functions work along the last axis, so a ``(n_sims, n_users)``
array analyses ``n_sims`` simulated experiments in one call.

Introduced in the chapter "Online experiments" (``chapters/experiments.md``).
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_int

__all__ = [
    "TRAFFIC",
    "Decision",
    "Power",
    "SampleSize",
    "Effect",
    "Traffic",
    "assign",
    "cumulative_looks",
    "cuped",
    "decide",
    "delta_ratio",
    "draw_clicks",
    "draw_revenue",
    "msprt_pvalues",
    "ratio_test",
    "sample_size",
    "simulate_users",
    "simulated_power",
    "srm_test",
    "welch_test",
]


@dataclass(frozen=True)
class Traffic:
    """The simulated users' behaviour: the known truth behind every simulation of the chapter.

    Revenue per user is log-normal (heavy-tailed): ``exp(log_revenue + u + e)``
    with a persistent user effect ``u ~ N(0, user_sd)`` shared by the
    pre-period and the experiment, and a fresh period noise ``e ~ N(0,
    period_sd)`` in each. Mobile users spend ``mobile_revenue`` times as much;
    during the experiment, revenue is multiplied by the ``weekday`` factor of the
    user's arrival day (Monday first). A user has ``1 + Poisson`` sessions with a
    heavy-tailed (log-normal) rate of mean ``sessions - 1``, and clicks in each
    with a click-through rate drawn from ``Beta(*ctr_beta)``, independently of
    the sessions. Page latency per user is log-normal around ``latency_ms``;
    failed requests are Poisson with ``error_rate`` per session.
    """

    log_revenue: float = 2.5
    user_sd: float = 0.9
    period_sd: float = 0.45
    weekday: tuple[float, ...] = (0.95, 0.95, 0.97, 1.0, 1.03, 1.12, 1.08)
    mobile_share: float = 0.4
    mobile_revenue: float = 0.8
    sessions: float = 8.0
    sessions_sd: float = 1.0
    ctr_beta: tuple[float, float] = (1.0, 9.0)
    latency_ms: float = 180.0
    latency_sd: float = 0.3
    error_rate: float = 0.01

    @property
    def mean_revenue(self) -> float:
        """Expected revenue of a control user during the experiment (arrival weekday uniform).

        Examples
        --------
        >>> round(Traffic(user_sd=0.0, period_sd=0.0, mobile_share=0.0, weekday=(1.0,) * 7).mean_revenue, 3)
        12.182
        """
        lognormal = np.exp(self.log_revenue + (self.user_sd**2 + self.period_sd**2) / 2)
        mobile = 1 - self.mobile_share + self.mobile_share * self.mobile_revenue
        return float(lognormal * mobile * np.mean(self.weekday))


#: The chapter's default population.
TRAFFIC = Traffic()


class SampleSize(NamedTuple):
    """Users needed per arm."""

    control: int
    treatment: int


class Effect(NamedTuple):
    """Treatment minus control: the estimate, its standard error, the interval and the two-sided p-value."""

    estimate: float | np.ndarray
    se: float | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray
    p_value: float | np.ndarray


class Decision(NamedTuple):
    """The overall decision (``"ship"``, ``"no-ship"`` or ``"iterate"``) and the verdict per metric."""

    decision: str
    table: pd.DataFrame


def _real(label: str, value: object, *, low: float | None = None, high: float | None = None) -> float:
    """A finite real number, strictly between ``low`` and ``high`` when they are given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{label} must be a finite real number, got {value!r}.")
    value = float(value)
    if (low is not None and value <= low) or (high is not None and value >= high):
        where = (f"strictly between {low:g} and {high:g}" if low is not None and high is not None
                 else f"above {low:g}" if low is not None else f"below {high:g}")
        raise ValueError(f"{label} must be {where}, got {value!r}.")
    return value


def _values(label: str, values: object, *, min_n: int = 1, why: str = "for a variance") -> np.ndarray:
    """A float array with the units on its last axis, no NaN, at least ``min_n`` units."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{label} must hold numbers, got {type(values).__name__}.") from None
    if array.ndim == 0:
        raise ValueError(f"{label} must be an array of values per unit, got a scalar.")
    if array.shape[-1] == 0:
        raise ValueError(f"{label} is empty: an arm needs at least {min_n} unit(s).")
    if array.shape[-1] < min_n:
        raise ValueError(f"{label} has {array.shape[-1]} value(s); at least {min_n} are needed {why}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{label} has {int((~np.isfinite(array)).sum())} NaN or infinite value(s); "
                         "drop or impute them before the analysis.")
    return array


def _same_shape(a_label: str, a: np.ndarray, b_label: str, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{a_label} and {b_label} must have the same shape (one value each per unit), "
                         f"got {a.shape} and {b.shape}.")


def _confidence(confidence: object) -> float:
    return _real("confidence", confidence, low=0, high=1)


def _scalar(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def _interval(estimate: np.ndarray, se: np.ndarray, confidence: float, df: np.ndarray | None = None) -> Effect:
    dist = stats.norm if df is None else stats.t(df)
    crit = dist.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * dist.sf(np.abs(estimate) / se)
    return Effect(*(_scalar(np.asarray(v, dtype=float)) for v in (estimate, se, estimate - crit * se,
                                                                        estimate + crit * se, p)))


def assign(ids: Sequence[object] | np.ndarray | pd.Series, *, salt: str, share: float = 0.5) -> np.ndarray:
    """Deterministic assignment: True (treatment) where the hash of ``salt/id`` falls below ``share``.

    Each id is hashed with SHA-256 together with the experiment's salt; the first
    eight bytes, read as a fraction of 2**64, are the user's bucket in [0, 1).
    The same user always gets the same arm in the same experiment (no state to
    store), and a new salt reshuffles users independently of earlier experiments.

    Parameters
    ----------
    ids : sequence of shape (n,)
        User ids; each is hashed as ``str(id)``.
    salt : str
        The experiment's salt, e.g. its name.
    share : float, default 0.5
        The treatment share, strictly between 0 and 1.

    Returns
    -------
    ndarray of bool, shape (n,)

    Raises
    ------
    TypeError, ValueError
        On an empty salt, a share outside (0, 1), or an empty or multi-dimensional ``ids``.

    Examples
    --------
    >>> assign(["alice", "bob", "carol", "dave"], salt="exp-1").tolist()
    [True, False, True, False]
    >>> bool((assign(range(1000), salt="exp-1") == assign(range(1000), salt="exp-1")).all())
    True
    """
    if not isinstance(salt, str) or not salt:
        raise TypeError(f"salt must be a non-empty string naming the experiment, got {salt!r}.")
    share = _real("share", share, low=0, high=1)
    ids = np.asarray(ids.to_numpy() if isinstance(ids, pd.Series) else ids, dtype=object)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError(f"ids must be a non-empty one-dimensional sequence, got shape {ids.shape}.")
    prefix = salt.encode() + b"/"
    buckets = np.fromiter((int.from_bytes(hashlib.sha256(prefix + str(i).encode()).digest()[:8], "big")
                           for i in ids), dtype=np.uint64, count=ids.size)
    return buckets < np.uint64(min(share * 2.0**64, 2.0**64 - 1))


def _rng(seed: object) -> np.random.Generator:
    return np.random.default_rng(check_int("seed", seed, low=0))


def _treated(treated: object, label: str = "treated") -> np.ndarray:
    array = np.asarray(treated)
    if array.dtype != bool:
        raise TypeError(f"{label} must be a boolean array (one flag per user), got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError(f"{label} is empty; pass one flag per simulated user.")
    return array


def _effect(label: str, effect: object, shape: tuple[int, ...], relative: bool) -> np.ndarray:
    """The effect as an array that broadcasts to ``shape`` (not broadcast, to keep it small)."""
    try:
        array = np.asarray(effect, dtype=float)
        if np.broadcast_shapes(array.shape, shape) != shape:
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number or an array that broadcasts to {shape}.") from None
    if not np.isfinite(array).all():
        raise ValueError(f"{label} must be finite.")
    if relative and (array <= -1).any():
        raise ValueError(f"a relative {label} must be above -1 (-100%), got {array.min():g}.")
    return array


def draw_revenue(
    treated: np.ndarray,
    *,
    effect: float | np.ndarray = 0.0,
    relative: bool = True,
    weekday: np.ndarray | None = None,
    mobile: np.ndarray | None = None,
    seed: int = 0,
    traffic: Traffic = TRAFFIC,
) -> tuple[np.ndarray, np.ndarray]:
    """Pre-period and experiment revenue of simulated users (see :class:`Traffic`), vectorised.

    Parameters
    ----------
    treated : ndarray of bool, any shape
        True for users in the treatment; e.g. shape ``(n_sims, n_users)``.
    effect : float or ndarray, default 0
        The true treatment effect, relative (``0.05`` = +5%) or absolute (in
        revenue units); an array broadcasts against ``treated`` (per day, per user).
    relative : bool, default True
    weekday : ndarray of int in 0..6, optional
        The users' arrival weekdays (broadcast against ``treated``); drawn uniformly if omitted.
    mobile : ndarray of bool, optional
        Which users are on mobile (broadcast against ``treated``); drawn with
        ``traffic.mobile_share`` if omitted.
    seed : int, default 0
    traffic : Traffic, default TRAFFIC

    Returns
    -------
    (pre, revenue) : tuple of ndarray, each of ``treated``'s shape

    Raises
    ------
    TypeError, ValueError
        On a non-boolean ``treated``, a relative effect at or below -100%, or bad weekdays.

    Examples
    --------
    >>> treated = np.arange(200_000) % 2 == 1
    >>> pre, revenue = draw_revenue(treated, effect=0.10, seed=1)
    >>> lift = revenue[treated].mean() / revenue[~treated].mean() - 1
    >>> bool(0.08 < lift < 0.12), bool(np.corrcoef(pre, revenue)[0, 1] > 0.5)
    (True, True)
    """
    treated = _treated(treated)
    if not isinstance(traffic, Traffic):
        raise TypeError(f"traffic must be a Traffic, got {type(traffic).__name__}.")
    effect = _effect("effect", effect, treated.shape, relative)
    rng = _rng(seed)
    shape = treated.shape
    if weekday is None:
        weekday = rng.integers(0, 7, size=shape)
    weekday = np.asarray(weekday)
    if not np.issubdtype(weekday.dtype, np.integer) or weekday.size == 0 or weekday.min() < 0 or weekday.max() > 6:
        raise ValueError("weekday must hold integers from 0 (Monday) to 6 (Sunday).")
    # In place where possible: thousands of simulated experiments at once must fit in memory.
    level = rng.normal(0, traffic.user_sd, size=shape)
    level += traffic.log_revenue
    if mobile is None:
        mobile = rng.random(size=shape) < traffic.mobile_share
    level += np.log(traffic.mobile_revenue) * _treated(mobile, "mobile")
    pre = rng.normal(0, traffic.period_sd, size=shape)
    pre += level
    np.exp(pre, out=pre)
    revenue = rng.normal(0, traffic.period_sd, size=shape)
    revenue += level
    del level
    np.exp(revenue, out=revenue)
    revenue *= np.asarray(traffic.weekday)[weekday]
    if relative:
        revenue *= 1 + effect * treated
    else:
        revenue += effect * treated
    return pre, revenue


def draw_clicks(
    treated: np.ndarray,
    *,
    lift: float = 0.0,
    seed: int = 0,
    traffic: Traffic = TRAFFIC,
) -> tuple[np.ndarray, np.ndarray]:
    """Sessions and clicks of simulated users (see :class:`Traffic`), vectorised.

    Each user's click-through rate is drawn from ``Beta(a, b)`` and multiplied by
    ``1 + lift`` in the treatment, independently of the number of sessions, so the
    true clicks-per-session ratio is ``a / (a + b)`` in the control and
    ``(1 + lift)`` times that in the treatment.

    Parameters
    ----------
    treated : ndarray of bool, any shape
    lift : float, default 0
        Relative change of the click-through rate in the treatment, above -1.
    seed : int, default 0
    traffic : Traffic, default TRAFFIC

    Returns
    -------
    (sessions, clicks) : tuple of int ndarray, each of ``treated``'s shape

    Examples
    --------
    >>> sessions, clicks = draw_clicks(np.zeros(100_000, dtype=bool), seed=0)
    >>> bool(sessions.min() >= 1), round(float(clicks.sum() / sessions.sum()), 2)
    (True, 0.1)
    """
    treated = _treated(treated)
    if not isinstance(traffic, Traffic):
        raise TypeError(f"traffic must be a Traffic, got {type(traffic).__name__}.")
    lift = float(_effect("lift", lift, (), relative=True))
    rng = _rng(seed)
    sd = traffic.sessions_sd
    rate = (traffic.sessions - 1) * np.exp(rng.normal(-sd**2 / 2, sd, size=treated.shape))
    sessions = 1 + rng.poisson(rate)
    ctr = rng.beta(*traffic.ctr_beta, size=treated.shape) * (1 + lift * treated)
    return sessions, rng.binomial(sessions, np.minimum(ctr, 1.0))


def simulate_users(
    n_users: int,
    *,
    salt: str,
    effect: float | Mapping[str, float] = 0.0,
    relative: bool = True,
    ctr_lift: float = 0.0,
    latency_ms: float = 0.0,
    error_lift: float = 0.0,
    days: int = 14,
    seed: int = 0,
    traffic: Traffic = TRAFFIC,
) -> pd.DataFrame:
    """One simulated experiment: users arriving over ``days``, assigned by hashing, with known effects.

    Users ``user-0000000``, ``user-0000001``, ... arrive uniformly over ``days``
    days from Monday 2024-01-01 and are assigned with :func:`assign` and
    ``salt``. Their metrics follow :class:`Traffic`; the treatment changes
    revenue by ``effect`` (per segment if a mapping), the click-through rate by
    ``ctr_lift``, adds ``latency_ms`` to page latency and multiplies the error
    rate by ``1 + error_lift``.

    Parameters
    ----------
    n_users : int
        At least 2.
    salt : str
        The experiment's salt for :func:`assign`.
    effect : float or mapping, default 0
        Revenue effect, or ``{"desktop": ..., "mobile": ...}``.
    relative : bool, default True
        Whether ``effect`` is relative (0.05 = +5%) or in revenue units.
    ctr_lift, latency_ms, error_lift : float, default 0
    days : int, default 14
    seed : int, default 0
    traffic : Traffic, default TRAFFIC

    Returns
    -------
    DataFrame
        One row per user: ``user_id``, ``arm`` ("control"/"treatment"), ``day``
        (arrival date), ``weekday``, ``segment``, ``pre_revenue``, ``revenue``,
        ``sessions``, ``clicks``, ``latency_ms``, ``errors``.

    Raises
    ------
    TypeError, ValueError
        On bad sizes, salts or effects (a mapping must name both segments).

    Examples
    --------
    >>> users = simulate_users(1_000, salt="exp-1", effect=0.05)
    >>> users.shape, sorted(users["arm"].unique())
    ((1000, 11), ['control', 'treatment'])
    >>> bool((simulate_users(1_000, salt="exp-1")["arm"] == users["arm"]).all())
    True
    """
    n_users = check_int("n_users", n_users, low=2)
    days = check_int("days", days, low=1)
    if not isinstance(traffic, Traffic):
        raise TypeError(f"traffic must be a Traffic, got {type(traffic).__name__}.")
    if isinstance(effect, Mapping):
        if set(effect) != {"desktop", "mobile"}:
            raise ValueError(f"an effect per segment must name 'desktop' and 'mobile', got {sorted(effect)}.")
        effects = {k: _real(f"effect[{k!r}]", v) for k, v in effect.items()}
    else:
        effects = dict.fromkeys(("desktop", "mobile"), _real("effect", effect))
    latency_ms = _real("latency_ms", latency_ms)
    error_lift = _real("error_lift", error_lift, low=-1)
    ids = np.array([f"user-{i:07d}" for i in range(n_users)], dtype=object)
    treated = assign(ids, salt=salt)
    seeds = np.random.SeedSequence(check_int("seed", seed, low=0)).generate_state(3)
    rng = np.random.default_rng(seeds[0])
    day = rng.integers(0, days, size=n_users)
    mobile = rng.random(n_users) < traffic.mobile_share
    per_user = np.where(mobile, effects["mobile"], effects["desktop"])
    pre, revenue = draw_revenue(treated, effect=per_user, relative=relative, weekday=day % 7, mobile=mobile,
                                seed=int(seeds[1]), traffic=traffic)
    sessions, clicks = draw_clicks(treated, lift=ctr_lift, seed=int(seeds[2]), traffic=traffic)
    latency = traffic.latency_ms * np.exp(rng.normal(0, traffic.latency_sd, n_users)) + treated * latency_ms
    errors = rng.poisson(sessions * traffic.error_rate * np.where(treated, 1 + error_lift, 1.0))
    return pd.DataFrame({
        "user_id": ids,
        "arm": np.where(treated, "treatment", "control"),
        "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(day, unit="D"),
        "weekday": day % 7,
        "segment": np.where(mobile, "mobile", "desktop"),
        "pre_revenue": pre,
        "revenue": revenue,
        "sessions": sessions,
        "clicks": clicks,
        "latency_ms": latency,
        "errors": errors,
    })


def sample_size(
    baseline: float,
    mde: float,
    *,
    sd: float | None = None,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
) -> SampleSize:
    """Users per arm for a two-sided test to detect a difference ``mde`` with the given power.

    For a proportion (``sd`` omitted) with control rate ``p_c = baseline`` and
    treatment rate ``p_t = p_c + mde``, the closed form (Fleiss; the pooled
    variance under the null, the two rates' variances under the alternative) is
    ``n_c = (z_{1-alpha/2} * s0 + z_{power} * s1)**2 / mde**2`` with
    ``s0**2 = p(1-p)(1 + 1/ratio)`` at the pooled rate ``p`` and
    ``s1**2 = p_c(1-p_c) + p_t(1-p_t)/ratio``. For a mean with standard
    deviation ``sd``, ``n_c = (z_{1-alpha/2} + z_{power})**2 * sd**2 * (1 + 1/ratio) / mde**2``.
    Both are rounded up; ``n_t = ceil(ratio * n_c)``.

    Parameters
    ----------
    baseline : float
        The control's conversion rate, in (0, 1), or its mean (for ``relative``).
    mde : float
        The minimum detectable effect, above 0: absolute, or a fraction of
        ``baseline`` if ``relative``.
    sd : float, optional
        The metric's standard deviation per user; makes it a test of means.
    relative : bool, default False
    alpha, power : float, default 0.05 and 0.8
        In (0, 1).
    ratio : float, default 1
        Treatment users per control user, above 0.

    Returns
    -------
    SampleSize
        ``(control, treatment)`` users.

    Raises
    ------
    TypeError, ValueError
        On an mde at or below 0, a proportion's baseline outside (0, 1), a
        treatment rate outside (0, 1), alpha or power outside (0, 1), a
        non-positive ``sd`` or ``ratio``.

    Examples
    --------
    A 5% conversion rate and a lift of half a point (Kohavi et al.'s rule of
    thumb ``16 * p(1-p) / mde**2`` gives 30,400):

    >>> sample_size(0.05, 0.005)
    SampleSize(control=31234, treatment=31234)
    >>> sample_size(10.0, 0.1, sd=5.0, relative=True)
    SampleSize(control=393, treatment=393)
    """
    baseline = _real("baseline", baseline)
    mde = _real("mde", mde, low=0)
    alpha = _real("alpha", alpha, low=0, high=1)
    power = _real("power", power, low=0, high=1)
    ratio = _real("ratio", ratio, low=0)
    delta = mde * baseline if relative else mde
    if delta <= 0:
        raise ValueError(f"a relative mde needs a positive baseline, got baseline={baseline:g}.")
    z_a, z_b = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    if sd is None:
        _real("baseline (a proportion)", baseline, low=0, high=1)
        treated = baseline + delta
        if treated >= 1:
            raise ValueError(f"baseline + mde = {treated:g} is not a proportion below 1; lower the mde.")
        pooled = (baseline + ratio * treated) / (1 + ratio)
        s0 = np.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio))
        s1 = np.sqrt(baseline * (1 - baseline) + treated * (1 - treated) / ratio)
        n_c = (z_a * s0 + z_b * s1) ** 2 / delta**2
    else:
        sd = _real("sd", sd, low=0)
        n_c = (z_a + z_b) ** 2 * sd**2 * (1 + 1 / ratio) / delta**2
    n_c = int(np.ceil(n_c - 1e-9))
    return SampleSize(n_c, int(np.ceil(ratio * n_c - 1e-9)))


def welch_test(control: np.ndarray, treatment: np.ndarray, *, confidence: float = 0.95) -> Effect:
    """Difference of means (treatment - control) with Welch's t interval and p-value.

    Works along the last axis: arrays of shape ``(..., n_c)`` and ``(..., n_t)``
    with the same leading shape analyse one experiment per leading index.

    Parameters
    ----------
    control, treatment : array-like
        One value per unit (user), at least two per arm, no NaN.
    confidence : float, default 0.95

    Returns
    -------
    Effect
        Floats for one experiment, arrays for several.

    Raises
    ------
    TypeError, ValueError
        On an empty or one-unit arm, NaNs, mismatched leading shapes or a bad confidence.

    Examples
    --------
    >>> result = welch_test([1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0, 6.0])
    >>> round(result.estimate, 3), round(result.se, 3), round(result.p_value, 3)
    (1.5, 0.957, 0.161)
    """
    c = _values("control", control, min_n=2)
    t = _values("treatment", treatment, min_n=2)
    if c.shape[:-1] != t.shape[:-1]:
        raise ValueError(f"control and treatment must share their leading (experiment) shape, "
                         f"got {c.shape[:-1]} and {t.shape[:-1]}.")
    confidence = _confidence(confidence)
    n_c, n_t = c.shape[-1], t.shape[-1]
    v_c, v_t = c.var(axis=-1, ddof=1) / n_c, t.var(axis=-1, ddof=1) / n_t
    se = np.sqrt(v_c + v_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (v_c + v_t) ** 2 / (v_c**2 / (n_c - 1) + v_t**2 / (n_t - 1))
    df = np.where(np.isfinite(df), df, n_c + n_t - 2)
    return _interval(t.mean(axis=-1) - c.mean(axis=-1), se, confidence, df)


class Power(NamedTuple):
    """Simulated power and its Monte Carlo standard error."""

    power: float
    mc_error: float


def simulated_power(
    n_per_arm: int,
    effect: float,
    *,
    relative: bool = False,
    n_sims: int = 2_000,
    alpha: float = 0.05,
    chunk: int = 500,
    seed: int = 0,
    traffic: Traffic = TRAFFIC,
) -> Power:
    """The share of simulated revenue experiments that a Welch test calls significant.

    Each experiment has ``n_per_arm`` users per arm drawn by :func:`draw_revenue`
    with the true ``effect``; the experiments are simulated ``chunk`` at a time, so
    memory stays bounded whatever ``n_sims``. The Monte Carlo standard error is
    ``sqrt(power (1 - power) / n_sims)``.

    Parameters
    ----------
    n_per_arm : int
        Users per arm, at least 2.
    effect : float
        The true effect: in revenue units, or relative if ``relative``.
    relative : bool, default False
    n_sims : int, default 2000
    alpha : float, default 0.05
        The two-sided test's level, in (0, 1).
    chunk : int, default 500
        Experiments simulated at once.
    seed : int, default 0
    traffic : Traffic, default TRAFFIC

    Returns
    -------
    Power
        ``(power, mc_error)``.

    Raises
    ------
    TypeError, ValueError
        On sizes below their minimum, an alpha outside (0, 1) or a bad effect.

    Examples
    --------
    >>> result = simulated_power(500, 0.0, n_sims=400, seed=1)
    >>> bool(result.power < 0.1), round(result.mc_error, 3) < 0.02
    (True, True)
    """
    n_per_arm = check_int("n_per_arm", n_per_arm, low=2)
    n_sims = check_int("n_sims", n_sims, low=1)
    chunk = check_int("chunk", chunk, low=1)
    alpha = _real("alpha", alpha, low=0, high=1)
    effect = _real("effect", effect, low=-1 if relative else None)
    seeds = np.random.SeedSequence(check_int("seed", seed, low=0)).generate_state(-(-n_sims // chunk))
    hits = 0
    for i, start in enumerate(range(0, n_sims, chunk)):
        size = min(chunk, n_sims - start)
        treated = np.zeros((size, 2 * n_per_arm), dtype=bool)
        treated[:, n_per_arm:] = True
        _, y = draw_revenue(treated, effect=effect, relative=relative, seed=int(seeds[i]), traffic=traffic)
        hits += int((welch_test(y[:, :n_per_arm], y[:, n_per_arm:]).p_value < alpha).sum())
    power = hits / n_sims
    return Power(power, float(np.sqrt(power * (1 - power) / n_sims)))


def delta_ratio(numerator: np.ndarray, denominator: np.ndarray) -> tuple[float | np.ndarray, float | np.ndarray]:
    """A ratio metric ``sum(numerator) / sum(denominator)`` and its delta-method standard error.

    The unit of randomisation (a user) is not the unit of the metric (a
    session): a user's sessions are not independent, so the variance comes from
    the users' (numerator, denominator) pairs. With means ``m_x, m_y`` over
    ``n`` users, ``R = m_x / m_y`` and
    ``Var(R) = (s_x**2 - 2 R s_xy + R**2 s_y**2) / (n m_y**2)`` (Deng et al., 2018).
    Works along the last axis.

    Parameters
    ----------
    numerator, denominator : array-like of the same shape
        Per unit, e.g. clicks and sessions per user; at least two units, the
        denominators non-negative with a positive sum.

    Returns
    -------
    (ratio, se)

    Raises
    ------
    TypeError, ValueError
        On mismatched lengths, NaNs, fewer than two units or bad denominators.

    Examples
    --------
    >>> ratio, se = delta_ratio([1, 0, 3, 2], [2, 1, 4, 3])
    >>> round(ratio, 3), round(se, 3)
    (0.6, 0.103)
    """
    x = _values("numerator", numerator, min_n=2)
    y = _values("denominator", denominator, min_n=2)
    _same_shape("numerator", x, "denominator", y)
    if (y < 0).any() or (y.sum(axis=-1) <= 0).any():
        raise ValueError("denominator must be non-negative with a positive sum (e.g. sessions per user).")
    n = x.shape[-1]
    m_x, m_y = x.mean(axis=-1), y.mean(axis=-1)
    ratio = m_x / m_y
    dx, dy = x - m_x[..., None], y - m_y[..., None]
    s_xx, s_yy, s_xy = ((dx * dx).sum(-1), (dy * dy).sum(-1), (dx * dy).sum(-1))
    var = (s_xx - 2 * ratio * s_xy + ratio**2 * s_yy) / (n - 1) / (n * m_y**2)
    return _scalar(ratio), _scalar(np.sqrt(np.maximum(var, 0.0)))


def ratio_test(
    numerator_control: np.ndarray,
    denominator_control: np.ndarray,
    numerator_treatment: np.ndarray,
    denominator_treatment: np.ndarray,
    *,
    confidence: float = 0.95,
) -> Effect:
    """Difference of two ratio metrics (treatment - control) with delta-method standard errors.

    Parameters
    ----------
    numerator_control, denominator_control : array-like
        Per control unit, e.g. clicks and sessions per user.
    numerator_treatment, denominator_treatment : array-like
        Per treatment unit.
    confidence : float, default 0.95

    Returns
    -------
    Effect
        A normal interval and p-value (the arms are large in practice).

    Raises
    ------
    TypeError, ValueError
        As :func:`delta_ratio`, and on mismatched leading shapes.

    Examples
    --------
    >>> result = ratio_test([1, 0, 3, 2], [2, 1, 4, 3], [2, 1, 3, 3], [2, 2, 4, 3])
    >>> round(result.estimate, 3), round(result.se, 3)
    (0.218, 0.144)
    """
    r_c, se_c = delta_ratio(numerator_control, denominator_control)
    r_t, se_t = delta_ratio(numerator_treatment, denominator_treatment)
    if np.shape(r_c) != np.shape(r_t):
        raise ValueError(f"control and treatment must share their leading (experiment) shape, "
                         f"got {np.shape(r_c)} and {np.shape(r_t)}.")
    estimate = np.asarray(r_t) - np.asarray(r_c)
    return _interval(estimate, np.sqrt(np.asarray(se_c) ** 2 + np.asarray(se_t) ** 2), _confidence(confidence))


def cuped(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """CUPED: ``y - theta (x - mean(x))`` with ``theta = cov(x, y) / var(x)``, pooled over both arms.

    ``x`` is a covariate measured before the experiment (so the treatment cannot
    move it), such as each user's pre-period revenue. The adjusted metric has
    the same expected difference between arms and a variance smaller by the
    factor ``1 - rho**2``, where ``rho`` is the correlation of ``x`` and ``y``
    (Deng, Xu, Kohavi and Walker, 2013). Pass both arms together (one row per
    user); the adjustment works along the last axis.

    Parameters
    ----------
    y : array-like
        The metric per user.
    x : array-like of the same shape
        The pre-period covariate per user, not constant.

    Returns
    -------
    ndarray
        The adjusted metric, same shape.

    Raises
    ------
    TypeError, ValueError
        On mismatched shapes, NaNs, fewer than two users or a constant covariate.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> cuped(2 * x + np.array([0.1, -0.1, 0.1, -0.1]), x).round(2).tolist()
    [5.04, 4.88, 5.12, 4.96]
    """
    y = _values("y", y, min_n=2)
    x = _values("x", x, min_n=2)
    _same_shape("y", y, "x", x)
    dx = x - x.mean(axis=-1, keepdims=True)
    var = (dx * dx).sum(axis=-1, keepdims=True)
    if (var <= 0).any():
        raise ValueError("x is constant, so it explains nothing; pass a pre-period covariate that varies.")
    theta = (dx * (y - y.mean(axis=-1, keepdims=True))).sum(axis=-1, keepdims=True) / var
    return y - theta * dx


def srm_test(counts: Sequence[float] | np.ndarray, shares: Sequence[float] | None = None) -> float | np.ndarray:
    """Sample ratio mismatch: the chi-square p-value of the users per arm against the planned shares.

    A tiny p-value (platforms alert below 0.001 or 0.0005) means the assignment
    or the logging is broken, and the experiment's results cannot be trusted
    (Fabijan et al., 2019). Works along the last axis (one row of counts per experiment).

    Parameters
    ----------
    counts : array-like of shape (..., k)
        Users per arm, non-negative, at least two arms and one user.
    shares : sequence of k floats, optional
        The planned shares, positive and summing to 1; equal by default.

    Returns
    -------
    float or ndarray
        The p-value of the chi-square test with ``k - 1`` degrees of freedom.

    Raises
    ------
    TypeError, ValueError
        On negative counts, fewer than two arms, no users, or bad shares.

    Examples
    --------
    >>> round(srm_test([50_000, 50_300]), 3)
    0.344
    >>> bool(srm_test([50_600, 49_400]) < 0.001)
    True
    """
    counts = _values("counts", counts, min_n=2, why="(one count per arm)")
    if (counts < 0).any():
        raise ValueError(f"counts must be non-negative numbers of users per arm, got {counts.min():g}.")
    total = counts.sum(axis=-1, keepdims=True)
    if (total <= 0).any():
        raise ValueError("counts hold no users; an SRM check needs at least one.")
    k = counts.shape[-1]
    if shares is None:
        planned = np.full(k, 1 / k)
    else:
        planned = _values("shares", shares)
        if planned.shape != (k,) or (planned <= 0).any() or not np.isclose(planned.sum(), 1):
            raise ValueError(f"shares must be {k} positive numbers summing to 1, got {planned.tolist()}.")
    expected = total * planned
    chi2 = ((counts - expected) ** 2 / expected).sum(axis=-1)
    return _scalar(stats.chi2.sf(chi2, k - 1))


def cumulative_looks(control: np.ndarray, treatment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The difference of means and its variance at every look, from the users who arrived by then.

    Parameters
    ----------
    control, treatment : array-like of shape (..., n_looks, n_per_look)
        The metric of the users who arrived between two looks (e.g. per day);
        at least two per arm by the first look.

    Returns
    -------
    (difference, variance) : tuple of ndarray of shape (..., n_looks)
        ``mean(treatment) - mean(control)`` over everyone so far, and
        ``s_t**2 / n_t + s_c**2 / n_c``.

    Raises
    ------
    TypeError, ValueError
        On fewer than two axes, mismatched shapes, NaNs or one user per arm.

    Examples
    --------
    >>> control = np.array([[1.0, 3.0], [2.0, 2.0]])
    >>> diff, var = cumulative_looks(control, control + 1)
    >>> diff.tolist(), var.round(3).tolist()
    ([1.0, 1.0], [2.0, 0.333])
    """
    c = _values("control", control)
    t = _values("treatment", treatment)
    if c.ndim < 2:
        raise ValueError(f"control must have shape (..., n_looks, n_per_look), got {c.shape}.")
    if c.shape[:-1] != t.shape[:-1]:
        raise ValueError(f"control and treatment must share (..., n_looks), got {c.shape[:-1]} and {t.shape[:-1]}.")
    if min(c.shape[-1], t.shape[-1]) < 2:
        raise ValueError("each arm needs at least two users by the first look, for a variance.")
    out = []
    for arm in (c, t):
        n = arm.shape[-1] * np.arange(1, arm.shape[-2] + 1)
        total, squares = np.cumsum(arm.sum(-1), axis=-1), np.cumsum((arm**2).sum(-1), axis=-1)
        mean = total / n
        out.append((mean, (squares - n * mean**2) / (n - 1) / n))
    return out[1][0] - out[0][0], out[0][1] + out[1][1]


def msprt_pvalues(difference: np.ndarray, variance: np.ndarray, *, tau: float) -> np.ndarray:
    """Always-valid p-values of the mixture sequential probability ratio test (Johari et al., 2017).

    At each look the estimate ``d`` has variance ``V``; mixing the effect over
    ``N(0, tau**2)`` gives the likelihood ratio
    ``L = sqrt(V / (V + tau**2)) * exp(tau**2 d**2 / (2 V (V + tau**2)))``
    against no effect, and the p-value ``p_n = min(1, min_{m <= n} 1 / L_m)``
    may be read after every look: rejecting when ``p_n < alpha`` keeps the
    false-positive rate at most ``alpha`` however often one looks. Works along
    the last axis (the looks).

    Parameters
    ----------
    difference, variance : array-like of the same shape (..., n_looks)
        The estimate and its variance at each look, e.g. from :func:`cumulative_looks`.
    tau : float
        The mixing standard deviation, above 0, on the scale of the effects one expects.

    Returns
    -------
    ndarray of shape (..., n_looks)
        Non-increasing along the looks.

    Raises
    ------
    TypeError, ValueError
        On mismatched shapes, NaNs, non-positive variances or ``tau``.

    Examples
    --------
    >>> msprt_pvalues([0.0, 0.5, 1.0], [1.0, 0.25, 0.1], tau=1.0).round(4).tolist()
    [1.0, 1.0, 0.0352]
    """
    d = _values("difference", difference)
    v = _values("variance", variance)
    _same_shape("difference", d, "variance", v)
    if (v <= 0).any():
        raise ValueError("variance must be positive at every look.")
    tau2 = _real("tau", tau, low=0) ** 2
    log_lr = 0.5 * np.log(v / (v + tau2)) + tau2 * d**2 / (2 * v * (v + tau2))
    return np.exp(-np.maximum(np.maximum.accumulate(log_lr, axis=-1), 0.0))


def decide(primary: tuple[float, float], guardrails: Mapping[str, tuple[float, float, float]]) -> Decision:
    """Apply a decision rule declared before the test to the intervals it produced.

    The primary metric's interval is of the improvement (positive = better);
    each guardrail's is of the harm (positive = worse), with the largest harm
    the team accepts. Verdicts: the primary metric is ``"better"`` (interval
    above 0), ``"worse"`` (below 0) or ``"inconclusive"``; a guardrail
    ``"passes"`` (its interval is below its tolerance), ``"fails"`` (above it) or
    is ``"inconclusive"``. The decision: ``"no-ship"`` if the primary metric is
    worse or a guardrail fails; ``"ship"`` if the primary metric is better and
    every guardrail passes; otherwise ``"iterate"`` (collect more data or fix the
    change, then test again).

    Parameters
    ----------
    primary : (low, high)
        The interval of the primary metric's improvement.
    guardrails : mapping of name to (low, high, tolerance)
        The interval of each guardrail's harm and its tolerance (at least 0).

    Returns
    -------
    Decision
        ``decision`` and a table with one row per metric (``low``, ``high``,
        ``tolerance``, ``verdict``).

    Raises
    ------
    TypeError, ValueError
        On intervals with low > high, NaNs, or a negative tolerance.

    Examples
    --------
    >>> decide((0.5, 2.0), {"latency (ms)": (-1.0, 3.0, 5.0)}).decision
    'ship'
    >>> decide((0.5, 2.0), {"latency (ms)": (6.0, 9.0, 5.0)}).decision
    'no-ship'
    >>> decide((-0.5, 2.0), {"latency (ms)": (-1.0, 3.0, 5.0)}).decision
    'iterate'
    """
    def interval(label: str, values: object, size: int) -> tuple[float, ...]:
        if not isinstance(values, (tuple, list)) or len(values) != size:
            raise TypeError(f"{label} must be a tuple of {size} numbers, got {values!r}.")
        out = tuple(_real(f"{label}[{i}]", v) for i, v in enumerate(values))
        if out[0] > out[1]:
            raise ValueError(f"{label}: low {out[0]:g} is above high {out[1]:g}.")
        return out

    low, high = interval("primary", primary, 2)
    if not isinstance(guardrails, Mapping):
        raise TypeError(f"guardrails must map a name to (low, high, tolerance), got {type(guardrails).__name__}.")
    rows = {"primary": (low, high, 0.0, "better" if low > 0 else "worse" if high < 0 else "inconclusive")}
    for name, values in guardrails.items():
        g_low, g_high, tol = interval(f"guardrail {name!r}", values, 3)
        if tol < 0:
            raise ValueError(f"guardrail {name!r}: the tolerance must be at least 0, got {tol:g}.")
        rows[name] = (g_low, g_high, tol, "passes" if g_high < tol else "fails" if g_low > tol else "inconclusive")
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high", "tolerance", "verdict"])
    verdicts = table["verdict"]
    if verdicts.iloc[0] == "worse" or (verdicts.iloc[1:] == "fails").any():
        decision = "no-ship"
    elif verdicts.iloc[0] == "better" and (verdicts.iloc[1:] == "passes").all():
        decision = "ship"
    else:
        decision = "iterate"
    return Decision(decision, table)
