"""Two-phase sampling: which items humans code, drawn with known inclusion probabilities.

Phase 1 scores every item of every event window and baseline with a
surrogate (a measure of the registry, by default the classifier's calibrated
probability). Phase 2 draws the items to code. The estimand of an event is
the share of its window's items that carry an anti-Western claim *by the
coding guide*; the surrogate only decides where coding effort goes, so the
estimates stay valid however good or bad it is (Särndal, Swensson & Wretman,
*Model Assisted Survey Sampling*, 1992).

**Domains and strata.** A *domain* is an event's window or its baseline
(``schemes.events.memberships``: the baseline excludes every window).
Within each domain the items are sorted by surrogate score: the top
``take_all`` share is a take-all stratum (every item coded), the rest is cut
into ``bands`` score bands of equal size. Windows may overlap, so an item
can lie in several domains; it is drawn once, with the largest of its
strata's inclusion probabilities.

**Poisson sampling.** Each item is drawn independently with its inclusion
probability ``pi`` (a seeded Bernoulli draw), so overlapping domains, waves
and the Horvitz-Thompson variance all stay exact; every item has ``pi >=
min_rate`` > 0, so no part of a window is left to the model alone.

**Allocation.** Rates follow Neyman allocation (Cochran 1977, 5.5) for the
chosen target: the rate of a stratum is proportional to the spread of
``code - prediction`` in it, times ``sqrt(c_d) / N_d`` for its domain ``d``
of ``N_d`` items, where ``c_d`` is the domain's weight in the target
(``per_event``: every window and baseline alike; ``contrast``: the squared
coefficients of the configured type contrasts), clipped to
[``min_rate``, 1] and scaled to the wave's budget. Before anything is coded
the spread is the surrogate's own, ``sqrt(p (1 - p))`` for a calibrated
probability ``p``.

**Waves.** Wave 1 is drawn from the phase-1 scores alone. Wave 2 is drawn
from the items wave 1 did not draw, allocated with the residual spreads
wave 1's codes show (shrunk towards the surrogate's, so a stratum without a
positive keeps a rate). Because wave 2 depends on wave 1's codes, the two
waves are not pooled as one sample (that would bias the estimates of rare
claims downwards): each wave gives its own unbiased estimate, and the two
are combined with the weight ``wave_weight`` fixed in advance (the adaptive
two-stage combination of Cui, Hung & Wang 1999; :mod:`schemes.estimate`).

The design of a wave is written before any item of it is coded, and frozen:
the files are committed beside the codes, and the estimates are computed
from them, not from a recomputed design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from schemes.catalogue import event_windows, load_events
from schemes.coding import export_for_coding, read_item_codes, refuse_unknown_items
from schemes.events import memberships
from schemes.measures import measure
from schemes.settings import Settings, key
from schemes.textnorm import write_for_coders

TAKE_ALL = 0


@dataclass(frozen=True)
class Domains:
    """The study's items and the domains (windows, baselines) they belong to.

    ``table`` has one row per domain: ``domain`` (``<event_id>:window`` or
    ``<event_id>:baseline``), ``event_id``, ``kind``, ``type``, ``n_items``.
    ``members`` is the (items x domains) boolean membership matrix, in the
    order of ``items`` and of ``table``'s rows.
    """

    items: pd.DataFrame
    table: pd.DataFrame
    members: np.ndarray


def study_domains(
    items: pd.DataFrame,
    events: pd.DataFrame,
    *,
    days_before,
    days_after,
    baseline_days,
    min_baseline_docs,
) -> Domains:
    """Windows and baselines of the events, as the event stage defines them.

    ``items`` needs ``doc_id``, ``date`` and ``date_end``; items outside
    every domain are dropped. An event whose window holds no item has no
    domain (it cannot be estimated).
    """
    windows = event_windows(events, days_before, days_after, baseline_days=baseline_days)
    in_window, in_base, kinds = memberships(items, windows, min_baseline_docs)
    rows, columns = [], []
    for j, event in enumerate(windows.itertuples(index=False)):
        if not in_window[:, j].any():
            continue
        for kind, member, baseline in (
            ("window", in_window[:, j], ""),
            ("baseline", in_base[:, j], kinds[j]),
        ):
            rows.append(
                {
                    "domain": f"{event.event_id}:{kind}",
                    "event_id": event.event_id,
                    "kind": kind,
                    "type": event.type,
                    "baseline_kind": baseline,
                    "n_items": int(member.sum()),
                }
            )
            columns.append(member)
    members = np.column_stack(columns) if columns else np.zeros((len(items), 0), dtype=bool)
    keep = members.any(axis=1)
    return Domains(
        items=items.loc[keep].reset_index(drop=True),
        table=pd.DataFrame(rows),
        members=members[keep],
    )


@dataclass(frozen=True)
class Strata:
    """The strata of every domain: groups of item indices (a take-all stratum and score bands).

    ``items`` holds the item indices of all groups one after the other, group
    ``g`` from ``starts[g]`` on; ``domain`` and ``stratum`` say which domain
    and which stratum of it (0 = take-all, 1.. = bands from the highest
    scores down) each group is.
    """

    items: np.ndarray
    starts: np.ndarray
    domain: np.ndarray
    stratum: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(np.append(self.starts, len(self.items)))

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per group, the sum of ``values`` over its items."""
        return np.add.reduceat(np.asarray(values, float)[self.items], self.starts)

    def spread_to_items(self, per_group: np.ndarray, n_items: int) -> np.ndarray:
        """Per item, the largest value of the groups it belongs to (0 outside every group)."""
        out = np.zeros(n_items)
        np.maximum.at(out, self.items, np.repeat(per_group, self.sizes))
        return out


def score_bands(
    scores: np.ndarray, members: np.ndarray, *, take_all: np.ndarray, bands: int
) -> Strata:
    """The strata of each domain: its take-all and its score bands.

    Stratum 0 is the take-all: the ``ceil(take_all[d] * N_d)`` top-scored
    items of domain ``d`` (ties by item order; windows have one, baselines
    none, see :func:`take_all_shares`). Strata 1..``bands`` are equal-sized
    score bands of the rest, from the highest scores down.
    """
    items, starts, domain, stratum = [], [], [], []
    offset = 0
    for d in range(members.shape[1]):
        index = np.flatnonzero(members[:, d])
        order = index[np.argsort(-scores[index], kind="stable")]
        top = int(np.ceil(take_all[d] * len(order)))
        rest = len(order) - top
        label = np.concatenate([np.zeros(top, int), 1 + (np.arange(rest) * bands) // max(rest, 1)])
        for h in np.unique(label):
            group = order[label == h]
            items.append(group)
            starts.append(offset)
            domain.append(d)
            stratum.append(int(h))
            offset += len(group)
    return Strata(
        items=np.concatenate(items) if items else np.zeros(0, int),
        starts=np.array(starts, dtype=int),
        domain=np.array(domain, dtype=int),
        stratum=np.array(stratum, dtype=int),
    )


def take_all_shares(table: pd.DataFrame, take_all: float) -> np.ndarray:
    """The take-all share of each domain: ``take_all`` for windows, none for baselines.

    Claims concentrate in the windows' top-scored items; a baseline is many
    times larger and calmer, and a take-all share of it would spend the
    budget on certainty where little is to be found.
    """
    return np.where(table["kind"].to_numpy() == "window", take_all, 0.0)


def target_weights(table: pd.DataFrame, target: str, contrasts) -> np.ndarray:
    """Each domain's weight ``c_d`` in the variance the allocation minimises.

    ``per_event``: the sum over events of the variance of the excess
    (window share minus baseline share): every domain weighs 1.
    ``contrast``: the variance of the configured type contrasts (mean
    excess of type A minus type B; types joined with ``+``): a domain of an
    event weighs the sum over contrasts of its squared coefficient.
    """
    if target == "per_event":
        return np.ones(len(table))
    if target != "contrast":
        raise ValueError(f"design.target must be per_event or contrast, not {target!r}")
    weights = np.zeros(len(table))
    events = table.drop_duplicates("event_id")
    for pair in contrasts:
        for sign, side in zip((1, -1), pair, strict=True):
            members = events["type"].isin(side.split("+"))
            if members.any():
                coefficient = sign / members.sum()
                chosen = table["event_id"].isin(events.loc[members, "event_id"]).to_numpy()
                weights[chosen] += coefficient**2
    return weights


def stratum_rates(
    strata: Strata,
    available_counts: np.ndarray,
    spread: np.ndarray,
    *,
    domain_sizes: np.ndarray,
    weights: np.ndarray,
    budget: float,
    min_rate: float,
    min_draws: float,
) -> np.ndarray:
    """Neyman rates of the strata for an expected ``budget`` of coded items.

    ``available_counts``: items of each stratum still to draw; ``spread``:
    each stratum's root mean squared residual spread. Take-all strata get 1;
    the others ``clip(k * spread * sqrt(c_d) / N_d, min_rate, 1)`` with
    ``k`` found by bisection so that the expected number of draws,
    ``sum(available_h * rate_h)``, meets the budget (items of overlapping
    domains are counted in each; the draw takes each once). The floor of a
    stratum is ``min_rate``, or less in a stratum so large that
    ``min_draws`` expected items already reach it (a baseline of all the
    corpus's calm items needs no more).
    """
    size = np.asarray(available_counts, float)
    take_all = strata.stratum == TAKE_ALL
    d = strata.domain
    shape = spread * np.sqrt(weights[d]) / np.maximum(domain_sizes[d], 1)
    floor = np.minimum(min_rate, min_draws / np.maximum(strata.sizes, 1))

    def rates(k: float) -> np.ndarray:
        return np.where(take_all, 1.0, np.clip(k * shape, floor, 1.0))

    if (size * rates(0.0)).sum() >= budget or not shape.any():
        return rates(0.0)
    low, high = 0.0, 1.0
    while (size * rates(high)).sum() < budget and high < 1e15:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if (size * rates(middle)).sum() < budget else (low, middle)
    return rates(high)


def poisson_draw(pi: np.ndarray, seed: int) -> np.ndarray:
    """Independent Bernoulli(pi) draws (Poisson sampling), seeded."""
    return np.random.default_rng(seed).random(len(pi)) < pi


@dataclass(frozen=True)
class DesignSettings(Settings):
    """The phase-2 design (``design``) and the event windows it samples (``events``)."""

    SECTION: ClassVar[str] = "design"
    surrogate: str
    take_all: float
    bands: int
    budgets: list
    wave_weight: float
    target: str
    min_rate: float
    min_draws: float
    shrinkage: float
    seed: int
    days_before: int = key("events.days_before")
    days_after: int = key("events.days_after")
    baseline_days: int = key("events.baseline_days")
    min_baseline_docs: int = key("events.min_baseline_docs")
    contrasts: list = key("events.contrasts")
    period: dict = key("events.period")


@dataclass(frozen=True)
class WaveDesign:
    """A drawn wave: every study item's inclusion probability, and which items were drawn."""

    pi: np.ndarray
    drawn: np.ndarray


def wave_spread(
    strata: Strata,
    prediction: np.ndarray,
    *,
    kinds: np.ndarray,
    earlier=None,
    codes=None,
    shrinkage=10.0,
) -> np.ndarray:
    """Each stratum's root mean squared residual ``code - prediction``, for the allocation.

    Before any code: the surrogate's own, the mean of ``p (1 - p)``. After a
    wave: the inverse-probability-weighted mean of the squared residuals of
    the stratum's coded items, shrunk towards the mean over all domains'
    strata of the same kind and rank (the same band, or the take-all) with the
    weight of ``shrinkage`` items. The pooled value learns from every
    domain how far the surrogate is off in each band (the surrogate can be
    miscalibrated in an event window), so a stratum whose few coded items
    show no positive keeps the rate its band needs. ``kinds`` gives each
    domain's kind: windows and baselines are pooled apart.
    """
    prior = strata.sums(prediction * (1 - prediction)) / strata.sizes
    if earlier is None:
        return np.sqrt(prior)
    coded = earlier.drawn
    weight = np.where(coded, 1 / np.where(coded, earlier.pi, 1.0), 0.0)
    residual2 = np.where(coded, (np.nan_to_num(codes) - prediction) ** 2, 0.0)
    n = strata.sums(coded)
    weighted = strata.sums(weight * residual2)
    total = strata.sums(weight)
    observed = weighted / np.maximum(total, 1e-12)
    pooled = np.empty(len(n))
    key = pd.factorize(
        pd.Series(kinds[strata.domain]) + ":" + pd.Series(strata.stratum).astype(str)
    )[0]
    for group in np.unique(key):
        same = key == group
        coded_here = same & (n > 0)
        # strata weigh by their size: the pooled value is the band's mean square
        pooled[same] = (
            np.average(observed[coded_here], weights=strata.sizes[coded_here])
            if coded_here.any()
            else prior[same].mean()
        )
    return np.sqrt((n * observed + shrinkage * pooled) / (n + shrinkage))


def draw_wave(
    scores: np.ndarray,
    strata: Strata,
    domains: pd.DataFrame,
    *,
    settings: DesignSettings,
    wave: int,
    spread: np.ndarray,
    earlier: WaveDesign | None = None,
) -> WaveDesign:
    """Draw wave ``wave`` (1 or 2) of the strata with the given per-stratum spreads.

    Wave 1 draws from every study item; wave 2 from the items wave 1 did not
    draw, and gives wave 1's items ``pi = 1`` (their codes are known), so
    each wave's design covers every study item.
    """
    available = np.ones(len(scores), bool) if earlier is None else ~earlier.drawn
    rates = stratum_rates(
        strata,
        strata.sums(available),
        spread,
        domain_sizes=domains["n_items"].to_numpy(float),
        weights=target_weights(domains, settings.target, settings.contrasts),
        budget=settings.budgets[wave - 1] * len(domains),
        min_rate=settings.min_rate,
        min_draws=settings.min_draws,
    )
    pi = strata.spread_to_items(rates, len(scores))
    drawn = poisson_draw(pi, settings.seed + wave) & available
    if earlier is not None:
        pi = np.where(earlier.drawn, 1.0, pi)
        drawn = drawn | earlier.drawn
    return WaveDesign(pi=pi, drawn=drawn)


# --------------------------------------------------------------------------
# Design files: what is drawn, frozen before coding
# --------------------------------------------------------------------------

DESIGN_COLUMNS = ["item_id", "date", "score", "pi", "drawn", "domains"]


class DesignFileError(ValueError):
    """A design file that does not match the corpus, the config or its codes (file, line)."""


def study_items(settings: DesignSettings, inputs: dict):
    """The study's items with their surrogate score, and the domains they belong to."""
    measures = pd.read_parquet(inputs["measures"])
    if settings.surrogate not in measures.columns:
        needs = (
            " (it needs a coded gold standard: validation.items.gold)"
            if (measure(settings.surrogate).needs_gold)
            else ""
        )
        raise ValueError(
            f"design.surrogate {settings.surrogate!r} is not a column of {inputs['measures']}{needs}"
        )
    events = load_events(inputs["catalogue"])
    domains = study_domains(
        measures[["doc_id", "date", "date_end", settings.surrogate]],
        events,
        days_before=settings.days_before,
        days_after=settings.days_after,
        baseline_days=settings.baseline_days,
        min_baseline_docs=settings.min_baseline_docs,
    )
    scores = domains.items[settings.surrogate].to_numpy(float)
    if np.isnan(scores).any() or (scores < 0).any() or (scores > 1).any():
        raise ValueError(f"design.surrogate {settings.surrogate!r} must be a probability in [0, 1]")
    return domains, scores


def design_table(domains: Domains, scores: np.ndarray, design: WaveDesign) -> pd.DataFrame:
    """One row per study item: id, date, score, inclusion probability, drawn, its domains."""
    names = domains.table["domain"].to_numpy()
    return pd.DataFrame(
        {
            "item_id": domains.items["doc_id"].to_numpy(),
            "date": domains.items["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "score": scores,
            "pi": design.pi,
            "drawn": design.drawn.astype(int),
            "domains": [";".join(names[row]) for row in domains.members],
        }
    )[DESIGN_COLUMNS]


def read_design(path) -> pd.DataFrame:
    """A frozen design file, checked: its columns, probabilities and drawn flags (file, line)."""
    with open(path, "rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    design = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        compression="gzip" if gzipped else None,
    )
    missing = [c for c in DESIGN_COLUMNS if c not in design.columns]
    if missing:
        raise DesignFileError(f"{path}: missing column(s) {', '.join(missing)}")
    for column, valid in (
        ("pi", lambda v: (v > 0) & (v <= 1)),
        ("score", lambda v: (v >= 0) & (v <= 1)),
        ("drawn", lambda v: v.isin([0, 1])),
    ):
        values = pd.to_numeric(design[column], errors="coerce")
        bad = values.isna() | ~valid(values)
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            raise DesignFileError(
                f"{path}, line {line}: {column} {design[column].iloc[line - 2]!r} is not valid"
            )
        design[column] = values
    repeated = design["item_id"].duplicated()
    if repeated.any():
        line = int(np.flatnonzero(repeated)[0]) + 2
        raise DesignFileError(
            f"{path}, line {line}: item_id {design['item_id'].iloc[line - 2]!r} repeated"
        )
    return design


def frozen_wave(path, domains: Domains) -> tuple[WaveDesign, np.ndarray]:
    """A frozen wave's design and its surrogate scores, checked against the current study.

    The frozen design must cover the same items in the same domains: a
    corpus or window setting changed after the draw would silently change
    what the codes stand for.
    """
    design = read_design(path).set_index("item_id")
    ids = domains.items["doc_id"].to_numpy()
    missing = sorted(set(ids) - set(design.index))
    extra = sorted(set(design.index) - set(ids))
    if missing or extra:
        raise DesignFileError(
            f"{path}: drawn for another study: {len(missing)} study items are not in it "
            f"(e.g. {missing[:3]}), {len(extra)} of its items are not study items (e.g. {extra[:3]}); "
            "the corpus, the catalogue or the event windows changed since the draw"
        )
    design = design.loc[ids]
    names = domains.table["domain"].to_numpy()
    expected = [";".join(names[row]) for row in domains.members]
    differ = design["domains"].to_numpy() != np.array(expected, dtype=object)
    if differ.any():
        first = int(np.flatnonzero(differ)[0])
        raise DesignFileError(
            f"{path}: item {ids[first]!r} is in domains {design['domains'].iloc[first]!r} in the "
            f"design but in {expected[first]!r} now (events.days_before/days_after/baseline_days "
            "or the catalogue changed since the draw)"
        )
    wave = WaveDesign(pi=design["pi"].to_numpy(float), drawn=design["drawn"].to_numpy(bool))
    return wave, design["score"].to_numpy(float)


def wave_codes(path, *, expected: np.ndarray) -> pd.Series:
    """A wave's final codes (anti-Western claim 0/1) for exactly the items it drew.

    ``expected``: the ids the wave drew (for wave 2, only its new items). An
    id the wave did not draw, or a drawn id without a code, is an error
    naming the file and the line (or the id).
    """
    codes = read_item_codes(path)
    wanted = set(expected)
    refuse_unknown_items(
        codes,
        wanted,
        path=path,
        why="was not drawn by this wave's design (codes of another wave or another design?)",
        error=DesignFileError,
    )
    uncoded = sorted(wanted - set(codes["item_id"]))
    if uncoded:
        raise DesignFileError(
            f"{path}: {len(uncoded)} items the wave drew have no code, e.g. {uncoded[:5]}"
        )
    return codes.set_index("item_id")["anti_western"].astype(float)


@dataclass(frozen=True)
class CodingWaveSettings(DesignSettings):
    """Rule ``coding_wave``: the design, and the coder file's text length."""

    max_chars: int = key("validation.items.max_chars")


def earlier_wave(inputs: dict, domains: Domains) -> tuple[WaveDesign, np.ndarray]:
    """The frozen wave 1 and its codes (NaN for items it did not draw)."""
    first, _ = frozen_wave(inputs["design"], domains)
    ids = domains.items["doc_id"].to_numpy()
    codes = wave_codes(inputs["labels"], expected=ids[first.drawn])
    return first, pd.Series(ids).map(codes).to_numpy(float)


def run_coding_wave(
    settings: CodingWaveSettings, inputs: dict, outputs: dict, *, wave: int
) -> dict:
    """Draw wave ``wave`` of the design and write its frozen design and its coder file.

    Inputs: ``measures`` (the item table, with the surrogate), ``catalogue``,
    ``documents`` (texts); for wave 2 also ``design`` and ``labels``, wave 1's
    frozen design and final codes. Outputs: ``design`` (every study item:
    score, inclusion probability, drawn, domains; gzip CSV), ``to_code``
    (the items to code, texts only, shuffled), ``domains`` (per domain:
    items, expected and drawn counts). Settings: the ``design`` keys and the
    event window (``events.*``), ``max_chars``.
    """
    domains, scores = study_items(settings, inputs)
    kinds = domains.table["kind"].to_numpy()
    strata = score_bands(
        scores,
        domains.members,
        take_all=take_all_shares(domains.table, settings.take_all),
        bands=settings.bands,
    )
    earlier, spread = None, wave_spread(strata, scores, kinds=kinds)
    if wave == 2:
        earlier, codes = earlier_wave(inputs, domains)
        spread = wave_spread(
            strata, scores, kinds=kinds, earlier=earlier, codes=codes, shrinkage=settings.shrinkage
        )
    design = draw_wave(
        scores, strata, domains.table, settings=settings, wave=wave, spread=spread, earlier=earlier
    )
    table = design_table(domains, scores, design)
    table.to_csv(outputs["design"], index=False, float_format="%.8g", compression="gzip")
    new = design.drawn if earlier is None else design.drawn & ~earlier.drawn
    documents = pd.read_parquet(inputs["documents"], columns=["doc_id", "text"])
    chosen = table.loc[new, ["item_id", "date"]]
    write_for_coders(
        export_for_coding(documents, chosen, settings.seed + wave, max_chars=settings.max_chars),
        outputs["to_code"],
    )
    members = domains.members.astype(float)
    summary = domains.table.assign(
        expected=design.pi @ members, drawn=design.drawn.astype(float) @ members
    )
    summary.to_csv(outputs["domains"], index=False, float_format="%.2f")
    return {
        "wave": wave,
        "study_items": len(table),
        "drawn": int(new.sum()),
        "domains": len(summary),
    }


# --------------------------------------------------------------------------
# Planner: expected standard errors for a budget, and the budget for a target
# --------------------------------------------------------------------------

PLAN_MULTIPLIERS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)


def expected_variance(pi: np.ndarray, spread2: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per domain, the difference estimator's expected variance of the total under Poisson sampling."""
    with np.errstate(divide="ignore"):
        per_item = np.where(pi > 0, (1 - pi) / pi * spread2, np.inf)
    return per_item @ members.astype(float)


def planned_design(scores, strata, domains: Domains, *, settings: DesignSettings) -> WaveDesign:
    """Both waves allocated with the surrogate's own spreads (what the planner can know)."""
    kinds = domains.table["kind"].to_numpy()
    spread = wave_spread(strata, scores, kinds=kinds)
    table = domains.table
    pi = np.zeros(len(scores))
    for wave in range(1, len(settings.budgets) + 1):
        rates = stratum_rates(
            strata,
            strata.sums(np.ones(len(scores))),
            spread,
            domain_sizes=table["n_items"].to_numpy(float),
            weights=target_weights(table, settings.target, settings.contrasts),
            budget=settings.budgets[wave - 1] * len(table),
            min_rate=settings.min_rate,
            min_draws=settings.min_draws,
        )
        wave_pi = strata.spread_to_items(rates, len(scores))
        pi = 1 - (1 - pi) * (1 - wave_pi)  # an item is coded in either wave
    return WaveDesign(pi=pi, drawn=np.zeros(len(scores), bool))


def plan_rows(scores, domains: Domains, settings: DesignSettings) -> pd.DataFrame:
    """Expected coded items and standard errors (per 1,000 items) for budgets around the configured one.

    The spreads are the surrogate's own (``p (1 - p)``): the planner cannot
    know how far off the surrogate is before anything is coded, so read the
    standard errors as what a well-calibrated surrogate would give.
    """
    strata = score_bands(
        scores,
        domains.members,
        take_all=take_all_shares(domains.table, settings.take_all),
        bands=settings.bands,
    )
    table = domains.table
    window = table["kind"].to_numpy() == "window"
    event_ids = table["event_id"].to_numpy()
    rows = []
    for multiplier in PLAN_MULTIPLIERS:
        scaled = settings.replace(budgets=[b * multiplier for b in settings.budgets])
        design = planned_design(scores, strata, domains, settings=scaled)
        variance = expected_variance(design.pi, scores * (1 - scores), domains.members)
        se = np.sqrt(variance) / table["n_items"].to_numpy(float)
        base = {e: se[(event_ids == e) & ~window][0] for e in event_ids[window]}
        excess_se = np.array(
            [np.hypot(s, base[e]) for s, e in zip(se[window], event_ids[window], strict=True)]
        )
        coded = design.pi @ domains.members.astype(float)
        rows.append(
            {
                "budget_multiplier": multiplier,
                "budgets": "/".join(f"{b:g}" for b in scaled.budgets),
                "expected_coded": float(design.pi.sum()),
                "coded_per_window": float(coded[window].mean()),
                "coded_per_baseline": float(np.median(coded[~window])),
                "window_rate_se_median": 1000 * float(np.median(se[window])),
                "excess_se_median": 1000 * float(np.median(excess_se)),
                "excess_se_max": 1000 * float(excess_se.max()),
            }
        )
    return pd.DataFrame(rows)


def run_coding_plan(settings: DesignSettings, inputs: dict, outputs: dict) -> dict:
    """The planner: expected coding effort and standard errors for budgets around the configured one.

    Inputs: ``measures`` (the surrogate), ``catalogue``. Output: ``plan``
    (one row per budget: expected coded items overall, per window and per
    baseline, median and largest expected standard error of the excess per
    1,000 items). For a target standard error, read the smallest budget
    whose ``excess_se_median`` (or ``excess_se_max``) is below it.
    Settings: the ``design`` keys and the event window.
    """
    domains, scores = study_items(settings, inputs)
    table = plan_rows(scores, domains, settings)
    table.to_csv(outputs["plan"], index=False, float_format="%.3f")
    configured = table[table["budget_multiplier"] == 1.0].iloc[0]
    return {k: round(float(v), 3) for k, v in configured.items() if k != "budgets"}
