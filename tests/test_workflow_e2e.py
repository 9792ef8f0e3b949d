"""End to end: the whole Snakemake pipeline on the bundled demo corpus.

The workflow runs in a fresh temporary working directory (symlinks to the
code and config), so the test neither reads nor disturbs ``results/``.
"""

import hashlib
import json
from importlib import metadata

import numpy as np
import pandas as pd
import pytest
from chromium import Browser, find_chromium
from conftest import link_workflow, run_snakemake, within
from schemes.figures import FIGURES
from scipy.stats import spearmanr

pytestmark = pytest.mark.e2e


def snakemake(workdir, *args):
    proc = run_snakemake(*args, cwd=workdir)
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    work = link_workflow(tmp_path_factory.mktemp("workflow"))
    snakemake(work)  # a bare `snakemake`: the profile supplies the cores
    return work


def test_the_run_made_no_network_attempt(workdir):
    # every Python process of the run loaded tests/netguard (see conftest.guarded_env)
    assert not (workdir / "netguard.log").exists(), (workdir / "netguard.log").read_text()


def test_every_output_is_written(workdir):
    results = workdir / "results" / "demo"
    for rel in [
        "ingest/summary.json",
        "ingest/quarantine.csv",
        "topics/doc_topics.parquet",
        "topics/topics.csv",
        "topics/topic_prevalence.csv",
        "topics/model_selection.csv",
        "topics/framing_topic_share.parquet",
        "framing/measure_agreement.csv",
        "validation/items/sample.csv",
        "validation/items/coding_guide.md",
        "framing/item_measures.parquet",
        "framing/claims.csv",
        "framing/doc_claims.parquet",
        "tables/event_ranking.csv",
        "tables/event_ranking.tex",
        "tables/type_contrast.csv",
        "tables/type_contrast.tex",
        "tables/sensitivity.csv",
        "tables/sensitivity_tau.csv",
        "tables/sensitivity_events.csv",
        "tables/sensitivity_events.tex",
        "tables/event_topics.csv",
        "tables/framing_timeseries.csv",
        "provenance/corpus.json",
        "evidence/evidence.csv",
        "report/front_page.rst",
    ] + [
        f"figures/{n}{width}.{f}"
        for n in (
            "event_ranking",
            "type_contrast",
            "sensitivity",
            "framing_timeseries",
            "topic_prevalence",
            "event_topics",
            "model_selection",
        )
        for width in ("", ".single")
        for f in ("pdf", "png", "svg")
    ]:
        assert (results / rel).stat().st_size > 0, rel
    assert (workdir / "data" / "demo" / "ground_truth.csv").exists()


def test_ingest_accounts_for_every_row(workdir):
    summary = json.loads((workdir / "results/demo/ingest/summary.json").read_text())
    for key in ("read", "kept", "quarantined", "duplicates"):
        assert isinstance(summary[key], int)
    assert summary["read"] == summary["kept"] + summary["quarantined"] + summary["duplicates"]
    assert summary["kept"] >= 20000
    quarantine = pd.read_csv(workdir / "results/demo/ingest/quarantine.csv")
    assert len(quarantine) == summary["quarantined"] > 0
    assert quarantine["reason"].str.len().min() > 5


def test_ranking_recovers_the_planted_intensities(workdir):
    ranking = pd.read_csv(workdir / "results/demo/tables/event_ranking.csv")
    for column in [
        "event_id",
        "label",
        "type",
        "n_docs",
        "n_claims",
        "score",
        "ci_low",
        "ci_high",
        "rank",
        "rank_ci_low",
        "rank_ci_high",
    ]:
        assert column in ranking.columns
    truth = pd.read_csv(workdir / "data/demo/ground_truth.csv")
    merged = truth.merge(ranking, on="event_id", validate="one_to_one")
    assert len(merged) == len(truth)
    rho = spearmanr(merged["planted_intensity"], merged["score"]).statistic
    assert rho >= 0.95, merged[["event_id", "planted_intensity", "score"]]
    assert within(merged["ci_low"], merged["score"], merged["ci_high"])
    assert (merged["rank_ci_low"] <= merged["rank"]).all() and (
        merged["rank"] <= merged["rank_ci_high"]
    ).all()
    assert len(ranking) >= 25


def test_type_contrast_and_sensitivity_tables(workdir):
    contrast = pd.read_csv(workdir / "results/demo/tables/type_contrast.csv")
    row = contrast.iloc[0]
    assert (row["type_a"], row["type_b"]) == ("color_revolution", "nato_summit")
    assert 0 < row["p_permutation"] <= 1 and within(
        row["ci_low"], row["difference"], row["ci_high"]
    )
    tau = pd.read_csv(workdir / "results/demo/tables/sensitivity_tau.csv").set_index("setting")
    # 4 windows x (4 claim measures + the seeded-topic measure at each of 5 K
    # + 3 other item measures: rule decision, rule score, LSS score)
    assert tau.shape == (48, 48)
    for measure in ("rule_anti_western", "rule_score", "lss_score"):
        assert any(setting.endswith(f"excess_{measure}") for setting in tau.index)
    assert (tau.to_numpy().diagonal() == 1).all()


def test_bare_rerun_has_nothing_to_do(workdir):
    out = snakemake(workdir, "-n")
    assert "Nothing to be done" in out


def test_report_and_lint(workdir):
    snakemake(workdir, "--report", "report.html")
    html = (workdir / "report.html").read_text(errors="replace")
    assert "event_ranking.png" in html
    # the front page carries the ingest counts and the quarantine reasons
    summary = json.loads((workdir / "results/demo/ingest/summary.json").read_text())
    assert "Quarantined records by reason" in html
    assert f"{summary['quarantined']:,}</strong> quarantined" in html
    lint = snakemake(workdir, "--lint")
    assert "Congratulations" in lint


def test_every_figure_and_table_has_a_sidecar_with_its_hash(workdir):
    results = workdir / "results" / "demo"
    described = {}
    for sidecar in results.rglob("*.provenance.json"):
        record = json.loads(sidecar.read_text())
        assert record["corpus"]["sha256"] and record["config"]["sha256"], sidecar
        assert (workdir / record["config"]["copy"]).exists(), sidecar
        assert record["command"].startswith("snakemake "), sidecar
        assert "python" in record["packages"] and "git_commit" in record["code"], sidecar
        described.update(record["files"])
    for folder in ("tables", "figures", "evidence", "topics", "framing"):
        for path in (results / folder).rglob("*"):
            if path.suffix in (".csv", ".tex", ".png", ".pdf", ".svg", ".html"):
                relative = str(path.relative_to(workdir))
                assert relative in described, relative
                assert described[relative] == hashlib.sha256(path.read_bytes()).hexdigest()
    ranking = json.loads((results / "tables/event_ranking.provenance.json").read_text())
    assert ranking["seeds"] == {"events.seed": 7} and ranking["rule"] == "event_ranking"


def test_no_figure_has_overlapping_or_clipped_text_at_either_width(workdir):
    logs = sorted((workdir / "results/demo/logs").glob("figure_*.log"))
    assert len(logs) == sum(spec.drawn(gold=False, waves=False) for spec in FIGURES.values())
    for log in logs:
        assert '"layout_problems": {}' in log.read_text(), log.name


def test_evidence_lists_detected_items_of_each_window(workdir):
    evidence = pd.read_csv(workdir / "results/demo/evidence/evidence.csv")
    ranking = pd.read_csv(workdir / "results/demo/tables/event_ranking.csv")
    assert set(evidence["event_id"]) <= set(ranking["event_id"])
    top = evidence[evidence["event_id"] == ranking["event_id"].iloc[0]]
    assert len(top) > 0 and (top["detected"] == 1).all()
    assert top["accused"].notna().all() and (top["attributed_by"] == "lexicon detector").all()
    pages = list((workdir / "results/demo/evidence/events").glob("*.html"))
    assert len(pages) == len(ranking)


def test_report_in_a_headless_browser(workdir, tmp_path):
    """The HTML report, rendered by chromium: front-page facts, every figure, one evidence table."""
    binary = find_chromium()
    if binary is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    snakemake(workdir, "--report", "browser_report.html")
    summary = json.loads((workdir / "results/demo/ingest/summary.json").read_text())
    topics = pd.read_csv(workdir / "results/demo/topics/topics.csv")
    browser = Browser(binary, tmp_path / "profile")
    try:
        browser.open((workdir / "browser_report.html").as_uri())
        text = browser.wait_for(
            "document.body.innerText.includes('Software and provenance') && document.body.innerText"
        )
        facts = [
            "Data: corpus demo",
            f"{summary['read']:,} records read",
            f"{summary['kept']:,} kept",
            f"{summary['quarantined']:,} quarantined",
            f"dated {summary['first_date']} to {summary['last_date']}",
            f"languages en {summary['languages']['en']:,}",
            "lexicon, sentence window: anti-Western claim",
            "Not validated on this corpus",
            "excess_pre",
            "2,000 replicates",
            f"K = {len(topics)}",
            f"matplotlib\t{metadata.version('matplotlib')}",
        ]
        for fact in facts:
            assert fact in text, fact
        _every_figure_shows(browser)
        _one_evidence_table_shows(browser)
    finally:
        browser.close()


def _every_figure_shows(browser):
    """Each registered figure decodes as a 17.5 cm, 300 dpi image, with its caption."""
    for name, spec in FIGURES.items():
        if not spec.drawn(gold=False, waves=False):
            continue
        path = browser.evaluate(
            f"Object.keys(results).find(p => p.endsWith('/figures/{name}.png'))"
        )
        assert path, name
        assert "What is plotted" in browser.evaluate(f"results[{json.dumps(path)}].caption")
        browser.evaluate(
            f"app.setView({{content: 'img', contentPath: results[{json.dumps(path)}].data_uri}})"
        )
        width = browser.wait_for(
            f"[...document.images].filter(i => i.src === results[{json.dumps(path)}].data_uri"
            " && i.complete).map(i => i.naturalWidth)[0]"
        )
        assert abs(width - 17.5 / 2.54 * 300) < 1, (name, width)


def _one_evidence_table_shows(browser):
    """The top event's evidence page, opened in the report's frame, has its table and rows."""
    path = browser.evaluate(
        "Object.keys(results).filter(p => p.includes('/evidence/events/')).sort()[0]"
    )
    assert path and path.split("/")[-1].startswith("01_"), path
    browser.evaluate(
        f"app.setView({{content: 'html', contentPath: results[{json.dumps(path)}].data_uri}})"
    )
    frame = browser.frame_context("data:text/html")
    rows = browser.wait_for(
        "document.querySelectorAll('table.evidence tbody tr').length", context=frame
    )
    headings = browser.evaluate(
        "[...document.querySelectorAll('table.evidence th')].map(h => h.textContent)", context=frame
    )
    assert rows > 0 and {"date", "title", "measure value", "accused", "stance"} <= set(headings)


def truth_keys(workdir, kinds):
    truth = pd.read_csv(workdir / "data/demo/claims_truth.csv")
    chosen = truth[truth["kind"].isin(kinds)]
    return set(zip(chosen["doc_id"], chosen["sentence"].str.strip(), strict=True))


def test_claim_level_precision_and_recall_on_planted_claims(workdir):
    claims = pd.read_csv(workdir / "results/demo/framing/claims.csv")
    detected = claims[claims["anti_western"]]
    found = set(zip(detected["doc_id"], detected["sentence"].str.strip(), strict=True))
    planted = truth_keys(workdir, ["planted", "background"])
    true_positives = len(found & planted)
    assert true_positives / len(found) >= 0.9  # precision
    assert true_positives / len(planted) >= 0.9  # recall
    every_claim = set(zip(claims["doc_id"], claims["sentence"].str.strip(), strict=True))
    for decoy in ("negated", "neutral_west", "near_miss"):
        assert not every_claim & truth_keys(workdir, [decoy]), decoy
    assert not found & truth_keys(workdir, ["non_western"])


def simulate_item_coders(workdir):
    """Gold codes for the demo's item sample from its planted truth, and two coders."""
    sample = pd.read_csv(workdir / "results/demo/validation/items/sample.csv")
    truth = pd.read_csv(workdir / "data/demo/claims_truth.csv")
    claim_docs = set(
        truth.loc[truth["kind"].isin(["planted", "background", "non_western"]), "doc_id"]
    )
    western = set(truth.loc[truth["kind"].isin(["planted", "background"]), "doc_id"])
    gold = pd.DataFrame({"item_id": sample["item_id"]})
    gold["claim"] = gold["item_id"].isin(claim_docs).astype(int)
    gold["anti_western"] = gold["item_id"].isin(western).astype(int)
    gold["accused"] = np.where(
        gold["anti_western"] == 1, "west", np.where(gold["claim"] == 1, "other", "")
    )
    gold["stance"] = np.where(gold["claim"] == 1, "asserted", "")
    gold["reason"] = np.where(gold["claim"] == 1, "simulated coder: planted claim", "")
    first = gold[sample["double_coded"] == 1].reset_index(drop=True)
    second = first.copy()
    flipped = first.index[:3]  # the second coder calls three non-claims claims, or the reverse
    second.loc[flipped, "claim"] = 1 - second.loc[flipped, "claim"]
    second.loc[flipped, "anti_western"] = second.loc[flipped, "claim"]
    second.loc[flipped, "accused"] = np.where(second.loc[flipped, "claim"] == 1, "west", "")
    second.loc[flipped, "stance"] = np.where(second.loc[flipped, "claim"] == 1, "asserted", "")
    second.loc[flipped, "reason"] = "simulated disagreement"
    adjudication = [
        {
            "item_id": first.at[i, "item_id"],
            "field": field,
            "final": first.at[i, field],
            "reason": "planted truth",
        }
        for i in flipped
        for field in ("claim", "anti_western")
        if first.at[i, field] != second.at[i, field]
    ]
    folder = workdir / "gold"
    folder.mkdir(exist_ok=True)
    gold.to_csv(folder / "gold.csv", index=False)
    first.to_csv(folder / "coder_a.csv", index=False)
    second.to_csv(folder / "coder_b.csv", index=False)
    pd.DataFrame(adjudication).to_csv(folder / "adjudication.csv", index=False)
    design = (workdir / "results/demo/validation/items/sample.csv").read_bytes()
    (folder / "design.csv").write_bytes(design)  # a user keeps the design beside the codes
    return (
        "validation={items: {gold: {design: gold/design.csv, labels: gold/gold.csv, "
        "coders: [gold/coder_a.csv, gold/coder_b.csv], adjudication: gold/adjudication.csv}}}"
    )


def test_item_level_validation_report_export_code_report(workdir):
    coded = pd.read_csv(
        workdir / "results/demo/validation/items/to_code.csv", keep_default_na=False
    )
    sample = pd.read_csv(workdir / "results/demo/validation/items/sample.csv")
    assert len(coded) == len(sample) >= 1200 and (coded["claim"] == "").all()
    assert (sample["split"] == "test").mean() >= 0.4
    snakemake(workdir, "--config", simulate_item_coders(workdir))
    results = workdir / "results/demo"
    scores = pd.read_csv(results / "validation/item_scores.csv")
    assert set(scores["measure"]) >= {
        "lexicon_anti_western",
        "lexicon_any",
        "seeded_topic_share",
        "lss_score",
        "classifier_claim",
        "classifier_probability",
    }
    assert set(scores["split"]) == {"dev", "test"}
    quoted = scores[
        (scores["measure"] == "lexicon_anti_western")
        & (scores["target"] == "anti_western")
        & (scores["split"] == "test")
        & scores["weighting"].str.startswith("inverse")
    ].iloc[0]
    assert quoted["f1"] >= 0.8 and within(quoted["f1_ci_low"], quoted["f1"], quoted["f1_ci_high"])
    reliability = pd.read_csv(results / "validation/gold_reliability.csv").set_index("field")
    assert reliability.at["claim", "disagreements"] == 3
    assert 0.5 < reliability.at["claim", "krippendorff_alpha"] < 1
    agreement = pd.read_csv(results / "validation/event_rate_agreement.csv")
    row = agreement[
        (agreement["measure"] == "lexicon_anti_western") & (agreement["target"] == "anti_western")
    ].iloc[0]
    assert row["n_events"] >= 10 and row["spearman"] > 0.5
    assert "Item-level agreement" in (results / "validation/item_scores.tex").read_text()
    for fmt in ("png", "pdf", "svg"):
        assert (results / f"figures/validation.{fmt}").stat().st_size > 0
        assert (results / f"figures/validation.single.{fmt}").stat().st_size > 0
    # the front page quotes the measure's validation; the evidence lists the coded items
    page = (results / "report/front_page.rst").read_text()
    assert "**Validation** against the hand-coded gold standard" in page and "F1 " in page
    evidence = pd.read_csv(results / "evidence/evidence.csv")
    coded = evidence[evidence["coded"] == 1]
    assert len(coded) > 0 and (coded["code_source"] == "gold").all()
    assert (coded["attributed_by"] == "coders").all()


def code_from_truth(workdir, to_code, coder):
    """A simulated coder: an item carries an anti-Western claim when the demo planted one."""
    truth = pd.read_csv(workdir / "data/demo/claims_truth.csv")
    claims = set(truth.loc[truth["kind"].isin(["planted", "background", "non_western"]), "doc_id"])
    western = set(truth.loc[truth["kind"].isin(["planted", "background"]), "doc_id"])
    items = pd.read_csv(to_code, dtype={"item_id": str}, keep_default_na=False)
    codes = pd.DataFrame({"item_id": items["item_id"]})
    codes["claim"] = codes["item_id"].isin(claims).astype(int)
    codes["anti_western"] = codes["item_id"].isin(western).astype(int)
    codes["accused"] = np.where(
        codes["anti_western"] == 1, "west", np.where(codes["claim"] == 1, "other", "")
    )
    codes["stance"] = np.where(codes["claim"] == 1, "asserted", "")
    codes["reason"] = np.where(codes["claim"] == 1, "simulated coder: planted claim", "")
    codes["coder"] = coder
    return codes


def test_the_coding_loop_gives_design_based_estimates_that_cover_the_planted_rates(workdir):
    """Plan, draw wave 1, code it (two coders), draw wave 2, code it, estimate: the intervals
    must cover the share of each window's items that carry a planted anti-Western claim."""
    gold = simulate_item_coders(workdir)
    results, folder = workdir / "results/demo", workdir / "coding"
    folder.mkdir(exist_ok=True)
    snakemake(
        workdir,
        "--config",
        gold,
        "--",
        "results/demo/coding/plan.csv",
        "results/demo/coding/wave1_to_code.csv",
    )
    plan = pd.read_csv(results / "coding/plan.csv")
    assert plan["excess_se_median"].is_monotonic_decreasing
    waves = []
    for wave in (1, 2):
        (folder / f"wave{wave}_design.csv.gz").write_bytes(
            (results / f"coding/wave{wave}_design.csv.gz").read_bytes()
        )
        first = code_from_truth(workdir, results / f"coding/wave{wave}_to_code.csv", f"A{wave}")
        first.to_csv(folder / f"wave{wave}_a.csv", index=False)
        entry = f"{{design: coding/wave{wave}_design.csv.gz, coders: [coding/wave{wave}_a.csv]}}"
        config = "design={waves: [" + ", ".join([*waves, entry]) + "]}"
        snakemake(
            workdir,
            "--config",
            gold,
            config,
            "--",
            f"results/demo/coding/wave{wave}_to_code_second.csv",
        )
        second_file = results / f"coding/wave{wave}_to_code_second.csv"
        selection = pd.read_csv(results / f"coding/wave{wave}_second_selection.csv", dtype=str)
        positives = set(first.loc[first["claim"] == 1, "item_id"])
        assert positives <= set(selection["item_id"])  # every positive is coded twice
        code_from_truth(workdir, second_file, f"B{wave}").to_csv(
            folder / f"wave{wave}_b.csv", index=False
        )
        waves.append(
            f"{{design: coding/wave{wave}_design.csv.gz, labels: coding/wave{wave}_a.csv, "
            f"coders: [coding/wave{wave}_a.csv, coding/wave{wave}_b.csv]}}"
        )
        config = "design={waves: [" + ", ".join(waves) + "]}"
        target = (
            "results/demo/coding/wave2_to_code.csv"
            if wave == 1
            else "results/demo/tables/event_estimates.csv"
        )
        snakemake(workdir, "--config", gold, config, "--", target)
    estimates = pd.read_csv(results / "tables/event_estimates.csv").set_index("event_id")
    design = pd.read_csv(folder / "wave2_design.csv.gz", dtype=str, keep_default_na=False)
    truth = pd.read_csv(workdir / "data/demo/claims_truth.csv")
    western = set(truth.loc[truth["kind"].isin(["planted", "background"]), "doc_id"])
    design["western"] = design["item_id"].isin(western)
    rows = design.assign(domain=design["domains"].str.split(";")).explode("domain")
    true_rate = (
        1000 * rows[rows["domain"].str.endswith(":window")].groupby("domain")["western"].mean()
    )
    true_rate.index = true_rate.index.str.replace(":window", "")
    true_rate = true_rate.reindex(estimates.index)
    covered = (estimates["rate_low"] <= true_rate + 1e-9) & (
        true_rate <= estimates["rate_high"] + 1e-9
    )
    assert covered.mean() >= 0.9, estimates.assign(true=true_rate)[~covered]
    assert estimates["n_coded"].mean() > 50 and estimates["tier"].min() == 1
    contrast = pd.read_csv(results / "tables/design_contrast.csv")
    assert within(contrast["ci_low"], contrast["difference"], contrast["ci_high"])
    reliability = pd.read_csv(results / "validation/wave_reliability.csv")
    assert set(reliability["wave"]) == {1, 2} and (reliability["disagreements"] == 0).all()
    # an independent coding of random samples of three windows, compared with the estimates
    windows = true_rate.index[:3]
    in_window = rows[rows["domain"].isin([f"{w}:window" for w in windows])]
    sample = in_window.groupby("domain")["item_id"].sample(n=40, random_state=0)
    pd.DataFrame({"item_id": sample.unique()}).to_csv(folder / "external_items.csv", index=False)
    external = code_from_truth(workdir, folder / "external_items.csv", "X")
    for name, codes in (("external", external), ("all_positive", external.copy())):
        if name == "all_positive":  # a coder who sees a claim everywhere must disagree
            codes[["claim", "anti_western"]] = 1
            codes["accused"], codes["stance"], codes["reason"] = "west", "asserted", "all"
        codes.to_csv(folder / f"{name}.csv", index=False)
        snakemake(
            workdir,
            "--config",
            gold,
            f"design={{waves: [{', '.join(waves)}], external_codes: coding/{name}.csv}}",
            "--",
            "results/demo/tables/external_comparison.csv",
        )
        comparison = pd.read_csv(results / "tables/external_comparison.csv").set_index("event_id")
        assert set(windows) <= set(comparison.index)
        assert (comparison.loc[windows, "external_coded"] >= 40).all()
        if name == "external":
            assert (comparison["external_design"] == "srs").all()
            # the sampled windows only: items of a window that overlaps one of them are
            # not a random sample of it (see the rule's docs)
            sampled = comparison.loc[windows]
            assert sampled["consistent"].all()
            # 40 items against the design's hundreds: `agree` is a matter of luck there
            assert (sampled["agree_expected"] < 0.8).all()
        else:
            assert not comparison["agree"].any() and not comparison["consistent"].any()
