from schemes.nlp import sentences, tokenize


def test_inflected_russian_forms_share_one_lemma(lemmatizer):
    forms = ["Госдепартамент", "Госдепартамента", "Госдепартаменту", "Госдепартаментом"]
    assert {lemmatizer.lemma(f) for f in forms} == {"госдепартамент"}
    verbs = ["финансировал", "финансируют", "финансировали", "финансирует"]
    assert {lemmatizer.lemma(v) for v in verbs} == {"финансировать"}


def test_hyphenated_words_and_names_stay_whole(lemmatizer):
    tokens = tokenize("Северо-западный регион, Ростов-на-Дону и Аль-Каида.")
    assert tokens == ["Северо-западный", "регион", "Ростов-на-Дону", "и", "Аль-Каида"]
    assert lemmatizer.lemma("северо-западного") == "северо-западный"


def test_latin_names_inside_russian_text_are_lemmatised_as_english(lemmatizer):
    lemmas = lemmatizer.lemmatize_text("Представители NATO и фонда Soros's встретились")
    assert lemmas == ["представитель", "nato", "и", "фонд", "soros", "встретиться"]


def test_acronyms_and_contractions(lemmatizer):
    assert lemmatizer.lemmatize_text("The U.S. and US officials") == [
        "the",
        "usa",
        "and",
        "usa",
        "official",
    ]
    assert lemmatizer.lemmatize_text("us") != ["usa"]
    assert "not" in lemmatizer.lemmatize_text("Washington didn't fund it")


def test_yo_is_folded(lemmatizer):
    assert lemmatizer.lemma("дёргают") == lemmatizer.lemma("дергают") == "дергать"


def test_sentence_spans_cover_text_and_respect_paragraphs():
    text = "Первое предложение. Второе!\n\nThird sentence here. Fourth"
    spans = sentences(text)
    parts = [text[s:e] for s, e in spans]
    assert parts == ["Первое предложение.", "Второе!", "Third sentence here.", "Fourth"]


def test_cache_serves_repeated_forms(lemmatizer):
    before = lemmatizer.cache_size
    lemmatizer.lemmatize_text("кошки кошки кошки кошки")
    assert lemmatizer.cache_size == before + 1 or lemmatizer.lemma("кошки") == "кошка"
