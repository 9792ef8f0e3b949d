"""Design-based estimators: unbiased under Poisson sampling, adaptive waves, intervals."""

import numpy as np
import pandas as pd
import pytest
from schemes.estimate import (
    Wave,
    adjusted_wald,
    combine_waves,
    contrast_rows,
    domain_shares,
    effective_n,
    mover,
    rank_tiers,
    share_interval,
    wave_estimate,
)


def population(n=3000, seed=0):
    """Two overlapping domains; claims rare and concentrated in high-scoring items."""
    rng = np.random.default_rng(seed)
    score = rng.beta(0.3, 20, n)
    code = (rng.random(n) < np.clip(2.5 * score, 0, 1)).astype(float)
    members = np.zeros((n, 2), bool)
    members[:2000, 0] = True
    members[1500:, 1] = True
    return score, code, members


def rates_by_score(score, budget, floor=0.02):
    """Inclusion probabilities rising with the score, scaled to an expected budget."""
    raw = np.sqrt(score * (1 - score))
    k = budget / raw.sum()
    return np.clip(k * raw, floor, 1.0)


def test_poisson_estimators_are_unbiased_and_their_variance_is_right():
    score, code, members = population()
    truth = code @ members
    pi = rates_by_score(score, 400)
    rng = np.random.default_rng(1)
    totals = {"ht": [], "difference": []}
    variances = {"ht": [], "difference": []}
    for _ in range(1500):
        drawn = rng.random(len(pi)) < pi
        wave = Wave(pi, drawn, np.where(drawn, code, np.nan), score, members)
        for name in totals:
            estimate = wave_estimate(wave, name)
            totals[name].append(estimate.total)
            variances[name].append(estimate.variance)
    for name in totals:
        draws = np.array(totals[name])
        mc_se = draws.std(axis=0) / np.sqrt(len(draws))
        assert np.all(np.abs(draws.mean(axis=0) - truth) < 4 * mc_se), name
        # the variance estimator is unbiased for the variance of the estimator
        assert np.allclose(np.mean(variances[name], axis=0), draws.var(axis=0), rtol=0.15), name
    # the surrogate helps: the difference estimator is the more precise
    assert np.all(np.var(totals["difference"], axis=0) < np.var(totals["ht"], axis=0))


def test_adaptive_waves_combined_with_a_fixed_weight_stay_unbiased_pooling_does_not():
    """Wave 2 goes where wave 1 found claims. Pooling both waves as one sample biases the
    estimate down (Cui, Hung & Wang 1999); the fixed-weight combination does not."""
    rng = np.random.default_rng(2)
    n, strata = 4000, 40
    stratum = np.arange(n) % strata
    code = (rng.random(n) < 0.02).astype(float)
    members = np.ones((n, 1), bool)
    prediction = np.zeros(n)
    truth = code.sum()
    combined, pooled = [], []
    for _ in range(3000):
        pi1 = np.full(n, 0.05)
        s1 = rng.random(n) < pi1
        found = np.bincount(stratum[s1], weights=code[s1], minlength=strata)
        rate2 = np.where(found[stratum] > 0, 0.4, 0.02)  # more where positives showed
        s2 = ~s1 & (rng.random(n) < rate2)
        first = Wave(pi1, s1, np.where(s1, code, np.nan), prediction, members)
        second = Wave(
            np.where(s1, 1.0, rate2), s1 | s2, np.where(s1 | s2, code, np.nan), prediction, members
        )
        estimates = [wave_estimate(w, "ht") for w in (first, second)]
        combined.append(combine_waves(estimates, 0.4).total[0])
        # naive pooling: one sample with each stratum's final sampling share
        n_h = np.bincount(stratum[s1 | s2], minlength=strata)
        size = np.bincount(stratum, minlength=strata)
        pooled.append(
            (
                np.bincount(stratum[s1 | s2], weights=code[s1 | s2], minlength=strata)
                * size
                / np.maximum(n_h, 1)
            ).sum()
        )
    se = np.std(combined) / np.sqrt(len(combined))
    assert abs(np.mean(combined) - truth) < 4 * se
    assert np.mean(pooled) < truth - 4 * np.std(pooled) / np.sqrt(len(pooled))


def test_wilson_intervals_with_the_effective_size_cover():
    score, code, members = population(seed=3)
    n_items = members.sum(axis=0).astype(float)
    truth = (code @ members) / n_items
    pi = rates_by_score(score, 500)
    rng = np.random.default_rng(4)
    covered = []
    for _ in range(600):
        drawn = rng.random(len(pi)) < pi
        estimate = wave_estimate(
            Wave(pi, drawn, np.where(drawn, code, np.nan), score, members), "difference"
        )
        share, variance = estimate.total / n_items, estimate.variance / n_items**2
        n_eff = effective_n(share, variance, kish_n=estimate.kish_n, cap=n_items)
        low, high = share_interval(share, variance, n_eff, method="wilson")
        covered.append((low <= truth) & (truth <= high))
    assert 0.92 <= np.mean(covered) <= 0.995


def test_wilson_and_mover_reproduce_newcombe():
    """Newcombe (1998, Stat Med 17: 873), method 10: 56/70 - 48/80 = 0.200, 95% CI 0.0524 to 0.3339."""
    share = np.array([56 / 70, 48 / 80])
    n = np.array([70.0, 80.0])
    variance = share * (1 - share) / n
    n_eff = effective_n(share, variance, kish_n=n, cap=n)
    assert np.allclose(n_eff, n)
    low, high = share_interval(share, variance, n_eff, method="wilson")
    lo, hi = mover(share, low, high, coefficients=[1, -1])
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)


def test_adjusted_wald_is_agresti_caffo_for_two_shares():
    """With m = 2 Price & Bonett's interval is Agresti & Caffo's (2000): checked against statsmodels."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    for x1, n1, x2, n2 in [(3, 40, 1, 25), (0, 40, 0, 25), (12, 30, 0, 18)]:
        expected = confint_proportions_2indep(x1, n1, x2, n2, method="agresti-caffo")
        got = adjusted_wald([x1 / n1, x2 / n2], [n1, n2], coefficients=[1, -1])
        assert np.allclose(got, expected, atol=1e-12)


def test_adjusted_wald_adds_two_over_m_successes_to_each_of_m_shares():
    """Three shares, 1/100 - (4/200 + 0.75/150) / 2: each gets 2/3 successes and 4/3 trials
    (worked by hand: adjusted shares 1.6667/101.33, 4.6667/201.33, 1.4167/151.33)."""
    low, high = adjusted_wald([0.01, 0.02, 0.005], [100, 200, 150], coefficients=[1, -0.5, -0.5])
    assert (low, high) == pytest.approx((-0.0277530, 0.0281076), abs=1e-6)


def test_adjusted_wald_covers_a_contrast_of_rare_shares():
    """Mean of three rare shares minus mean of three others, no positive in most samples:
    the plain Wald interval collapses there, the adjusted one keeps its coverage."""
    rng = np.random.default_rng(3)
    p = np.array([0.001, 0.0025, 0.0005, 0.0015, 0.00075, 0.002])
    n = np.array([150, 200, 120, 180, 160, 140])
    c = np.array([1, 1, 1, -1, -1, -1]) / 3
    counts = rng.binomial(n, p, size=(4000, 6))
    adjusted, wald = [], []
    for x in counts:
        low, high = adjusted_wald(x / n, n, coefficients=c)
        adjusted.append(low <= c @ p <= high)
        half = 1.96 * np.sqrt(c**2 @ (x / n * (1 - x / n) / n))
        wald.append(abs(c @ (x / n) - c @ p) <= half)
    assert np.mean(adjusted) >= 0.95
    assert np.mean(wald) < 0.8


def test_contrast_rows_take_the_anticipated_interval_and_the_adjusted_one_beside():
    """Two events of type a against one of type b, excess rates without a standard error
    (no coded positive's variance): the Wald interval is a point; the default takes the
    anticipated standard errors; the adjusted one is Price & Bonett's over the six window
    and baseline shares (rates per 1,000 / 1,000) with coefficients +-1/2 and -+1."""
    events = pd.DataFrame(
        {
            "type": ["a", "a", "b"],
            "rate_per_1000": [0.0, 25.0, 0.0],
            "baseline_rate": [10.0, 0.0, 0.0],
            "n_effective": [40.0, 60.0, 50.0],
            "baseline_n_effective": [80.0, 90.0, 70.0],
            "excess": [-10.0, 25.0, 0.0],
            "excess_low": [-30.0, -20.0, -25.0],
            "excess_high": [40.0, 60.0, 35.0],
            "excess_se": [0.0, 0.0, 0.0],
            "excess_se_anticipated": [3.0, 4.0, 2.0],
        }
    )
    row = contrast_rows(events, [("a", "b")]).iloc[0]
    assert row["difference"] == row["wald_low"] == row["wald_high"] == 7.5
    # Wald with the anticipated standard errors: sqrt(1/4 * 9 + 1/4 * 16 + 1 * 4) = 3.2016
    half = 1.959964 * np.sqrt(0.25 * 9 + 0.25 * 16 + 4)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((7.5 - half, 7.5 + half), rel=1e-6)
    low, high = adjusted_wald(
        [0, 0.025, 0, 0.01, 0, 0],
        [40, 60, 50, 80, 90, 70],
        coefficients=[0.5, 0.5, -1, -0.5, -0.5, 1],
    )
    assert (row["adjusted_low"], row["adjusted_high"]) == pytest.approx((1000 * low, 1000 * high))
    assert row["adjusted_low"] < 7.5 < row["adjusted_high"]
    assert (row["mover_low"], row["mover_high"]) == pytest.approx(
        mover([-10, 25, 0], [-30, -20, -25], [40, 60, 35], coefficients=[0.5, 0.5, -1])
    )


def test_a_domain_with_no_coded_positive_keeps_an_upper_bound():
    share, variance = np.array([0.0]), np.array([0.0])
    n_eff = effective_n(share, variance, kish_n=np.array([60.0]), cap=np.array([600.0]))
    low, high = share_interval(share, variance, n_eff, method="wilson")
    assert low[0] == 0 and high[0] == pytest.approx(3.8415 / (60 + 3.8415), rel=1e-3)
    low, high = share_interval(share, variance, n_eff, method="wald")
    assert low[0] == high[0] == 0  # why Wald is not offered as the default
    # a difference estimate a hair above or below 0 from a sample with no coded positive:
    # the same fallback for both, whatever the sign
    n_eff = effective_n(
        np.array([1e-6, -1e-6, 1e-6]),
        np.array([1e-12, 1e-12, 1e-12]),
        kish_n=np.array([60.0, 60.0, 60.0]),
        cap=np.array([600.0, 600.0, 600.0]),
        positives=np.array([0, 0, 1]),
    )
    assert list(n_eff) == [60.0, 60.0, 600.0]


def test_difference_estimate_matches_ppi_with_inverse_probability_weights():
    """For a stratified sample (inclusion probabilities n_h / N_h, so sum 1/pi = N) the
    difference estimator equals prediction-powered inference with weights 1/pi
    (ppi-python, lam = 1), and with near-equal weights their intervals agree."""
    ppi = pytest.importorskip("ppi_py")
    rng = np.random.default_rng(5)
    score = rng.beta(0.5, 8, 20000)
    code = (rng.random(20000) < score).astype(float)
    stratum = (score > np.quantile(score, 0.8)).astype(int)
    chosen = np.zeros(20000, bool)
    pi = np.zeros(20000)
    for h, size in ((0, 300), (1, 300)):
        members = np.flatnonzero(stratum == h)
        chosen[rng.choice(members, size, replace=False)] = True
        pi[members] = size / len(members)
    wave = Wave(pi, chosen, np.where(chosen, code, np.nan), score, np.ones((20000, 1), bool))
    ours = wave_estimate(wave, "difference").total[0] / 20000
    theirs = ppi.ppi_mean_pointestimate(
        code[chosen], score[chosen], score[~chosen], lam=1, w=1 / pi[chosen]
    )
    # ppi averages the predictions of the unlabelled items only; ours of every item
    ours_unlabelled = score[~chosen].mean() + (
        ((code - score)[chosen] / pi[chosen]).sum() / (1 / pi[chosen]).sum()
    )
    assert float(theirs[0]) == pytest.approx(ours_unlabelled, abs=1e-12)
    assert ours == pytest.approx(ours_unlabelled, abs=2e-3)
    # with equal weights (a simple random sample) the variances agree
    srs = np.zeros(20000, bool)
    srs[rng.choice(20000, 600, replace=False)] = True
    flat = Wave(
        np.full(20000, 0.03), srs, np.where(srs, code, np.nan), score, np.ones((20000, 1), bool)
    )
    estimate = wave_estimate(flat, "difference")
    se = np.sqrt(estimate.variance[0]) / 20000
    low, high = ppi.ppi_mean_ci(code[srs], score[srs], score[~srs], alpha=0.05, lam=1)
    assert (high[0] - low[0]) / (2 * 1.96 * se) == pytest.approx(1.0, rel=0.1)


def test_tiers_join_events_whose_rank_sets_overlap():
    events = pd.DataFrame({"event_id": list("abcd"), "excess": [10.0, 9.5, 2.0, 1.8]})
    rng = np.random.default_rng(6)
    replicates = events["excess"].to_numpy() + rng.normal(0, 0.3, (500, 4))
    table = rank_tiers(events, replicates).set_index("event_id")
    assert table.loc["a", "tier"] == table.loc["b", "tier"] == 1
    assert table.loc["c", "tier"] == table.loc["d", "tier"] == 2
    assert table.loc["a", "rank_low"] == 1 and table.loc["a", "rank_high"] == 2


def test_an_event_too_uncertain_to_place_does_not_merge_the_tiers():
    events = pd.DataFrame({"event_id": list("abcde"), "excess": [10.0, 9.5, 2.0, 1.8, 6.0]})
    rng = np.random.default_rng(6)
    replicates = events["excess"].to_numpy() + rng.normal(0, 1, (500, 5)) * [
        0.3,
        0.3,
        0.3,
        0.3,
        20.0,
    ]
    table = rank_tiers(events, replicates).set_index("event_id")
    assert (table.loc["e", "rank_low"], table.loc["e", "rank_high"]) == (1, 5)
    assert table.loc["e", "tier"] == table.loc["a", "tier"] == table.loc["b", "tier"] == 1
    assert table.loc["c", "tier"] == table.loc["d", "tier"] == 2


def test_domain_shares_report_the_coded_items_and_a_design_effect():
    score, code, members = population(seed=7)
    pi = rates_by_score(score, 400)
    drawn = np.random.default_rng(8).random(len(pi)) < pi
    estimate = wave_estimate(Wave(pi, drawn, np.where(drawn, code, np.nan), score, members), "ht")
    domains = pd.DataFrame({"domain": ["a", "b"], "n_items": members.sum(axis=0)})
    shares = domain_shares(domains, estimate, "wilson")
    assert (shares["n_coded"] == (drawn[:, None] & members).sum(axis=0)).all()
    assert (shares["share_low"] <= shares["share"]).all() and (
        shares["share"] <= shares["share_high"]
    ).all()
    assert np.isfinite(shares["design_effect"]).all()


def test_anticipated_variance_is_the_variance_of_the_estimate_for_a_calibrated_surrogate():
    """Codes drawn from a calibrated surrogate (y ~ Bernoulli(p)): over populations and
    draws, the estimators' squared error averages the anticipated variance
    sum (1 - pi) p (1 - p) / pi (difference) and sum (1 - pi) p / pi (Horvitz-Thompson),
    whatever the sample codes; the estimated variance, by contrast, is 0 for
    Horvitz-Thompson on a sample with no coded positive."""
    rng = np.random.default_rng(11)
    score = rng.beta(0.3, 20, 3000)
    members = population()[2]
    pi = rates_by_score(score, 400)
    errors = {"ht": [], "difference": []}
    anticipated = {}
    for _ in range(1500):
        code = (rng.random(len(score)) < score).astype(float)
        drawn = rng.random(len(pi)) < pi
        wave = Wave(pi, drawn, np.where(drawn, code, np.nan), score, members)
        for name in errors:
            estimate = wave_estimate(wave, name)
            errors[name].append(estimate.total - code @ members)
            anticipated[name] = estimate.anticipated
    by_hand = {
        "difference": ((1 - pi) * score * (1 - score) / pi) @ members,
        "ht": ((1 - pi) * score / pi) @ members,
    }
    for name in errors:
        assert anticipated[name] == pytest.approx(by_hand[name])
        mse = (np.array(errors[name]) ** 2).mean(axis=0)
        assert mse == pytest.approx(anticipated[name], rel=0.12), name
    assert np.all(anticipated["difference"] < anticipated["ht"])


def test_the_anticipated_variance_floors_only_domains_without_a_coded_positive():
    score, code, members = population(seed=3)
    pi = rates_by_score(score, 400)
    drawn = np.random.default_rng(4).random(len(pi)) < pi
    code = code.copy()
    code[members[:, 1] & ~members[:, 0]] = 0.0  # domain b's own items hold no claim
    code[1500:2000] = 0.0
    wave = Wave(pi, drawn, np.where(drawn, code, np.nan), score, members)
    estimate = wave_estimate(wave, "ht")
    domains = pd.DataFrame({"domain": ["a", "b"], "n_items": members.sum(axis=0)})
    shares = domain_shares(domains, estimate, "wilson")
    assert list(shares["positives"] > 0) == [True, False]
    assert shares["se"][1] == 0  # Horvitz-Thompson sees no variance without a positive
    n = members.sum(axis=0)
    assert shares["se_anticipated"][1] == pytest.approx(np.sqrt(estimate.anticipated[1]) / n[1])
    assert shares["se_anticipated"][0] == shares["se"][0]
