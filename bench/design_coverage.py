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
contrasts; coverage of the marginal and simultaneous 95% rank confidence
sets (multiplier bootstrap, ``--rank-boot`` replicates); bias; and the
effective-sample-size gain over simple random sampling of the same number of
items per domain.

    python bench/design_coverage.py --replicates 1000

needs a finished run of ``config/corpora/1tv-leads.yaml`` (results/1tv-leads)
and writes ``bench/results/design_coverage.{csv,md}``.
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
import time
from itertools import product
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
    FALLBACKS,
    INTERVALS,
    N_EFF_CAP,
    N_EFF_FALLBACK,
    Wave,
    combine_waves,
    contrast_rows,
    contrast_weights,
    domain_shares,
    event_table,
    excess_replicates,
    rank_tiers,
    total_replicates,
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
    waves = [
        Wave(w.pi, w.drawn, np.where(w.drawn, codes, np.nan), scores, domains.members)
        for w in (first, second)
    ]
    out = {
        estimator: combine_waves([wave_estimate(w, estimator) for w in waves], settings.wave_weight)
        for estimator in ESTIMATORS
    }
    return out, waves


def rank_coverage(shares, totals, truth_events, *, seed) -> dict:
    """Whether each event's marginal rank set, and the simultaneous set, hold its true rank.

    Tied true excesses (windows without claims) may take any rank of their tie.
    """
    replicates = excess_replicates(totals, shares, seed=seed)
    ranked = (
        rank_tiers(event_table(shares), replicates)
        .set_index("event_id")
        .reindex(truth_events.index)
    )
    true = truth_events["excess"].round(9)
    best = true.rank(ascending=False, method="min")
    worst = true.rank(ascending=False, method="max")
    marginal = (ranked["rank_low"] <= worst) & (best <= ranked["rank_high"])
    simultaneous = (ranked["rank_simultaneous_low"] <= worst) & (
        best <= ranked["rank_simultaneous_high"]
    )
    return {
        "rank_marginal_covered": marginal.to_numpy(),
        "rank_simultaneous_covered": bool(simultaneous.all()),
        "rank_set_width": float((ranked["rank_high"] - ranked["rank_low"] + 1).mean()),
    }


def truth_table(domains, truth: np.ndarray, pairs) -> tuple[pd.DataFrame, pd.Series]:
    """The population's own per-event rates, excess and contrasts (per 1,000 items)."""
    table = domains.table.assign(share=truth / domains.table["n_items"].to_numpy(float))
    window = table[table["kind"] == "window"].set_index("event_id")
    base = table[table["kind"] == "baseline"].set_index("event_id").reindex(window.index)
    events = pd.DataFrame(
        {
            "type": window["type"],
            "rate": 1000 * window["share"],
            "excess": 1000 * (window["share"] - base["share"]),
            "positives": truth[(domains.table["kind"] == "window").to_numpy()],
        }
    )
    contrasts = {}
    for type_a, type_b in pairs:
        weights, _, _ = contrast_weights(events, type_a, type_b)
        contrasts[f"{type_a} - {type_b}"] = float(weights @ events["excess"].to_numpy())
    return events, pd.Series(contrasts)


def inside(low, value, high) -> np.ndarray:
    return (low <= value + 1e-9) & (value - 1e-9 <= high)


def score_replicate(
    estimate, truth_events, truth_contrasts, domains, pairs, method, *, fallback, cap, ranks
) -> dict:
    """One replicate through the shipped code path (domain_shares, event_table, contrast_rows;
    with ``ranks``, a dict of rank_coverage's arguments, the rank sets too)."""
    shares = domain_shares(domains.table, estimate, method, fallback=fallback, cap=cap)
    events = event_table(shares).set_index("event_id").reindex(truth_events.index)
    contrast = contrast_rows(events.reset_index(), pairs)
    row = {
        "rate_error": (events["rate_per_1000"] - truth_events["rate"]).to_numpy(),
        "rate_covered": inside(
            events["rate_low"], truth_events["rate"], events["rate_high"]
        ).to_numpy(),
        "excess_covered": inside(
            events["excess_low"], truth_events["excess"], events["excess_high"]
        ).to_numpy(),
        "n_coded": events["n_coded"].to_numpy(),
        "coded_positives": shares[shares["kind"] == "window"]
        .set_index("event_id")["positives"]
        .reindex(truth_events.index)
        .to_numpy(),
        **(rank_coverage(shares, **ranks) if ranks else {}),
    }
    # diagnostic: the same adjusted Wald contrast from effective sizes without the cap
    uncapped = contrast_rows(
        event_table(domain_shares(domains.table, estimate, method, fallback=fallback, cap=np.inf)),
        pairs,
    )
    for c, u, name in zip(
        contrast.itertuples(index=False),
        uncapped.itertuples(index=False),
        truth_contrasts.index,
        strict=True,
    ):
        true = truth_contrasts[name]
        row[f"uncapped[{name}]"] = bool(inside(u.adjusted_low, true, u.adjusted_high))
        row[f"contrast[{name}]"] = c.difference - true
        row[f"adjusted[{name}]"] = bool(inside(c.adjusted_low, true, c.adjusted_high))
        row[f"mover[{name}]"] = bool(inside(c.mover_low, true, c.mover_high))
        row[f"wald[{name}]"] = bool(inside(c.wald_low, true, c.wald_high))
        row[f"anticipated[{name}]"] = bool(inside(c.ci_low, true, c.ci_high))
    return row


def run(args):
    """Every replicate of every population at every prevalence: one record per estimator and interval."""
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
    records = []
    for prevalence in PREVALENCES:
        rng = np.random.default_rng([args.seed, int(prevalence * 1e5)])
        for pop in range(args.populations):
            codes = population(
                scores, domains, prevalence=prevalence, slope=slope, sd_event=args.sd_event, rng=rng
            )
            truth = truth_table(domains, codes @ domains.members.astype(float), pairs)
            for _ in range(args.replicates // args.populations):
                seeded = settings.replace(seed=int(rng.integers(1 << 30)))
                estimates, waves = simulate_once(scores, strata, domains, seeded, codes)
                n_coded = waves[-1].drawn.sum()
                for estimator, estimate in estimates.items():
                    ranks = {
                        "totals": total_replicates(
                            waves,
                            estimator=estimator,
                            wave_weight=seeded.wave_weight,
                            n_boot=args.rank_boot,
                            seed=seeded.seed,
                        ),
                        "truth_events": truth[0],
                        "seed": seeded.seed,
                    }
                    for method, fallback, cap in product(args.intervals, args.fallbacks, args.caps):
                        row = score_replicate(
                            estimate,
                            *truth,
                            domains,
                            pairs,
                            method,
                            fallback=fallback,
                            cap=cap,
                            ranks=ranks if method == "wilson" else None,
                        )
                        records.append(
                            {
                                "prevalence": prevalence,
                                "estimator": estimator,
                                "interval": method,
                                "fallback": fallback,
                                "cap": cap,
                                "total_coded": int(n_coded),
                                "true_rate": truth[0]["rate"].to_numpy(),
                                "positives": truth[0]["positives"].to_numpy(),
                                **row,
                            }
                        )
            print(f"prevalence {prevalence}: population {pop + 1} done", flush=True)
    return records, domains, slope


def rank_summary(group: pd.DataFrame) -> dict:
    """Coverage of the rank sets (computed with Wilson intervals only)."""
    if "rank_set_width" not in group or group["rank_set_width"].isna().all():
        return {}
    return {
        "rank_marginal_coverage": float(np.vstack(group["rank_marginal_covered"]).mean()),
        "rank_simultaneous_coverage": float(group["rank_simultaneous_covered"].mean()),
        "rank_set_width_mean": float(group["rank_set_width"].mean()),
    }


def summary_row(group: pd.DataFrame, n_items: np.ndarray) -> dict:
    """Coverage, bias and the effective-sample-size gain over simple random sampling."""
    covered = np.vstack(group["rate_covered"])
    positive = np.vstack(group["positives"]) > 0
    coded_claim = positive & (np.vstack(group["coded_positives"]) > 0)
    errors = np.vstack(group["rate_error"])
    coded = np.vstack(group["n_coded"]).mean(axis=0)
    mse = (errors**2).mean(axis=0)
    p = np.vstack(group["true_rate"]).mean(axis=0) / 1000
    # variance of a simple random sample of the same size in the window, per 1,000 squared
    srs = 1e6 * p * (1 - p) / coded * np.clip(1 - coded / n_items, 0, 1)
    gain = np.where((p > 0) & (mse > 0), srs / mse, np.nan)
    row = {
        "replicates": len(group),
        "coded_items": float(group["total_coded"].mean()),
        "coded_per_window": float(coded.mean()),
        "rate_coverage": float(covered.mean()),
        "rate_coverage_windows_with_claims": float(covered[positive].mean())
        if positive.any()
        else np.nan,
        # windows whose population holds a claim and whose sample coded one: a window
        # without a claim is covered by any interval from 0 up, one whose sample coded
        # none of its claims whenever the upper bound reaches its share
        "rate_coverage_windows_with_coded_claims": float(covered[coded_claim].mean())
        if coded_claim.any()
        else np.nan,
        "windows_without_claim": float(1 - positive.mean()),
        "windows_with_claims_none_coded": float((positive & ~coded_claim).mean()),
        "excess_coverage": float(np.vstack(group["excess_covered"]).mean()),
        **rank_summary(group),
        "rate_bias_per_1000": float(errors.mean()),
        "rate_rmse_per_1000": float(np.sqrt(mse.mean())),
        "ess_gain_median": float(np.nanmedian(gain)),
    }
    for column in group.columns:
        if column.startswith(("adjusted[", "uncapped[", "anticipated[", "mover[", "wald[")):
            kind, name = column.split("[", 1)
            row[f"contrast_{kind}_coverage[{name}"] = float(group[column].mean())
        elif column.startswith("contrast["):
            row[f"contrast_bias[{column.split('[', 1)[1]}"] = float(group[column].mean())
    return row


def summarise(records, domains) -> pd.DataFrame:
    """One row per prevalence, estimator and interval."""
    frame = pd.DataFrame(records)
    n_items = domains.table.loc[domains.table["kind"] == "window", "n_items"].to_numpy(float)
    rows = []
    for (prevalence, estimator, interval, fallback, cap), group in frame.groupby(
        ["prevalence", "estimator", "interval", "fallback", "cap"], sort=True
    ):
        rows.append(
            {
                "prevalence": prevalence,
                "estimator": estimator,
                "interval": interval,
                "fallback": fallback,
                "cap": cap,
                **summary_row(group, n_items),
            }
        )
    return pd.DataFrame(rows)


def write_markdown(summary: pd.DataFrame, path: str, *, args, slope: float, seconds: float) -> None:
    """The committed summary: how it was run, and the coverage tables."""
    chosen = summary[
        (summary["estimator"] == "difference")
        & (summary["interval"] == "wilson")
        & (summary["fallback"] == N_EFF_FALLBACK)
        & (summary["cap"] == N_EFF_CAP)
    ]
    lines = [
        "# Coverage of the design-based event estimates (simulation)",
        "",
        f"`python bench/design_coverage.py {shlex.join(args.argv)}` on {platform.machine()}, "
        f"{seconds / 60:.0f} min. Populations from "
        "the Channel One leads' surrogate scores (the classifier's calibrated probability of "
        "every item in the 42 event windows and baselines of 2000-2024); slope of the codes on "
        f"logit(surrogate) fitted on the gold standard: {slope:.2f}; event-window shift sd "
        f"{args.sd_event}; {args.replicates} replicates per prevalence over {args.populations} "
        "populations. Design and estimators are the shipped ones (config/corpora/1tv-leads.yaml: "
        "two waves, Neyman rates, the fixed wave weight), run through the same functions as the "
        "rule `event_estimates`. Coverage of 95% intervals; rates and excess per 1,000 items.",
        "",
        "## The shipped choice: difference estimator, Wilson intervals (MOVER for the excess, "
        "for the contrasts Wald with the anticipated variance where no positive was coded)",
        "",
        chosen.T.to_markdown(floatfmt=".3f"),
        "",
        "## Every estimator and interval",
        "",
        summary.T.to_markdown(floatfmt=".3f"),
        "",
    ]
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--results", default=str(ROOT / "results" / "1tv-leads"))
    parser.add_argument("--replicates", type=int, default=1000, help="per prevalence")
    parser.add_argument("--populations", type=int, default=10, help="per prevalence")
    parser.add_argument("--sd-event", type=float, default=0.5)
    parser.add_argument("--intervals", nargs="+", default=list(INTERVALS), choices=INTERVALS)
    parser.add_argument("--fallbacks", nargs="+", default=list(FALLBACKS), choices=FALLBACKS)
    parser.add_argument(
        "--rank-boot", type=int, default=200, help="bootstrap replicates of the rank sets"
    )
    parser.add_argument(
        "--caps",
        type=float,
        nargs="+",
        default=[N_EFF_CAP],
        help="caps of the effective size (times the domain's size) to compare",
    )
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "design_coverage"))
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)
    if not (Path(args.results) / "framing" / "item_measures.parquet").exists():
        print(f"{args.results} has no item measures: run config/corpora/1tv-leads.yaml first")
        return 0
    started = time.perf_counter()
    records, domains, slope = run(args)
    summary = summarise(records, domains)
    summary.to_csv(f"{args.out}.csv", index=False, float_format="%.4f")
    write_markdown(
        summary, f"{args.out}.md", args=args, slope=slope, seconds=time.perf_counter() - started
    )
    print(summary.T.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
