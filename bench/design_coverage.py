"""Coverage of the design-based event estimates by simulation (issue: estimation).

Finite populations are built from a real corpus's surrogate scores (the
classifier's calibrated probability of every Channel One lead in the event
windows and baselines of the catalogue) and from the hand-coded gold
standard: an item carries a claim with probability

    logit q = a + b * logit(p) + u_event,

where ``b`` is fitted on the coded items (weighted by inverse inclusion
probability), ``u_event`` ~ N(0, sd_event^2) shifts each event window (prior
shift: windows differ from the training sample) and ``a`` sets the
population prevalence to 0.1%, 1% or 3%. For every population the whole
design is repeated: wave 1 drawn from the scores, coded (the population's
codes), wave 2 allocated from wave 1's codes and drawn, both estimators
(Horvitz-Thompson, difference) with each interval. Recorded: coverage of the
95% intervals for every window's share, every event's excess and the type
contrasts; bias; and the effective-sample-size gain over simple random
sampling of the same number of items per domain.

    python bench/design_coverage.py --replicates 1000

needs a finished run of ``config/corpora/1tv-leads.yaml`` (results/1tv-leads)
and writes ``bench/results/design_coverage.{csv,md}``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from schemes.catalogue import in_period, load_events  # noqa: E402
from schemes.coding import load_gold  # noqa: E402
from schemes.configtools import load_config  # noqa: E402
from schemes.design import (  # noqa: E402
    DesignSettings,
    draw_wave,
    score_bands,
    study_domains,
    take_all_shares,
    wave_spread,
)
from schemes.estimate import (  # noqa: E402
    ESTIMATORS,
    INTERVALS,
    Wave,
    combine_waves,
    effective_n,
    mover,
    rounded_outward,
    share_interval,
    wave_estimate,
)
from scipy.special import expit, logit  # noqa: E402

PREVALENCES = (0.001, 0.01, 0.03)
Z = 1.959963984540054


def load_population(results: Path, config: dict):
    """Study items (scores, domains) of the corpus and the slope of codes on the surrogate."""
    items = pd.read_parquet(results / "framing" / "item_measures.parquet")
    events = in_period(
        load_events(ROOT / config["events"]["catalogue"]), config["events"]["period"]
    )
    e = config["events"]
    domains = study_domains(
        items,
        events,
        days_before=e["days_before"],
        days_after=e["days_after"],
        baseline_days=e["baseline_days"],
        min_baseline_docs=e["min_baseline_docs"],
    )
    gold_config = config["validation"]["items"]["gold"]
    gold = load_gold(ROOT / gold_config["design"], ROOT / gold_config["labels"])
    gold = gold.merge(
        items[["doc_id", "classifier_probability"]], left_on="item_id", right_on="doc_id"
    )
    slope = fit_slope(gold)
    return domains, slope


def fit_slope(gold: pd.DataFrame) -> float:
    """Slope of logit P(anti-Western) on logit(surrogate), inverse-probability weighted."""
    from sklearn.linear_model import LogisticRegression

    x = logit(np.clip(gold["classifier_probability"].to_numpy(float), 1e-6, 1 - 1e-6))[:, None]
    model = LogisticRegression(C=1e6).fit(
        x, gold["anti_western"].to_numpy(int), sample_weight=1 / gold["inclusion_probability"]
    )
    return float(model.coef_[0][0])


def population(scores, domains, *, prevalence, slope, sd_event, rng):
    """One finite population of codes with the given prevalence over the study items."""
    window = domains.table["kind"].to_numpy() == "window"
    shift = np.zeros(len(scores))
    for d in np.flatnonzero(window):
        member = domains.members[:, d]
        shift[member] = np.maximum(shift[member], 0) + rng.normal(0, sd_event) * (
            shift[member] == 0
        )
    base = slope * logit(np.clip(scores, 1e-6, 1 - 1e-6)) + shift
    low, high = -40.0, 40.0
    for _ in range(60):
        a = (low + high) / 2
        low, high = (a, high) if expit(a + base).mean() < prevalence else (low, a)
    q = expit((low + high) / 2 + base)
    return (rng.random(len(scores)) < q).astype(float)


def simulate_once(scores, strata, domains, settings, codes):
    """Both waves drawn and estimated on one population: per estimator, the domain estimates."""
    kinds = domains.table["kind"].to_numpy()
    first = draw_wave(
        scores,
        strata,
        domains.table,
        settings=settings,
        wave=1,
        spread=wave_spread(strata, scores, kinds=kinds),
    )
    second = draw_wave(
        scores,
        strata,
        domains.table,
        settings=settings,
        wave=2,
        spread=wave_spread(
            strata, scores, kinds=kinds, earlier=first, codes=codes, shrinkage=settings.shrinkage
        ),
        earlier=first,
    )
    out = {}
    for estimator in ESTIMATORS:
        waves = [
            wave_estimate(
                Wave(w.pi, w.drawn, np.where(w.drawn, codes, np.nan), scores, domains.members),
                estimator,
            )
            for w in (first, second)
        ]
        out[estimator] = combine_waves(waves, settings.wave_weight)
    return out, second.drawn.sum()


def contrast_coefficients(table: pd.DataFrame, pair) -> np.ndarray:
    """Coefficients of the type contrast over domains (excess = window - baseline)."""
    coefficient = np.zeros(len(table))
    events = table.drop_duplicates("event_id")
    for sign, side in zip((1, -1), pair, strict=True):
        chosen = events[events["type"].isin(side.split("+"))]["event_id"]
        for event_id in chosen:
            for kind, k in (("window", 1), ("baseline", -1)):
                mask = (table["event_id"] == event_id) & (table["kind"] == kind)
                coefficient[mask.to_numpy()] += sign * k / len(chosen)
    return coefficient


def score_replicate(estimate, truth, table, pairs, method):
    """Coverage indicators of one replicate for one estimator and interval method."""
    n = table["n_items"].to_numpy(float)
    share, variance = estimate.total / n, estimate.variance / n**2
    n_eff = effective_n(share, variance, kish_n=estimate.kish_n, cap=n)
    low, high = rounded_outward(*share_interval(share, variance, n_eff, method=method), n)
    true_share = truth / n
    window = table["kind"].to_numpy() == "window"
    covered = (low <= true_share + 1e-12) & (true_share - 1e-12 <= high)
    rows = {
        "share_covered": covered[window],
        "share_positive": truth[window] > 0,
        "share_error": (share - true_share)[window],
        "share_variance": variance[window],
    }
    events = table[window]["event_id"].to_numpy()
    excess_covered = []
    for event_id in events:
        w = np.flatnonzero((table["event_id"] == event_id) & window)[0]
        b = np.flatnonzero((table["event_id"] == event_id) & ~window)[0]
        lo, hi = mover(share[[w, b]], low[[w, b]], high[[w, b]], coefficients=[1, -1])
        true = true_share[w] - true_share[b]
        excess_covered.append(lo <= true + 1e-12 and true - 1e-12 <= hi)
    rows["excess_covered"] = np.array(excess_covered)
    contrasts = []
    for pair in pairs:
        c = contrast_coefficients(table, pair)
        terms = c != 0
        lo, hi = mover(share[terms], low[terms], high[terms], coefficients=c[terms])
        true = c @ true_share
        estimate_c = c @ share
        se = np.sqrt(c**2 @ variance)
        contrasts.append(
            {
                "mover": lo <= true + 1e-12 and true - 1e-12 <= hi,
                "wald": abs(estimate_c - true) <= Z * se + 1e-12,
                "error": estimate_c - true,
                "variance": c**2 @ variance,
            }
        )
    return rows, contrasts


def run(args) -> pd.DataFrame:
    config = load_config(
        ROOT / "config" / "config.yaml", ROOT / "config" / "corpora" / "1tv-leads.yaml"
    )
    domains, slope = load_population(Path(args.results), config)
    scores = domains.items["classifier_probability"].to_numpy(float)
    settings = DesignSettings.from_config(config)
    strata = score_bands(
        scores,
        domains.members,
        take_all=take_all_shares(domains.table, settings.take_all),
        bands=settings.bands,
    )
    pairs = [tuple(p) for p in config["events"]["contrasts"]]
    rows = []
    for prevalence in PREVALENCES:
        rng = np.random.default_rng([args.seed, int(prevalence * 1e5)])
        for pop in range(args.populations):
            codes = population(
                scores, domains, prevalence=prevalence, slope=slope, sd_event=args.sd_event, rng=rng
            )
            truth = codes @ domains.members.astype(float)
            reps = args.replicates // args.populations
            for rep in range(reps):
                seeded = settings.replace(seed=int(rng.integers(1 << 30)))
                estimates, n_coded = simulate_once(scores, strata, domains, seeded, codes)
                for estimator, estimate in estimates.items():
                    for method in INTERVALS:
                        shares, contrasts = score_replicate(
                            estimate, truth, domains.table, pairs, method
                        )
                        rows.append(
                            summary_row(
                                prevalence,
                                pop,
                                rep,
                                estimator,
                                method,
                                shares,
                                contrasts,
                                pairs,
                                n_coded,
                            )
                        )
            print(f"prevalence {prevalence}: population {pop + 1} done", flush=True)
    return pd.DataFrame(rows), domains, slope


def summary_row(prevalence, pop, rep, estimator, method, shares, contrasts, pairs, n_coded):
    row = {
        "prevalence": prevalence,
        "population": pop,
        "replicate": rep,
        "estimator": estimator,
        "interval": method,
        "n_coded": int(n_coded),
        "share_coverage": shares["share_covered"].mean(),
        "share_coverage_positive": shares["share_covered"][shares["share_positive"]].mean()
        if shares["share_positive"].any()
        else np.nan,
        "excess_coverage": shares["excess_covered"].mean(),
        "share_error_mean": shares["share_error"].mean(),
        "share_squared_error": (shares["share_error"] ** 2).mean(),
    }
    for pair, c in zip(pairs, contrasts, strict=True):
        name = f"{pair[0]}-{pair[1]}"
        row[f"contrast_mover[{name}]"] = c["mover"]
        row[f"contrast_wald[{name}]"] = c["wald"]
        row[f"contrast_error[{name}]"] = c["error"]
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--results", default=str(ROOT / "results" / "1tv-leads"))
    parser.add_argument("--replicates", type=int, default=1000, help="per prevalence")
    parser.add_argument("--populations", type=int, default=10, help="per prevalence")
    parser.add_argument("--sd-event", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "design_coverage"))
    args = parser.parse_args(argv)
    if not (Path(args.results) / "framing" / "item_measures.parquet").exists():
        print(f"{args.results} has no item measures: run config/corpora/1tv-leads.yaml first")
        return 0
    started = time.perf_counter()
    table, domains, slope = run(args)
    table.to_csv(f"{args.out}.csv", index=False, float_format="%.6g")
    print(f"{len(table)} rows in {time.perf_counter() - started:.0f} s; slope {slope:.3f}")
    print(
        table.groupby(["prevalence", "estimator", "interval"]).mean(numeric_only=True).T.to_string()
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
