"""Rank confidence sets on constructed cases with known answers."""

import numpy as np
from schemes.ranks import rank_confidence_sets


def draws_for(theta, se, n=4000, seed=0):
    rng = np.random.default_rng(seed)
    return np.asarray(theta) + rng.normal(0, 1, (n, len(theta))) * np.asarray(se)


def test_well_separated_estimates_have_point_rank_sets():
    theta = [100.0, 50.0, 10.0, 0.0]
    sets = rank_confidence_sets(theta, draws_for(theta, [1, 1, 1, 1]))
    for key in sets:
        assert list(sets[key]) == [1, 2, 3, 4]


def test_indistinguishable_estimates_have_full_rank_sets():
    theta = [1.0, 0.9, 1.1, 1.05]
    sets = rank_confidence_sets(theta, draws_for(theta, [10, 10, 10, 10]))
    assert list(sets["marginal_low"]) == [1, 1, 1, 1]
    assert list(sets["marginal_high"]) == [4, 4, 4, 4]


def test_two_clusters_give_sets_spanning_each_cluster():
    # two tight pairs far apart: within a pair the order is unknown
    theta = [100.0, 100.5, 0.0, 0.5]
    sets = rank_confidence_sets(theta, draws_for(theta, [2, 2, 2, 2]))
    assert list(zip(sets["marginal_low"], sets["marginal_high"], strict=True)) == [
        (1, 2),
        (1, 2),
        (3, 4),
        (3, 4),
    ]


def test_simultaneous_sets_contain_marginal_sets():
    rng = np.random.default_rng(3)
    theta = rng.normal(0, 3, 12)
    sets = rank_confidence_sets(theta, draws_for(theta, np.full(12, 1.5), seed=4))
    assert (sets["simultaneous_low"] <= sets["marginal_low"]).all()
    assert (sets["simultaneous_high"] >= sets["marginal_high"]).all()
    point = np.argsort(np.argsort(-theta)) + 1
    assert ((sets["marginal_low"] <= point) & (point <= sets["marginal_high"])).all()


def test_marginal_coverage_in_simulation():
    # true ranks are covered in at least ~95% of repeated experiments
    true = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    se = np.full(5, 0.8)
    rng = np.random.default_rng(11)
    true_rank = np.argsort(np.argsort(-true)) + 1
    covered = 0
    trials = 150
    for t in range(trials):
        estimate = true + rng.normal(0, se)
        sets = rank_confidence_sets(estimate, draws_for(estimate, se, n=1000, seed=t))
        covered += (
            (sets["marginal_low"] <= true_rank) & (true_rank <= sets["marginal_high"])
        ).sum()
    assert covered / (trials * 5) >= 0.93


def test_degenerate_sizes():
    assert list(rank_confidence_sets([], np.empty((10, 0)))["marginal_low"]) == []
    assert list(rank_confidence_sets([3.0], np.ones((10, 1)))["simultaneous_high"]) == [1]
