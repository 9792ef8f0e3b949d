import pandas as pd
import pytest
from conftest import ROOT
from schemes.claims import (
    ClaimsSettings,
    LexiconError,
    code_sentence,
    detect_claims,
    find_accuser,
    load_lexicon,
)
from schemes.configtools import load_config

# the shipped defaults: negation_window 3, term_gap 2, window_sentences 1, hedged not counted
SETTINGS = ClaimsSettings.from_config(load_config(ROOT / "config" / "config.yaml"))


def code(text, lexicon, lemmatizer):
    return code_sentence(lemmatizer.lemmatize_text(text), lexicon)


RU_CLAIMS = [
    # (sentence, accused category) — inflected forms of every part
    ("Вашингтон тайно финансировал оппозицию, чтобы дестабилизировать обстановку.", "usa"),
    ("Госдепартаментом США негласно проплачены митинги ради свержения власти.", "usa"),
    ("По сценарию западных спецслужб протесты должны были расшатать страну.", "intelligence"),
    ("Фонды Сороса за кулисами готовили раскол общества.", "soros"),
    ("Брюссель втайне добивается развала Украины.", "eu"),
    ("НАТО из-за кулис руководит оппозицией, стремясь ослабить Россию.", "nato"),
]
EN_CLAIMS = [
    ("Washington secretly funded the opposition to destabilize the region.", "usa"),
    ("The CIA orchestrated the protests in order to topple the government.", "intelligence"),
    ("Western foundations covertly bankrolled activists seeking regime change.", "ngo"),
    ("British puppets are being used to weaken Russia.", "uk"),
    ("Behind the scenes, the West is plotting to undermine the country.", "west"),
]


@pytest.mark.parametrize("text, category", RU_CLAIMS)
def test_russian_claims_with_inflected_forms(text, category, lexicons, lemmatizer):
    coding = code(text, lexicons["ru"], lemmatizer)
    assert coding.is_claim, coding
    assert coding.anti_western and coding.accused_category == category


@pytest.mark.parametrize("text, category", EN_CLAIMS)
def test_english_claims(text, category, lexicons, lemmatizer):
    coding = code(text, lexicons["en"], lemmatizer)
    assert coding.is_claim, coding
    assert coding.anti_western and coding.accused_category == category


@pytest.mark.parametrize(
    "lang, text, missing",
    [
        ("ru", "Оппозиция тайно готовила протесты, чтобы свергнуть власть.", "actor"),
        ("ru", "Вашингтон хочет ослабить Россию.", "covert"),
        ("ru", "США тайно финансируют программы по борьбе с туберкулёзом.", "aim"),
        ("en", "Activists secretly planned protests to overthrow the president.", "actor"),
        ("en", "Washington wants to weaken Russia.", "covert"),
        ("en", "The United States secretly funds tuberculosis programmes.", "aim"),
    ],
)
def test_each_part_of_the_definition_is_required(lang, text, missing, lexicons, lemmatizer):
    coding = code(text, lexicons[lang], lemmatizer)
    assert not coding.is_claim and coding.status == "partial"
    assert coding.parts_found == 2
    assert not coding.hits[missing]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Вашингтон не финансировал оппозицию, чтобы дестабилизировать обстановку."),
        ("ru", "МИД отверг утверждения, что США тайно финансируют протесты ради свержения власти."),
        ("ru", "Разговоры о том, что Запад тайно готовит развал страны, — миф."),
        ("en", "Washington did not secretly fund the opposition to destabilize the region."),
        ("en", "There is no evidence that the CIA orchestrated protests to topple the government."),
        ("en", "Officials denied that Western foundations covertly funded regime change."),
    ],
)
def test_negated_and_denied_claims_are_not_counted(lang, text, lexicons, lemmatizer):
    coding = code(text, lexicons[lang], lemmatizer)
    assert not coding.is_claim and coding.negated


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Террористы тайно готовили взрыв, чтобы дестабилизировать обстановку."),
        ("en", "Local oligarchs covertly financed gangs to destabilise the market."),
    ],
)
def test_non_western_plots_are_claims_but_not_anti_western(lang, text, lexicons, lemmatizer):
    coding = code(text, lexicons[lang], lemmatizer)
    assert coding.is_claim and not coding.anti_western
    assert coding.accused_category == "non_western"


def test_specific_actor_wins_over_generic_west(lexicons, lemmatizer):
    coding = code(
        "Западные фонды тайно финансируют активистов, чтобы расшатать ситуацию.",
        lexicons["ru"],
        lemmatizer,
    )
    assert coding.accused_category == "ngo"


def test_lexicon_entries_need_provenance(tmp_path, lemmatizer):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "language: en\nactors: {usa: {western: true, terms: [{term: USA}]}}\ncovert: []\naim: []\n"
    )
    with pytest.raises(LexiconError, match=r"actors.usa, entry 1: needs a 'term' and a provenance"):
        load_lexicon(path, lemmatizer)
    path.write_text("language: en\nactors: {}\ncovert: []\n")
    with pytest.raises(LexiconError, match="missing top-level key 'aim'"):
        load_lexicon(path, lemmatizer)


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Запад якобы тайно финансирует оппозицию, чтобы ослабить Россию."),
        ("en", "The CIA allegedly orchestrated the protests to topple the government."),
    ],
)
def test_hedged_claims_are_set_apart(lang, text, lexicons, lemmatizer):
    lemmas = lemmatizer.lemmatize_text(text)
    assert code_sentence(lemmas, lexicons[lang]).status == "hedged"
    assert code_sentence(lemmas, lexicons[lang], count_hedged=True).is_claim


def test_gap_tolerant_multiword_terms(lexicons, lemmatizer):
    text = "США тайно финансируют оппозицию ради смены неугодного режима."
    coding = code(text, lexicons["ru"], lemmatizer)
    assert coding.is_claim
    lemmas = lemmatizer.lemmatize_text(text)
    assert coding.terms("aim", lemmas) == ["смена неугодный режим"]
    strict = code_sentence(lemmas, lexicons["ru"], term_gap=0)
    assert strict.status == "partial"


@pytest.mark.parametrize(
    "lang, text, speaker",
    [
        (
            "ru",
            "«НАТО тайно финансирует оппозицию, чтобы ослабить Россию», — сказал депутат Госдумы.",
            "депутат Госдумы",
        ),
        (
            "ru",
            "По словам политолога Иванова, Запад тайно готовит развал страны.",
            "политолога Иванова",
        ),
        ("ru", "Министр уверен, что ЦРУ тайно финансирует протесты.", "Министр"),
        ("en", '"The CIA secretly funded the protests," a Duma deputy said.', "a Duma deputy"),
        ("en", "According to the ministry, NATO covertly funds activists.", "the ministry"),
        ("en", "Washington covertly funds activists to weaken Russia.", None),
    ],
)
def test_accuser_is_the_attributed_speaker(lang, text, speaker, lexicons):
    assert find_accuser(text, lexicons[lang]) == speaker


def make_documents(texts, langs):
    n = len(texts)
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "date": pd.to_datetime(["2004-11-25"] * n),
            "date_end": pd.to_datetime(["2004-11-25"] * n),
            "date_precision": ["day"] * n,
            "source": ["Outlet"] * n,
            "lang": langs,
            "text": texts,
        }
    )


def test_detect_claims_codes_fields_and_counts_per_document(lexicons, lemmatizer):
    from schemes.preprocess import sentence_table

    documents = make_documents(
        [
            "В Киеве неспокойно. " + RU_CLAIMS[0][0] + " Погода хорошая. " + RU_CLAIMS[4][0],
            EN_CLAIMS[0][0] + " Terrorists secretly plotted to destabilise the city.",
            "The weather was fine. NATO held a meeting.",
            "Washington did not secretly fund the opposition to destabilize the region.",
        ],
        ["ru", "en", "en", "en"],
    )
    sentences = sentence_table(documents, lemmatizer)
    claims, candidates, per_doc = detect_claims(sentences, documents, lexicons, settings=SETTINGS)
    counts = per_doc.set_index("doc_id")
    assert counts.loc["d0", "n_claims"] == 2 and counts.loc["d0", "any_claim"] == 1
    assert (counts.loc["d1", "n_claims"], counts.loc["d1", "n_claims_any"]) == (1, 2)
    assert counts.loc["d2", "n_claims_any"] == 0
    assert counts.loc["d3", "n_negated"] == 1 and counts.loc["d3", "n_claims"] == 0
    first = claims[claims["doc_id"] == "d0"].iloc[0]
    assert first["sentence"] == RU_CLAIMS[0][0]
    assert first["accuser"] == "Outlet" and first["accuser_kind"] == "outlet"
    assert first["target_country"] == "UKR"  # from the document: the claim names no place
    assert first["actor_text"] == "Вашингтон" and first["covert_text"] == "тайно; финансировал"
    text = documents.loc[0, "text"]
    for item in first["evidence_spans"].split():
        _, span = item.split(":")
        a, b = map(int, span.split("-"))
        assert text[a:b] in first["sentence"]
    assert "negated" in set(candidates["status"])


def test_window_lets_a_claim_span_two_sentences(lexicons, lemmatizer):
    from schemes.preprocess import sentence_table

    documents = make_documents(
        ["Вашингтон тайно финансирует оппозицию. Цель одна: ослабить Россию."], ["ru"]
    )
    sentences = sentence_table(documents, lemmatizer)
    one, _, _ = detect_claims(
        sentences, documents, lexicons, settings=SETTINGS.replace(window_sentences=1)
    )
    two, _, _ = detect_claims(
        sentences, documents, lexicons, settings=SETTINGS.replace(window_sentences=2)
    )
    assert len(one) == 0 and len(two) == 1 and two.iloc[0]["n_sentences"] == 2
