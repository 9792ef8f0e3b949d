import pandas as pd
import pytest
from schemes.claims import LexiconError, code_sentence, detect_claims, load_lexicon


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
    assert not coding.is_claim
    assert coding.parts_found == 2
    assert not getattr(coding, f"{missing}_terms")


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


def test_detect_claims_counts_per_document(lexicons, lemmatizer):
    from schemes.preprocess import sentence_table

    documents = pd.DataFrame(
        {
            "doc_id": ["r1", "e1", "e2"],
            "date": pd.to_datetime(["2004-11-25"] * 3),
            "date_end": pd.to_datetime(["2004-11-25"] * 3),
            "date_precision": ["day"] * 3,
            "source": ["s"] * 3,
            "lang": ["ru", "en", "en"],
            "text": [
                RU_CLAIMS[0][0] + " Погода хорошая. " + RU_CLAIMS[4][0],
                EN_CLAIMS[0][0] + " Terrorists secretly plotted to destabilise the city.",
                "The weather was fine. NATO held a meeting.",
            ],
        }
    )
    sentences = sentence_table(documents, lemmatizer)
    claims, per_doc = detect_claims(sentences, documents, lexicons)
    counts = per_doc.set_index("doc_id")
    assert counts.loc["r1", "n_claims"] == 2
    assert (counts.loc["e1", "n_claims"], counts.loc["e1", "n_claims_any"]) == (1, 2)
    assert counts.loc["e2", "n_claims_any"] == 0
    assert claims.loc[claims["doc_id"] == "r1", "sentence"].iloc[0] == RU_CLAIMS[0][0]
