"""Topic-model backends behind one interface, and the measures used to choose K.

Every backend takes token lists, K, a seed and optional seed words per
*seeded* topic, and returns a :class:`TopicFit`: document-topic shares
(rows sum to 1), topic-word weights (rows sum to 1) and the vocabulary. All
three are deterministic for a seed (measured in ``bench/``):

* ``gensim_lda`` — gensim ``LdaModel`` (single process; ``LdaMulticore`` is
  not reproducible). Seeded topics: the ``eta`` prior puts seed words'
  mass in their topic and almost none in the others, and the seeded topic
  starts from its seed words.
* ``nmf`` — scikit-learn NMF on TF-IDF (deterministic ``nndsvda`` start;
  stability checks refit from random starts). Seeded topics (guided NMF):
  their word profile is fixed to the seed words, the free topics are learnt,
  and document weights are solved for all topics together.
* ``tomotopy_lda`` — tomotopy's collapsed Gibbs LDA with one worker. Seeded
  topics: ``set_word_prior``.

Quality measures: NPMI coherence of each topic's top words over boolean
documents (Bouma 2009; Röder et al. 2015), topic diversity (share of unique
words among all topics' top words; Dieng et al. 2020), and stability across
seeds (mean best-match Jaccard overlap of top words).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

BACKENDS = ("gensim_lda", "nmf", "tomotopy_lda")
SEED_PRIOR_SHARE = 0.01


@dataclass
class TopicFit:
    theta: np.ndarray  # documents x K, rows sum to 1 (all-zero documents stay 0)
    phi: np.ndarray  # K x V, rows sum to 1
    vocabulary: list[str]

    def top_words(self, n: int) -> list[list[str]]:
        return [
            [self.vocabulary[i] for i in np.argsort(-row, kind="stable")[:n]] for row in self.phi
        ]


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    sums = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, sums, out=np.zeros_like(matrix, dtype=float), where=sums > 0)


def build_vocabulary(token_lists: list[list[str]]) -> list[str]:
    return sorted({t for tokens in token_lists for t in tokens})


def doc_term_matrix(token_lists: list[list[str]], vocabulary: list[str]) -> sparse.csr_matrix:
    index = {w: i for i, w in enumerate(vocabulary)}
    rows, cols = [], []
    for r, tokens in enumerate(token_lists):
        for t in tokens:
            j = index.get(t)
            if j is not None:
                rows.append(r)
                cols.append(j)
    data = np.ones(len(rows))
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(token_lists), len(vocabulary)))


def fit_gensim_lda(token_lists, k, seed, seeds, passes=3, iterations=50, **_):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    logging.getLogger("gensim").setLevel(logging.WARNING)
    vocabulary = build_vocabulary(token_lists)
    dictionary = Dictionary([vocabulary])  # ids in sorted vocabulary order
    corpus = [dictionary.doc2bow(tokens) for tokens in token_lists]
    seeded_ids = [
        [dictionary.token2id[w] for w in words if w in dictionary.token2id] for words in seeds
    ]
    eta = None
    if any(seeded_ids):
        # Guided LDA: a seed word's prior mass goes to its topic, the other
        # topics get almost none of it.
        eta = np.full((k, len(vocabulary)), 1.0 / k)
        for topic, ids in enumerate(seeded_ids):
            eta[:, ids] = 1e-3
            eta[topic, ids] = 1.0
    model = LdaModel(
        id2word=dictionary,
        num_topics=k,
        random_state=seed,
        passes=passes,
        iterations=iterations,
        chunksize=4000,
        alpha="symmetric",
        eta=eta,
        eval_every=None,
        dtype=np.float64,
    )
    # A prior alone loses to label switching (the seeded topic's slot is
    # taken by whatever the random start puts there), so the seeded topics
    # also start from their seed words: SEED_PRIOR_SHARE of the corpus'
    # tokens spread over the seed words, in the initial sufficient statistics.
    n_tokens = sum(len(t) for t in token_lists)
    for topic, ids in enumerate(seeded_ids):
        if ids:
            model.state.sstats[topic, ids] += SEED_PRIOR_SHARE * n_tokens / len(ids)
    model.sync_state()
    if corpus:
        model.update(corpus)
    theta = np.zeros((len(corpus), k))
    for row, bow in enumerate(corpus):
        if bow:
            for topic, share in model.get_document_topics(bow, minimum_probability=0.0):
                theta[row, topic] = share
    phi = model.get_topics()
    order = [dictionary.token2id[w] for w in vocabulary]
    return TopicFit(theta, _normalise_rows(phi[:, order]), vocabulary)


def fit_nmf(token_lists, k, seed, seeds, max_iter=300, init="nndsvda", **_):
    from sklearn.decomposition import NMF, non_negative_factorization
    from sklearn.feature_extraction.text import TfidfTransformer

    vocabulary = build_vocabulary(token_lists)
    counts = doc_term_matrix(token_lists, vocabulary)
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    index = {w: i for i, w in enumerate(vocabulary)}
    fixed = []
    for words in seeds:
        row = np.zeros(len(vocabulary))
        row[[index[w] for w in words if w in index]] = 1.0
        if row.any():
            fixed.append(row)
    free = k - len(fixed)
    if free < 1:
        raise ValueError(f"topics.k = {k} leaves no free topic beside {len(fixed)} seeded ones")
    model = NMF(free, init=init, random_state=seed, max_iter=max_iter)
    model.fit(tfidf)
    h = model.components_
    if fixed:
        # Guided NMF: seeded topics keep their seed-word profile fixed, free
        # topics keep what they learnt; each document's weights are then
        # solved for all topics at once (rows scaled to unit norm so that
        # weights are comparable across topics).
        h = np.vstack([np.asarray(fixed), h])
        h = h / np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-12)
        w, _, _ = non_negative_factorization(
            tfidf,
            H=h,
            n_components=k,
            update_H=False,
            init="custom",
            random_state=seed,
            max_iter=max_iter,
        )
    else:
        w = model.transform(tfidf)
    return TopicFit(_normalise_rows(w), _normalise_rows(h), vocabulary)


def fit_tomotopy_lda(token_lists, k, seed, seeds, iterations=200, **_):
    import tomotopy as tp

    vocabulary = build_vocabulary(token_lists)
    model = tp.LDAModel(k=k, seed=seed, min_cf=0, rm_top=0)
    if seeds:
        seed_topics: dict[str, list[float]] = {}
        for topic, words in enumerate(seeds):
            for word in words:
                seed_topics.setdefault(word, [0.01] * k)[topic] = 1.0
        for word, prior in seed_topics.items():
            model.set_word_prior(word, prior)
    kept = []
    for row, tokens in enumerate(token_lists):
        if tokens:
            model.add_doc(tokens)
            kept.append(row)
    theta = np.zeros((len(token_lists), k))
    if not kept:
        return TopicFit(
            theta, np.full((k, len(vocabulary)), 1.0 / max(len(vocabulary), 1)), vocabulary
        )
    model.train(iterations, workers=1)
    for doc, row in zip(model.docs, kept, strict=True):
        theta[row] = doc.get_topic_dist()
    used = list(model.used_vocabs)
    position = {w: i for i, w in enumerate(used)}
    phi = np.zeros((k, len(vocabulary)))
    columns = [position.get(w) for w in vocabulary]
    for topic in range(k):
        dist = np.asarray(model.get_topic_word_dist(topic))
        phi[topic] = [dist[c] if c is not None else 0.0 for c in columns]
    return TopicFit(theta, _normalise_rows(phi), vocabulary)


FITTERS = {"gensim_lda": fit_gensim_lda, "nmf": fit_nmf, "tomotopy_lda": fit_tomotopy_lda}


def fit_topics(backend: str, token_lists, k: int, seed: int, seeds=None, **options) -> TopicFit:
    if backend not in FITTERS:
        raise ValueError(f"topics.backend {backend!r} is not one of {', '.join(BACKENDS)}")
    return FITTERS[backend](token_lists, k, seed, seeds or [], **options)


def npmi(top_words: list[list[str]], token_lists: list[list[str]]) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top words over boolean documents."""
    words = sorted({w for topic in top_words for w in topic})
    if not words:
        return np.zeros(len(top_words))
    presence = (doc_term_matrix([list(set(t)) for t in token_lists], words) > 0).astype(float)
    n = max(presence.shape[0], 1)
    joint = (presence.T @ presence).toarray() / n
    single = np.diag(joint)
    index = {w: i for i, w in enumerate(words)}
    scores = []
    for topic in top_words:
        values = []
        for a in range(len(topic)):
            for b in range(a + 1, len(topic)):
                i, j = index[topic[a]], index[topic[b]]
                p_ij = joint[i, j]
                if p_ij <= 0:
                    values.append(-1.0)
                elif p_ij >= 1:
                    values.append(1.0)
                else:
                    values.append(np.log(p_ij / (single[i] * single[j])) / -np.log(p_ij))
        scores.append(np.mean(values) if values else 0.0)
    return np.asarray(scores)


def diversity(top_words: list[list[str]]) -> float:
    total = sum(len(t) for t in top_words)
    return len({w for t in top_words for w in t}) / total if total else 0.0


def stability(a: list[list[str]], b: list[list[str]]) -> float:
    """Mean Jaccard overlap of top words after optimally matching topics of two fits."""
    if not a or not b:
        return float("nan")
    overlap = np.array([[len(set(x) & set(y)) / len(set(x) | set(y)) for y in b] for x in a])
    rows, cols = linear_sum_assignment(-overlap)
    return float(overlap[rows, cols].mean())


def frex(phi: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX score (Roberts et al., stm): harmonic mean of the ECDF ranks of
    exclusivity and frequency of each word within each topic."""
    exclusivity = phi / np.maximum(phi.sum(axis=0, keepdims=True), 1e-300)

    def ecdf(matrix):
        ranks = np.argsort(np.argsort(matrix, axis=1, kind="stable"), axis=1, kind="stable")
        return (ranks + 1) / matrix.shape[1]

    return 1.0 / (weight / ecdf(exclusivity) + (1 - weight) / ecdf(phi))


def choose_k(selection, min_diversity: float) -> int:
    """The documented rule: highest mean NPMI among K whose diversity is at least
    ``min_diversity`` (all K when none qualifies); ties go to the smaller K."""
    eligible = selection[selection["diversity"] >= min_diversity]
    if eligible.empty:
        eligible = selection
    best = eligible.sort_values(["npmi", "k"], ascending=[False, True], kind="stable")
    return int(best.iloc[0]["k"])
