"""Supervised item classifier: learns from dev items only, calibrated to the corpus."""

import numpy as np
import pandas as pd
import pytest
from schemes.classifier import ItemClassifier, ItemClassifierSettings, run_item_classifier


def corpus(n=3000, seed=0):
    """Items with a marker word carrying the claim; 10% positives."""
    rng = np.random.default_rng(seed)
    filler = [f"w{i}" for i in range(50)]
    rows = []
    for i in range(n):
        claim = int(rng.random() < 0.1)
        words = list(rng.choice(filler, size=8))
        if claim:
            words += ["кукловод", "переворот"] if rng.random() < 0.9 else []
        elif rng.random() < 0.05:
            words += ["переворот"]
        rows.append({"doc_id": f"d{i:05d}", "lemmas": " ".join(words), "claim": claim})
    return pd.DataFrame(rows)


def classifier_settings(measures, seed=0):
    """The classifier's settings for a test: no embeddings, the given feature measures."""
    return ItemClassifierSettings(
        target="anti_western",
        c=1.0,
        folds=5,
        embeddings=False,
        measures=measures,
        seed=seed,
        bootstrap=0,
    )


def test_classifier_separates_and_calibrates_to_the_population():
    data = corpus()
    train, held = data.iloc[:1500], data.iloc[1500:]
    model = ItemClassifier(seed=1).fit(
        train[["lemmas"]], train["claim"].to_numpy(), np.ones(len(train))
    )
    probability = model.predict_proba(held[["lemmas"]])[:, 1]
    flagged = probability >= model.threshold_
    assert (model.predict(held[["lemmas"]]) == flagged).all()
    truth = held["claim"].to_numpy().astype(bool)
    assert (flagged & truth).sum() / truth.sum() > 0.8
    assert (flagged & truth).sum() / flagged.sum() > 0.8
    assert abs(probability.mean() - truth.mean()) < 0.03  # calibrated prevalence
    assert "кукловод" in set(model.top_features(5)["feature"])


def test_run_item_classifier_never_reads_the_test_labels(tmp_path):
    data = corpus(800, seed=2)
    sentences = tmp_path / "sentences.parquet"
    data[["doc_id", "lemmas"]].to_parquet(sentences)
    measures = tmp_path / "measures.parquet"
    pd.DataFrame({"doc_id": data["doc_id"], "lss_score": 0.0}).to_parquet(measures)
    sample = data.iloc[:600]
    design = pd.DataFrame(
        {
            "item_id": sample["doc_id"],
            "date": "2004-01-01",
            "stratum": "both",
            "inclusion_probability": 0.75,
            "split": np.where(np.arange(600) % 2, "test", "dev"),
        }
    )
    design.to_csv(tmp_path / "design.csv", index=False)
    outputs = {}
    for name, flip in (("a", False), ("b", True)):
        labels = pd.DataFrame({"item_id": sample["doc_id"], "claim": sample["claim"]})
        if flip:  # change every test label: the model must not notice
            test = design["split"].to_numpy() == "test"
            labels.loc[test, "claim"] = 1 - labels.loc[test, "claim"]
        labels["anti_western"] = labels["claim"]
        labels["reason"] = np.where(labels["claim"] == 1, "marker words", "")
        labels.to_csv(tmp_path / f"labels_{name}.csv", index=False)
        outputs[name] = {
            "scores": tmp_path / f"scores_{name}.parquet",
            "features": tmp_path / f"features_{name}.csv",
        }
        summary = run_item_classifier(
            classifier_settings(measures=["lss_score"], seed=3),
            {
                "sentences": [sentences],
                "measures": measures,
                "design": tmp_path / "design.csv",
                "labels": tmp_path / f"labels_{name}.csv",
            },
            outputs[name],
        )
        assert summary["dev_items"] == 300
    a = pd.read_parquet(outputs["a"]["scores"])
    b = pd.read_parquet(outputs["b"]["scores"])
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == len(data) and a["classifier_probability"].between(0, 1).all()


def test_actively_coded_items_train_the_model_but_not_its_calibration():
    data = corpus(2000, seed=3)
    dev, active = data.iloc[:300], data.iloc[300:1300]
    plain = ItemClassifier(seed=1).fit(dev[["lemmas"]], dev["claim"].to_numpy(), np.ones(len(dev)))
    # active items whose labels say the opposite of the dev items' pattern
    flipped = 1 - active["claim"].to_numpy()
    model = ItemClassifier(seed=1).fit(
        dev[["lemmas"]],
        dev["claim"].to_numpy(),
        np.ones(len(dev)),
        extra=(active[["lemmas"]], flipped),
    )
    # calibration and threshold still come from the dev items' out-of-fold scores only
    assert len(model.oof_probability_) == len(dev)
    coef = model.top_features(200).set_index("feature")["coefficient"]
    plain_coef = plain.top_features(200).set_index("feature")["coefficient"]
    # the active items did reach the model: the marker's weight fell
    assert coef.get("кукловод", -np.inf) < plain_coef["кукловод"]


def test_calibration_draws_start_with_the_fit_and_vary_around_it():
    data = corpus(1200, seed=4)
    model = ItemClassifier(seed=1).fit(
        data[["lemmas"]], data["claim"].to_numpy(), np.ones(len(data))
    )
    draws = model.calibration_draws(np.array(["s"] * len(data)), n_boot=200, seed=3)
    assert list(draws.columns) == ["replicate", "a", "b"] and len(draws) == 201
    assert draws.loc[0, "a"] == pytest.approx(model.platt_.coef_[0][0])
    assert draws.loc[0, "b"] == pytest.approx(model.platt_.intercept_[0])
    assert draws["a"].iloc[1:].std() > 0
    low, high = draws["a"].iloc[1:].quantile([0.025, 0.975])
    assert low < draws.loc[0, "a"] < high
    # the scores the report and the event stage use map to the same probabilities
    score = model.decision_function(data[["lemmas"]])
    assert np.allclose(model.calibrate(score), model.predict_proba(data[["lemmas"]])[:, 1])


def test_embedding_columns_join_the_features():
    from schemes.classifier import numeric_columns

    frame = pd.DataFrame(columns=["lss_score", "emb_000", "emb_001", "other", "rule_score"])
    # the item rules' outputs are never features (their markers were written on dev items)
    assert numeric_columns(frame) == ["lss_score", "emb_000", "emb_001"]


def test_only_the_configured_measures_become_features(tmp_path):
    data = corpus(600, seed=4)
    sentences = tmp_path / "sentences.parquet"
    data[["doc_id", "lemmas"]].to_parquet(sentences)
    rng = np.random.default_rng(0)
    measures = pd.DataFrame({"doc_id": data["doc_id"]})
    for column in ("lexicon_any", "lss_score", "seeded_topic_share"):
        measures[column] = 0.1 * rng.normal(size=len(data)) + 3 * data["claim"].to_numpy()
    measures.to_parquet(tmp_path / "measures.parquet")
    design = pd.DataFrame(
        {
            "item_id": data["doc_id"],
            "date": "2004-01-01",
            "stratum": "both",
            "inclusion_probability": 0.5,
            "split": "dev",
        }
    )
    design.to_csv(tmp_path / "design.csv", index=False)
    labels = pd.DataFrame(
        {"item_id": data["doc_id"], "claim": data["claim"], "anti_western": data["claim"]}
    )
    labels["reason"] = np.where(labels["claim"] == 1, "marker words", "")
    labels.to_csv(tmp_path / "labels.csv", index=False)
    outputs = {"scores": tmp_path / "scores.parquet", "features": tmp_path / "features.csv"}
    inputs = {
        "sentences": [sentences],
        "measures": tmp_path / "measures.parquet",
        "design": tmp_path / "design.csv",
        "labels": tmp_path / "labels.csv",
    }
    summary = run_item_classifier(classifier_settings(["lexicon_any"]), inputs, outputs)
    assert summary["feature_measures"] == ["lexicon_any"]
    features = pd.read_csv(outputs["features"])
    named = set(features["feature"]) & {"lexicon_any", "lss_score", "seeded_topic_share"}
    assert named == {"lexicon_any"}  # an informative measure, and the only one allowed in
    with pytest.raises(ValueError, match="unknown measure"):
        run_item_classifier(classifier_settings(["rule_score"]), inputs, outputs)


def test_actively_coded_items_get_out_of_fold_scores():
    data = corpus(1500, seed=6)
    dev, active = data.iloc[:400], data.iloc[400:800]
    model = ItemClassifier(seed=1).fit(
        dev[["lemmas"]],
        dev["claim"].to_numpy(),
        np.ones(len(dev)),
        extra=(active[["lemmas"]], active["claim"].to_numpy()),
    )
    assert len(model.extra_oof_score_) == len(active)
    in_sample = model.decision_function(active[["lemmas"]])
    # every active item was scored by a model that did not see it: not the in-sample scores
    assert not np.allclose(model.extra_oof_score_, in_sample)
    truth = active["claim"].to_numpy().astype(bool)
    assert model.extra_oof_score_[truth].mean() > model.extra_oof_score_[~truth].mean()
