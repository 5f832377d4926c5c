"""labutils.experiments: assignment, sizing, analysis, CUPED, SRM, looks, mSPRT and the decision rule."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

from labutils.experiments import (
    TRAFFIC,
    Traffic,
    assign,
    cumulative_looks,
    cuped,
    decide,
    delta_ratio,
    draw_clicks,
    draw_revenue,
    msprt_pvalues,
    ratio_test,
    sample_size,
    simulate_users,
    simulated_power,
    srm_test,
    welch_test,
)


# --- assignment ---------------------------------------------------------------------------------

def test_assign_is_deterministic_and_balanced():
    "assign: the same salt gives the same arms; about half the users are treated"
    ids = [f"user-{i}" for i in range(20_000)]
    first, again = assign(ids, salt="exp-1"), assign(ids, salt="exp-1")
    assert (first == again).all()
    assert abs(first.mean() - 0.5) < 0.015


def test_assign_share_and_new_salt_reshuffles():
    "assign: share sets the treated fraction; a new salt is independent of the old one"
    ids = np.arange(20_000)
    assert abs(assign(ids, salt="a", share=0.2).mean() - 0.2) < 0.015
    a, b = assign(ids, salt="a"), assign(ids, salt="b")
    assert abs((a == b).mean() - 0.5) < 0.015


def test_assign_accepts_a_series():
    "assign: a pandas Series of ids gives the same arms as a list"
    ids = ["x", "y", "z"]
    assert (assign(pd.Series(ids), salt="s") == assign(ids, salt="s")).all()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(ids=[1, 2], salt=""), TypeError, "salt"),
    (dict(ids=[1, 2], salt=3), TypeError, "salt"),
    (dict(ids=[1, 2], salt="s", share=0.0), ValueError, "share"),
    (dict(ids=[1, 2], salt="s", share=1.0), ValueError, "share"),
    (dict(ids=[], salt="s"), ValueError, "non-empty"),
    (dict(ids=[[1, 2]], salt="s"), ValueError, "one-dimensional"),
])
def test_assign_rejects_bad_input(kwargs, error, match):
    "assign: bad salt, share or ids raise clear errors"
    with pytest.raises(error, match=match):
        assign(**kwargs)


# --- sample size --------------------------------------------------------------------------------

@pytest.mark.parametrize("baseline, mde, ratio", [(0.05, 0.005, 1.0), (0.05, 0.0025, 1.0), (0.2, 0.03, 2.0),
                                                  (0.5, -0.05, 0.5)])
def test_sample_size_proportions_match_statsmodels(baseline, mde, ratio):
    "sample_size: proportions equal statsmodels' samplesize_proportions_2indep_onetail, rounded up"
    if mde < 0:
        baseline, mde = baseline + mde, -mde  # the function sizes an increase
    n = sample_size(baseline, mde, ratio=ratio)
    # statsmodels: sample 1 has rate prop2 + diff and nobs2 = ratio * nobs1.
    n_treatment = samplesize_proportions_2indep_onetail(mde, baseline, 0.8, ratio=1 / ratio)
    assert n.treatment == pytest.approx(np.ceil(n_treatment), abs=1)
    assert n.treatment == int(np.ceil(ratio * n.control - 1e-9))


def test_sample_size_means_match_statsmodels_and_closed_form():
    "sample_size: means equal the closed form and NormalIndPower (one user), TTestIndPower within 0.1%"
    n = sample_size(20.0, 0.1, sd=25.0, relative=True)
    closed = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) ** 2 * 2 * 25.0**2 / 2.0**2
    assert n.control == int(np.ceil(closed))
    assert n.control == pytest.approx(NormalIndPower().solve_power(2.0 / 25.0, alpha=0.05, power=0.8), abs=1)
    assert n.control == pytest.approx(TTestIndPower().solve_power(2.0 / 25.0, alpha=0.05, power=0.8), rel=1e-3)


def test_sample_size_ratio_for_means():
    "sample_size: with twice as many treated users the control needs (1 + 1/2) / 2 of the balanced size"
    balanced = sample_size(0.0, 1.0, sd=10.0)
    unbalanced = sample_size(0.0, 1.0, sd=10.0, ratio=2.0)
    assert unbalanced.control == pytest.approx(balanced.control * 0.75, abs=1)
    assert unbalanced.treatment == pytest.approx(2 * unbalanced.control, abs=1)


def test_sample_size_relative_equals_absolute():
    "sample_size: a relative mde is the absolute mde times the baseline"
    assert sample_size(0.05, 0.1, relative=True) == sample_size(0.05, 0.005)


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((0.05, 0.0), {}, ValueError, "mde"),
    ((0.05, -0.01), {}, ValueError, "mde"),
    ((0.0, 0.01), {}, ValueError, "proportion"),
    ((1.2, 0.01), {}, ValueError, "proportion"),
    ((0.95, 0.1), {}, ValueError, "not a proportion"),
    ((0.05, 0.01), {"alpha": 0.0}, ValueError, "alpha"),
    ((0.05, 0.01), {"alpha": 1.0}, ValueError, "alpha"),
    ((0.05, 0.01), {"power": 1.0}, ValueError, "power"),
    ((0.05, 0.01), {"power": -0.2}, ValueError, "power"),
    ((0.05, 0.01), {"ratio": 0.0}, ValueError, "ratio"),
    ((10.0, 1.0), {"sd": 0.0}, ValueError, "sd"),
    ((-10.0, 0.1), {"sd": 1.0, "relative": True}, ValueError, "positive baseline"),
    (("0.05", 0.01), {}, TypeError, "baseline"),
    ((0.05, True), {}, TypeError, "mde"),
])
def test_sample_size_rejects_bad_input(args, kwargs, error, match):
    "sample_size: mde <= 0, a baseline outside (0, 1), alpha or power outside (0, 1) and more raise"
    with pytest.raises(error, match=match):
        sample_size(*args, **kwargs)


def test_simulated_power_under_no_effect_is_alpha():
    "simulated_power: with no effect the rejection rate is alpha within 3 Monte Carlo errors"
    result = simulated_power(300, 0.0, n_sims=3000, chunk=700, seed=2)
    assert abs(result.power - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 3000)
    assert_allclose(result.mc_error, np.sqrt(result.power * (1 - result.power) / 3000))


def test_simulated_power_grows_with_the_effect_and_is_reproducible():
    "simulated_power: a larger effect has more power; the same seed gives the same result"
    small, large = (simulated_power(400, e, relative=True, n_sims=600, seed=3) for e in (0.05, 0.6))
    assert small.power < large.power
    assert large.power > 0.9
    assert simulated_power(400, 0.05, relative=True, n_sims=600, seed=3) == small


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((1, 0.0), {}, ValueError, "n_per_arm"),
    ((10, 0.0), {"n_sims": 0}, ValueError, "n_sims"),
    ((10, 0.0), {"chunk": 0}, ValueError, "chunk"),
    ((10, 0.0), {"alpha": 1.0}, ValueError, "alpha"),
    ((10, -1.0), {"relative": True}, ValueError, "effect"),
    ((10, np.nan), {}, TypeError, "effect"),
])
def test_simulated_power_rejects_bad_input(args, kwargs, error, match):
    "simulated_power: bad sizes, alpha and effects raise"
    with pytest.raises(error, match=match):
        simulated_power(*args, **kwargs)


# --- analysis -----------------------------------------------------------------------------------

def test_welch_test_matches_scipy():
    "welch_test: estimate, p-value and interval equal scipy's Welch t-test"
    rng = np.random.default_rng(0)
    c, t = rng.normal(0, 1, 40), rng.normal(0.5, 2, 60)
    ours = welch_test(c, t)
    ref = stats.ttest_ind(t, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert_allclose([ours.estimate, ours.p_value, ours.low, ours.high],
                    [t.mean() - c.mean(), ref.pvalue, ci.low, ci.high])
    assert_allclose(ours.estimate / ours.se, ref.statistic)


def test_welch_test_is_vectorised_over_experiments():
    "welch_test: rows of a 2-D array give the same results as one call per row"
    rng = np.random.default_rng(1)
    c, t = rng.normal(size=(5, 30)), rng.normal(size=(5, 40))
    together = welch_test(c, t)
    for i in range(5):
        alone = welch_test(c[i], t[i])
        assert_allclose([together.estimate[i], together.p_value[i]], [alone.estimate, alone.p_value])


@pytest.mark.parametrize("control, treatment, kwargs, error, match", [
    ([], [1.0, 2.0], {}, ValueError, "empty"),
    ([1.0], [1.0, 2.0], {}, ValueError, "at least 2"),
    ([1.0, np.nan], [1.0, 2.0], {}, ValueError, "NaN"),
    (np.ones((2, 3)), np.ones((3, 3)), {}, ValueError, "leading"),
    ([1.0, 2.0], [1.0, 2.0], {"confidence": 1.0}, ValueError, "confidence"),
    ([1.0, 2.0], ["a", "b"], {}, TypeError, "numbers"),
])
def test_welch_test_rejects_bad_input(control, treatment, kwargs, error, match):
    "welch_test: empty arms, single units, NaNs, mismatched experiments and bad confidence raise"
    with pytest.raises(error, match=match):
        welch_test(control, treatment, **kwargs)


def test_delta_ratio_with_unit_denominators_is_the_mean():
    "delta_ratio: with every denominator 1 the ratio is the mean and the se is sd / sqrt(n)"
    x = np.random.default_rng(2).normal(size=50)
    ratio, se = delta_ratio(x, np.ones(50))
    assert_allclose([ratio, se], [x.mean(), x.std(ddof=1) / np.sqrt(50)])


def test_delta_ratio_matches_a_bootstrap():
    "delta_ratio: the se agrees with the bootstrap se of sum(x) / sum(y) over users within 10%"
    rng = np.random.default_rng(3)
    sessions = 1 + rng.poisson(5, 400)
    clicks = rng.binomial(sessions, rng.beta(1, 9, 400))
    _, se = delta_ratio(clicks, sessions)
    idx = rng.integers(0, 400, size=(2000, 400))
    boot = clicks[idx].sum(1) / sessions[idx].sum(1)
    assert_allclose(se, boot.std(), rtol=0.1)


@pytest.mark.parametrize("num, den, match", [
    ([1.0, 2.0], [1.0, 2.0, 3.0], "same shape"),
    ([1.0, np.nan], [1.0, 2.0], "NaN"),
    ([1.0, 2.0], [-1.0, 2.0], "non-negative"),
    ([1.0, 2.0], [0.0, 0.0], "positive sum"),
    ([1.0], [1.0], "at least 2"),
])
def test_delta_ratio_rejects_bad_input(num, den, match):
    "delta_ratio: mismatched lengths, NaNs and bad denominators raise"
    with pytest.raises(ValueError, match=match):
        delta_ratio(num, den)


def test_ratio_test_combines_the_two_arms():
    "ratio_test: the estimate is the difference of ratios and the se combines the arms' delta-method se"
    rng = np.random.default_rng(4)
    s_c, s_t = 1 + rng.poisson(4, 300), 1 + rng.poisson(4, 200)
    k_c, k_t = rng.binomial(s_c, 0.1), rng.binomial(s_t, 0.12)
    result = ratio_test(k_c, s_c, k_t, s_t)
    (r_c, se_c), (r_t, se_t) = delta_ratio(k_c, s_c), delta_ratio(k_t, s_t)
    assert_allclose([result.estimate, result.se], [r_t - r_c, np.hypot(se_c, se_t)])
    assert result.low < result.estimate < result.high


def test_ratio_test_rejects_mismatched_experiments():
    "ratio_test: arms with different leading shapes raise"
    with pytest.raises(ValueError, match="leading"):
        ratio_test(np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 3)), np.ones((3, 3)))


# --- CUPED --------------------------------------------------------------------------------------

def test_cuped_variance_is_one_minus_rho_squared():
    "cuped: in the sample the adjusted variance is var(y) (1 - r**2), and the mean is unchanged"
    rng = np.random.default_rng(5)
    x = rng.normal(size=1000)
    y = 0.8 * x + rng.normal(size=1000)
    adjusted = cuped(y, x)
    r = np.corrcoef(x, y)[0, 1]
    assert_allclose(adjusted.var(), y.var() * (1 - r**2))
    assert_allclose(adjusted.mean(), y.mean())


def test_cuped_keeps_the_treatment_effect():
    "cuped: an effect planted in y only is recovered from the adjusted metric with a smaller se"
    rng = np.random.default_rng(6)
    x = rng.normal(size=(400, 2000))
    treated = np.arange(2000) >= 1000
    y = x + rng.normal(size=x.shape) + 0.1 * treated
    plain, adjusted = welch_test(y[:, ~treated], y[:, treated]), cuped(y, x)
    cu = welch_test(adjusted[:, ~treated], adjusted[:, treated])
    assert abs(cu.estimate.mean() - 0.1) < 3 * cu.estimate.std() / np.sqrt(400)
    assert_allclose(cu.se.mean() / plain.se.mean(), np.sqrt(0.5), rtol=0.02)


@pytest.mark.parametrize("y, x, match", [
    ([1.0, 2.0, 3.0], [1.0, 2.0], "same shape"),
    ([1.0, 2.0], [1.0, 1.0], "constant"),
    ([1.0, np.nan], [1.0, 2.0], "NaN"),
])
def test_cuped_rejects_bad_input(y, x, match):
    "cuped: mismatched shapes, a constant covariate and NaNs raise"
    with pytest.raises(ValueError, match=match):
        cuped(y, x)


# --- SRM ----------------------------------------------------------------------------------------

def test_srm_test_matches_scipy_chisquare():
    "srm_test: equal shares and planned shares give scipy's chi-square p-value"
    assert_allclose(srm_test([50_000, 50_300]), stats.chisquare([50_000, 50_300]).pvalue)
    counts, shares = [20_100, 79_900], [0.2, 0.8]
    assert_allclose(srm_test(counts, shares), stats.chisquare(counts, [20_000, 80_000]).pvalue)


def test_srm_test_is_vectorised():
    "srm_test: a row of counts per experiment gives one p-value each"
    p = srm_test(np.array([[500, 500], [600, 400]]))
    assert p.shape == (2,) and p[0] == 1.0 and p[1] < 1e-9


@pytest.mark.parametrize("counts, shares, match", [
    ([-1, 10], None, "non-negative"),
    ([10], None, "at least 2"),
    ([0, 0], None, "no users"),
    ([10, 10], [0.5, 0.6], "summing to 1"),
    ([10, 10], [0.5, 0.25, 0.25], "2 positive numbers"),
    ([10, np.nan], None, "NaN"),
])
def test_srm_test_rejects_bad_input(counts, shares, match):
    "srm_test: negative counts, one arm, no users and bad shares raise"
    with pytest.raises(ValueError, match=match):
        srm_test(counts, shares)


# --- looks and mSPRT ----------------------------------------------------------------------------

def test_cumulative_looks_last_look_is_the_full_welch_estimate():
    "cumulative_looks: the last look equals welch_test on all users; every look uses the users so far"
    rng = np.random.default_rng(7)
    c, t = rng.normal(size=(6, 30)), rng.normal(0.2, 1.0, size=(6, 25))
    diff, var = cumulative_looks(c, t)
    full = welch_test(c.ravel(), t.ravel())
    assert_allclose([diff[-1], var[-1]], [full.estimate, full.se**2])
    third = welch_test(c[:3].ravel(), t[:3].ravel())
    assert_allclose([diff[2], var[2]], [third.estimate, third.se**2])


@pytest.mark.parametrize("control, treatment, match", [
    (np.ones(5), np.ones(5), "n_looks"),
    (np.ones((2, 3)), np.ones((3, 3)), "share"),
    (np.ones((2, 1)), np.ones((2, 1)), "two users"),
    (np.full((2, 3), np.nan), np.ones((2, 3)), "NaN"),
])
def test_cumulative_looks_rejects_bad_input(control, treatment, match):
    "cumulative_looks: one-dimensional input, mismatched looks, one user per arm and NaNs raise"
    with pytest.raises(ValueError, match=match):
        cumulative_looks(control, treatment)


def test_msprt_likelihood_ratio_is_a_ratio_of_normal_densities():
    "msprt_pvalues: 1 / p is the mixture density N(d; 0, V + tau^2) over the null density N(d; 0, V)"
    d, v, tau = np.array([0.9]), np.array([0.2]), 0.7
    ratio = stats.norm.pdf(d, 0, np.sqrt(v + tau**2)) / stats.norm.pdf(d, 0, np.sqrt(v))
    assert_allclose(msprt_pvalues(d, v, tau=tau), 1 / ratio)


def test_msprt_pvalues_never_increase_and_stay_valid():
    "msprt_pvalues: non-increasing over looks; under no effect at most alpha reject at any of 50 looks"
    rng = np.random.default_rng(8)
    steps = rng.normal(size=(4000, 50))
    n = np.arange(1, 51)
    p = msprt_pvalues(np.cumsum(steps, axis=1) / n, np.broadcast_to(1.0 / n, steps.shape), tau=0.5)
    assert (np.diff(p, axis=1) <= 0).all()
    assert (p[:, -1] < 0.05).mean() <= 0.05
    naive = 2 * stats.norm.sf(np.abs(np.cumsum(steps, axis=1)) / np.sqrt(n))
    assert ((naive < 0.05).any(axis=1)).mean() > 0.2  # peeking at 50 looks


@pytest.mark.parametrize("d, v, tau, error, match", [
    ([0.1, 0.2], [1.0], 1.0, ValueError, "same shape"),
    ([0.1], [0.0], 1.0, ValueError, "positive"),
    ([0.1], [1.0], 0.0, ValueError, "tau"),
    ([np.nan], [1.0], 1.0, ValueError, "NaN"),
    ([0.1], [1.0], "1", TypeError, "tau"),
])
def test_msprt_pvalues_rejects_bad_input(d, v, tau, error, match):
    "msprt_pvalues: mismatched shapes, non-positive variances or tau and NaNs raise"
    with pytest.raises(error, match=match):
        msprt_pvalues(d, v, tau=tau)


# --- decision -----------------------------------------------------------------------------------

def test_decide_applies_the_declared_rule():
    "decide: ship, no-ship and iterate, with one verdict per metric"
    ok = {"latency": (-1.0, 2.0, 5.0), "errors": (-0.1, 0.05, 0.1)}
    assert decide((0.1, 0.5), ok).decision == "ship"
    assert decide((-0.5, -0.1), ok).decision == "no-ship"
    assert decide((-0.1, 0.5), ok).decision == "iterate"
    result = decide((0.1, 0.5), {**ok, "latency": (6.0, 8.0, 5.0)})
    assert result.decision == "no-ship"
    assert result.table.loc["latency", "verdict"] == "fails"
    assert decide((0.1, 0.5), {**ok, "latency": (3.0, 8.0, 5.0)}).decision == "iterate"
    assert list(result.table.index) == ["primary", "latency", "errors"]


@pytest.mark.parametrize("primary, guardrails, error, match", [
    ((1.0, 0.0), {}, ValueError, "above high"),
    ((0.0, 1.0), {"x": (0.0, 1.0, -1.0)}, ValueError, "tolerance"),
    ((0.0, 1.0), {"x": (0.0, 1.0)}, TypeError, "3 numbers"),
    ((0.0, np.nan), {}, TypeError, "finite"),
    ((0.0, 1.0), [("x", (0.0, 1.0, 1.0))], TypeError, "map"),
])
def test_decide_rejects_bad_input(primary, guardrails, error, match):
    "decide: reversed intervals, negative tolerances and malformed guardrails raise"
    with pytest.raises(error, match=match):
        decide(primary, guardrails)


# --- simulators ---------------------------------------------------------------------------------

def test_draw_revenue_has_the_stated_truth():
    "draw_revenue: the control mean is Traffic.mean_revenue; relative and absolute effects are as planted"
    treated = np.arange(400_000) % 2 == 1
    _, revenue = draw_revenue(treated, effect=0.1, seed=0)
    control = revenue[~treated].mean()
    assert_allclose(control, TRAFFIC.mean_revenue, rtol=0.01)
    assert_allclose(revenue[treated].mean() / control - 1, 0.1, atol=0.012)
    _, shifted = draw_revenue(treated, effect=2.0, relative=False, seed=0)
    assert_allclose(shifted[treated] - revenue[treated] / 1.1, 2.0)


def test_draw_revenue_weekday_and_effect_broadcast():
    "draw_revenue: a weekday per day and an effect per day broadcast over users"
    treated = np.broadcast_to(np.arange(1000) >= 500, (7, 1000))
    weekday = np.arange(7)[:, None]
    _, revenue = draw_revenue(treated, effect=np.linspace(0, 0.6, 7)[:, None], weekday=weekday, seed=1)
    assert revenue.shape == (7, 1000)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(treated=np.array([0, 1])), TypeError, "boolean"),
    (dict(treated=np.array([], dtype=bool)), ValueError, "empty"),
    (dict(treated=np.ones(3, dtype=bool), effect=-1.0), ValueError, "above -1"),
    (dict(treated=np.ones(3, dtype=bool), effect=[0.1, 0.2]), ValueError, "broadcasts"),
    (dict(treated=np.ones(3, dtype=bool), weekday=np.array([0, 7, 1])), ValueError, "weekday"),
    (dict(treated=np.ones(3, dtype=bool), traffic={}), TypeError, "Traffic"),
])
def test_draw_revenue_rejects_bad_input(kwargs, error, match):
    "draw_revenue: non-boolean or empty treated flags, effects at -100% and bad weekdays raise"
    with pytest.raises(error, match=match):
        draw_revenue(**kwargs)


def test_draw_clicks_has_the_stated_truth():
    "draw_clicks: clicks per session is a / (a + b), times 1 + lift in the treatment"
    treated = np.arange(400_000) % 2 == 1
    sessions, clicks = draw_clicks(treated, lift=0.2, seed=2)
    control = clicks[~treated].sum() / sessions[~treated].sum()
    assert_allclose(control, 0.1, rtol=0.02)
    assert_allclose(clicks[treated].sum() / sessions[treated].sum(), 0.12, rtol=0.02)


def test_draw_clicks_rejects_a_lift_at_minus_one():
    "draw_clicks: a lift of -100% raises"
    with pytest.raises(ValueError, match="above -1"):
        draw_clicks(np.ones(3, dtype=bool), lift=-1.0)


def test_simulate_users_is_reproducible_and_complete():
    "simulate_users: the stated columns, the same users for the same seed, arms from the salt"
    users = simulate_users(2_000, salt="exp-1", seed=3)
    assert list(users.columns) == ["user_id", "arm", "day", "weekday", "segment", "pre_revenue", "revenue",
                                   "sessions", "clicks", "latency_ms", "errors"]
    assert users.equals(simulate_users(2_000, salt="exp-1", seed=3))
    other = simulate_users(2_000, salt="exp-2", seed=3)
    assert (other["arm"] == np.where(assign(users["user_id"], salt="exp-2"), "treatment", "control")).all()
    assert_allclose(other["revenue"], users["revenue"])  # no effect: the salt moves users, not metrics
    assert users["day"].min() == pd.Timestamp("2024-01-01") and (users["weekday"] == users["day"].dt.day_of_week).all()


def test_simulate_users_plants_effects_per_segment_and_guardrails():
    "simulate_users: a per-segment effect, a latency shift and an error lift land where planted"
    users = simulate_users(60_000, salt="e", effect={"desktop": 0.2, "mobile": 0.0}, latency_ms=30.0,
                           error_lift=1.0, seed=4)
    means = users.groupby(["segment", "arm"])["revenue"].mean().unstack()
    lift = means["treatment"] / means["control"] - 1
    assert lift["desktop"] > 0.12 and abs(lift["mobile"]) < 0.06
    latency = users.groupby("arm")["latency_ms"].mean()
    assert_allclose(latency["treatment"] - latency["control"], 30.0, atol=2.0)
    rate = users.groupby("arm")["errors"].sum() / users.groupby("arm")["sessions"].sum()
    assert_allclose(rate["treatment"] / rate["control"], 2.0, rtol=0.1)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_users=1, salt="s"), ValueError, "n_users"),
    (dict(n_users=10, salt=""), TypeError, "salt"),
    (dict(n_users=10, salt="s", effect={"mobile": 0.1}), ValueError, "desktop"),
    (dict(n_users=10, salt="s", effect=-1.5), ValueError, "above -1"),
    (dict(n_users=10, salt="s", error_lift=-1.0), ValueError, "error_lift"),
    (dict(n_users=10, salt="s", days=0), ValueError, "days"),
    (dict(n_users=10, salt="s", traffic=None), TypeError, "Traffic"),
])
def test_simulate_users_rejects_bad_input(kwargs, error, match):
    "simulate_users: bad sizes, salts, segment effects and lifts raise"
    with pytest.raises(error, match=match):
        simulate_users(**kwargs)


def test_traffic_mean_revenue_is_the_lognormal_mean():
    "Traffic.mean_revenue: without mobile users or weekday effects it is exp(mu + s^2 / 2)"
    t = Traffic(mobile_share=0.0, weekday=(1.0,) * 7)
    assert_allclose(t.mean_revenue, np.exp(t.log_revenue + (t.user_sd**2 + t.period_sd**2) / 2))
