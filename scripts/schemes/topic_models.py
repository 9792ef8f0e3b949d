"""Topic-model backends behind one interface, and the measures used to choose K.

Every backend takes a bag-of-words corpus (:mod:`schemes.bow`, streamed in
chunks; token lists are accepted and wrapped), K, a seed and optional seed
words per *seeded* topic, and returns a :class:`TopicFit`: unit-topic shares
(rows sum to 1), topic-word weights (rows sum to 1) and the vocabulary. All
three are deterministic for a seed (measured in ``bench/``):

* ``gensim_lda`` — gensim ``LdaModel``, streaming the corpus on every pass
  (single process; ``LdaMulticore`` is not reproducible). Seeded topics: the ``eta`` prior puts seed words'
  mass in their topic and almost none in the others, and the seeded topic
  starts from its seed words.
* ``nmf`` — scikit-learn NMF on TF-IDF (deterministic ``nndsvda`` start;
  stability checks refit from random starts). Up to ``batch_max_nonzeros``
  the batch solver holds the TF-IDF matrix; beyond it (or with
  ``solver: minibatch``) ``MiniBatchNMF`` streams it chunk by chunk. Seeded topics (guided NMF):
  their word profile is fixed to the seed words, the free topics are learnt,
  and document weights are solved for all topics together.
* ``tomotopy_lda`` — tomotopy's collapsed Gibbs LDA with one worker; holds
  the corpus in memory. Seeded topics: ``set_word_prior``.

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

from schemes.bow import BowCorpus, GensimStream, as_corpus, chunk_bows

BACKENDS = ("gensim_lda", "nmf", "tomotopy_lda")
SEED_PRIOR_SHARE = 0.01
MINIBATCH_ROWS = 2048


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


def unit_topics(corpus: BowCorpus, k: int, infer) -> np.ndarray:
    """Units x K topic shares, inferred chunk by chunk into one preallocated
    matrix (the only part of a fit that grows with the corpus: 8 K bytes a unit)."""
    theta = np.zeros((len(corpus), k))
    row = 0
    for chunk in corpus.chunks():
        weights = infer(chunk)
        sums = weights.sum(axis=1, keepdims=True)
        np.divide(weights, sums, out=theta[row : row + len(weights)], where=sums > 0)
        row += len(weights)
    return theta


def fit_gensim_lda(corpus: BowCorpus, k, seed, *, seeds, passes=3, iterations=50, **_):
    from gensim.models import LdaModel  # heavy; only this backend needs it

    logging.getLogger("gensim").setLevel(logging.WARNING)
    vocabulary = corpus.vocabulary
    index = {w: i for i, w in enumerate(vocabulary)}
    seeded_ids = [[index[w] for w in words if w in index] for words in seeds]
    eta = None
    if any(seeded_ids):
        # Guided LDA: a seed word's prior mass goes to its topic, the other
        # topics get almost none of it.
        eta = np.full((k, len(vocabulary)), 1.0 / k)
        for topic, ids in enumerate(seeded_ids):
            eta[:, ids] = 1e-3
            eta[topic, ids] = 1.0
    model = LdaModel(
        id2word=dict(enumerate(vocabulary)),
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
    for topic, ids in enumerate(seeded_ids):
        if ids:
            model.state.sstats[topic, ids] += SEED_PRIOR_SHARE * corpus.n_tokens / len(ids)
    model.sync_state()
    if len(corpus):
        model.update(GensimStream(corpus))  # gensim streams the corpus, pass after pass

    def infer(chunk):
        gamma, _ = model.inference(chunk_bows(chunk))
        gamma[np.diff(chunk.indptr) == 0] = 0.0  # empty units have no topics
        return gamma

    return TopicFit(unit_topics(corpus, k, infer), _normalise_rows(model.get_topics()), vocabulary)


def tfidf_weights(corpus: BowCorpus) -> np.ndarray:
    """Smoothed IDF over the units, as scikit-learn's TfidfTransformer computes it."""
    df = np.zeros(len(corpus.vocabulary))
    for chunk in corpus.chunks():
        df += np.bincount(chunk.indices, minlength=len(df))
    return np.log((1 + len(corpus)) / (1 + df)) + 1


def tfidf(chunk: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF x IDF, rows scaled to unit L2 norm."""
    from sklearn.preprocessing import normalize  # heavy; only the nmf backend needs it

    weighted = chunk.astype(float, copy=True)
    weighted.data = 1 + np.log(weighted.data)
    return normalize(sparse.csr_matrix(weighted.multiply(idf)))


def fit_nmf(
    corpus: BowCorpus,
    k,
    seed,
    *,
    seeds,
    max_iter=300,
    init="nndsvda",
    solver="auto",
    batch_max_nonzeros=20_000_000,
    epochs=3,
    **_,
):
    # heavy; only the nmf backend needs it
    from sklearn.decomposition import non_negative_factorization

    vocabulary = corpus.vocabulary
    idf = tfidf_weights(corpus)
    fixed = seed_profiles(seeds, vocabulary)
    free = k - len(fixed)
    if free < 1:
        raise ValueError(f"topics.k = {k} leaves no free topic beside {len(fixed)} seeded ones")
    if solver == "auto":
        solver = "batch" if corpus.nnz <= batch_max_nonzeros else "minibatch"
    model = nmf_model(
        corpus, idf, free, seed=seed, init=init, max_iter=max_iter, solver=solver, epochs=epochs
    )
    logging.getLogger(__name__).info("nmf solver: %s (%d nonzeros)", solver, corpus.nnz)
    h = guided_components(model.components_, fixed)

    def infer(chunk):
        x = tfidf(chunk, idf)
        if not fixed:
            return model.transform(x)
        w, _, _ = non_negative_factorization(
            x,
            H=h,
            n_components=k,
            update_H=False,
            init="custom",
            random_state=seed,
            max_iter=max_iter,
        )
        return w

    return TopicFit(unit_topics(corpus, k, infer), _normalise_rows(h), vocabulary)


def seed_profiles(seeds: list[list[str]], vocabulary: list[str]) -> list[np.ndarray]:
    """One 0/1 word profile per seeded topic that has a seed word in the vocabulary."""
    index = {w: i for i, w in enumerate(vocabulary)}
    fixed = []
    for words in seeds:
        row = np.zeros(len(vocabulary))
        row[[index[w] for w in words if w in index]] = 1.0
        if row.any():
            fixed.append(row)
    return fixed


def nmf_model(
    corpus: BowCorpus, idf: np.ndarray, free: int, *, seed, init, max_iter, solver, epochs
):
    """The free topics' NMF, fitted by the batch or the streaming minibatch solver."""
    # heavy; only the nmf backend needs it
    from sklearn.decomposition import NMF, MiniBatchNMF

    if solver == "batch":
        model = NMF(free, init=init, random_state=seed, max_iter=max_iter)
        model.fit(sparse.vstack([tfidf(c, idf) for c in corpus.chunks()], format="csr"))
    elif solver == "minibatch":
        # Streams the corpus: initialised (and first updated) on the whole
        # first chunk, then one step per MINIBATCH_ROWS rows, for a fixed
        # number of epochs. bench/: as coherent as the batch solver from
        # ~100k units on, less below (where ``auto`` picks the batch solver).
        model = MiniBatchNMF(free, init=init, random_state=seed, batch_size=MINIBATCH_ROWS)
        first = True
        for _ in range(epochs):
            for chunk in corpus.chunks():
                x = tfidf(chunk, idf)
                if first:
                    model.partial_fit(x)
                    first = False
                    continue
                for start in range(0, x.shape[0], MINIBATCH_ROWS):
                    model.partial_fit(x[start : start + MINIBATCH_ROWS])
    else:
        raise ValueError(f"topics.nmf.solver must be auto, batch or minibatch, not {solver!r}")
    return model


def guided_components(h: np.ndarray, fixed: list[np.ndarray]) -> np.ndarray:
    """Guided NMF: seeded topics keep their seed-word profile fixed, free
    topics keep what they learnt; each document's weights are then solved for
    all topics at once (rows scaled to unit norm so that weights are
    comparable across topics). Without seeded topics, ``h`` as learnt."""
    if not fixed:
        return h
    h = np.vstack([np.asarray(fixed), h])
    return h / np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-12)


def fit_tomotopy_lda(corpus: BowCorpus, k, seed, *, seeds, iterations=200, **_):
    """Gibbs sampling keeps every token's topic in memory: for corpora beyond
    memory use nmf or gensim_lda, which stream."""
    import tomotopy as tp  # heavy; only this backend needs it

    vocabulary = corpus.vocabulary
    model = tp.LDAModel(k=k, seed=seed, min_cf=0, rm_top=0)
    if seeds:
        seed_topics: dict[str, list[float]] = {}
        for topic, words in enumerate(seeds):
            for word in words:
                seed_topics.setdefault(word, [0.01] * k)[topic] = 1.0
        for word, prior in seed_topics.items():
            model.set_word_prior(word, prior)
    kept = []
    for row, tokens in enumerate(corpus.token_lists()):
        if tokens:
            model.add_doc(tokens)
            kept.append(row)
    theta = np.zeros((len(corpus), k))
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


def fit_topics(backend: str, corpus, k: int, *, seed: int, seeds=None, **options) -> TopicFit:
    """Fit ``backend`` on a :class:`~schemes.bow.BowCorpus` (or token lists)."""
    if backend not in FITTERS:
        raise ValueError(f"topics.backend {backend!r} is not one of {', '.join(BACKENDS)}")
    return FITTERS[backend](as_corpus(corpus), k, seed, seeds=seeds or [], **options)


def npmi(top_words: list[list[str]], corpus) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top words over boolean documents
    (the corpus is streamed: only the top words' co-occurrences are kept)."""
    corpus = as_corpus(corpus)
    words = sorted({w for topic in top_words for w in topic})
    if not words:
        return np.zeros(len(top_words))
    position = {w: i for i, w in enumerate(corpus.vocabulary)}
    columns = [position.get(w, -1) for w in words]
    present = [c for c in columns if c >= 0]
    joint = np.zeros((len(words), len(words)))
    rows = [i for i, c in enumerate(columns) if c >= 0]
    for chunk in corpus.chunks():
        presence = (chunk[:, present] > 0).astype(float)
        joint[np.ix_(rows, rows)] += (presence.T @ presence).toarray()
    joint /= max(len(corpus), 1)
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
