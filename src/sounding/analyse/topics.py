"""What is said: key phrases and topic clusters of short French and English texts (pure).

Texts go through one tokenizer (URLs and @handles dropped, hashtags kept as ``#tag``,
emoji and digits dropped, French elisions cut, French and English stop words and fillers
removed), then TF-IDF on words and word pairs, LSA (truncated SVD) and mini-batch
k-means. The model is fitted on a sample and predicts the rest in chunks, so a million
texts take about a minute. Each cluster is labelled by its c-TF-IDF top terms (the terms
frequent in it and rare in the others, each word once) and shows the texts nearest its
centre as examples.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy and scikit-learn are imported where used: they cost most of a
    # second, which every CLI command would pay at start-up
    import scipy.sparse as sp  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import CountVectorizer  # type: ignore[import-untyped]

__all__ = ["STOP_WORDS", "UNMEASURED", "Topic", "TopicModel", "TopicResult", "Trend",
           "find_topics", "key_phrases", "tokenize", "topic_trends"]

# Function words of both languages, plus the chat words that say nothing about a topic.
_WORDS = """
a about above after again against all also am an and any are aren as at be because been
before being below between both but by can cannot could couldn did didn do does doesn
doing don down during each even ever every few for from further get gets got had hadn has
hasn have haven having he her here hers herself him himself his how however i if in into
is isn it its itself just let like ll me more most much must mustn my myself no nor not
now of off on once one only or other our ours ourselves out over own re really same shan
she should shouldn so some such than that the their theirs them themselves then there
these they this those through to too under until up us ve very was wasn we were weren what
when where which while who whom why will with won would wouldn you your yours yourself
yourselves im ive youre dont cant thats theres still yet ok okay oh yes yeah lol us via
amp rt cc au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le
les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu
que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous ça cela ceci celle
celui ceux été être est sont suis es sommes êtes était étaient sera seront serait avoir ai
as avons avez ont avait avaient aura eu fait faire fais font si très plus moins bien tout
tous toute toutes aussi alors donc car comme quand comment pourquoi quoi dont ni y ici là
déjà encore jamais toujours rien peu trop chez sans sous entre vers depuis pendant avant
après oui non ah bon voilà c'est j'ai n'est qu'il qu'on d'un d'une
doesnt didnt isnt wasnt werent arent wont wouldnt couldnt shouldnt hasnt havent hadnt
mustnt aint youve youll ill id hes shes weve theyre theyve whats gonna wanna gotta
ca tres deja meme apres etre etait ete ou la cest jai nest quil quon
"""
# Fillers: common verbs, adverbs and vague words that lead key phrases ("see", "faites",
# "vraiment goûter") without saying what a text is about.
_FILLERS = """
see saw seen seeing make makes made making go goes going went gone come comes came coming
know knew think thought want wants wanted need needs needed look looks looked looking say
says said tell told take took give gave find found keep try trying already actually
literally totally absolutely definitely seriously basically honestly truly simply certainly
probably maybe perhaps pretty quite rather lot lots bit kind sort thing things stuff
something anything everything nothing someone anyone everyone somebody anybody everybody
always never often sometimes usually well back way though although since anyway anyways
else etc
vraiment absolument franchement carrément totalement complètement tellement juste surtout
beaucoup assez presque fois également ensuite puis enfin bref ben bah euh hein genre ouais
vais vas va allons allez vont aller allé peux peut pouvons pouvez peuvent pouvoir veux veut
voulons voulez veulent vouloir dois doit devons devez doivent devoir sais sait savons savez
savent savoir faites faisons faisait fera ferai faut fallait dit dis dire disent vois voit
voyez voir viens vient venez venons viennent venir prends prend mets met soit étais cherche
cherches cherchais cherchait
est-ce peut-être c'est-à-dire chose choses truc trucs quelque quelques quelqu'un autre
autres chaque plusieurs certains certaines quel quelle quels quelles
"""
STOP_WORDS = frozenset(_WORDS.split()) | frozenset(_FILLERS.split())

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w#])@[\w.\-]+(?:@[\w.\-]+)?")
_TOKEN = re.compile(r"#\w+|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]")
_CONTRACTION = re.compile(r"'(?:s|ve|ll|re|d|m|t)$")
# A French verb's joined pronouns ("faites-en", "dis-moi", "a-t-il"): the token is a
# filler when the verb is one; "rendez-vous" is kept whole.
_STEM = re.compile(r"(?:-t)?(?:-(?:en|y|moi|toi|le|la|les|lui|leur|nous|vous|je|tu|il|elle"
                   r"|ils|elles|on|ce))+$")
_CHUNK = 50_000


def tokenize(text: str) -> list[str]:
    """The terms of one text: lower case, no URL, handle, emoji or stop word; ``#tags`` kept."""
    text = _HANDLE.sub(" ", _URL.sub(" ", text)).lower()
    terms = []
    for token in _TOKEN.findall(text):
        if token.startswith("#"):
            if len(token) > 2 and not token[1:].isdigit():
                terms.append(token)
            continue
        token = _CONTRACTION.sub("", _ELISION.sub("", token).replace("’", "'"))
        if len(token) > 1 and token not in STOP_WORDS and _STEM.sub("", token) not in STOP_WORDS:
            terms.append(token)
    return terms


def _identity(terms: list[str]) -> list[str]:
    return terms


@dataclass(frozen=True, slots=True)
class Topic:
    """One cluster: its label, top terms with c-TF-IDF weights, size and example texts."""

    topic_id: int
    label: str
    terms: tuple[tuple[str, float], ...]
    size: int
    examples: tuple[int, ...]


@dataclass(frozen=True)
class TopicResult:
    """Topics of a set of texts; ``assignments[i]`` is text i's topic, -1 if it had no term."""

    topics: tuple[Topic, ...]
    assignments: np.ndarray
    key_phrases: tuple[tuple[str, int], ...]
    n_texts: int

    def sizes(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Texts per topic, optionally only those selected by a boolean mask."""
        chosen = self.assignments if mask is None else self.assignments[mask]
        return np.bincount(chosen[chosen >= 0], minlength=len(self.topics))


class TopicModel:
    """TF-IDF → LSA → mini-batch k-means, scikit-learn style (``fit`` returns self)."""

    def __init__(self, n_topics: int = 8, *, components: int = 100, max_features: int = 50_000,
                 fit_sample: int = 100_000, seed: int = 0) -> None:
        self.n_topics = n_topics
        self.components = components
        self.max_features = max_features
        self.fit_sample = fit_sample
        self.seed = seed

    def _vectorizer(self, n: int) -> CountVectorizer:
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(analyzer=_identity, max_features=self.max_features,
                               min_df=2 if n >= 50 else 1, max_df=0.5 if n >= 50 else 1.0)

    def fit(self, docs: Sequence[list[str]]) -> TopicModel:
        """Learn vocabulary, LSA space and centres from (a sample of) tokenized texts."""
        from sklearn.cluster import MiniBatchKMeans  # type: ignore[import-untyped]
        from sklearn.decomposition import TruncatedSVD  # type: ignore[import-untyped]
        from sklearn.feature_extraction.text import TfidfTransformer

        rng = np.random.default_rng(self.seed)
        chosen = (np.sort(rng.choice(len(docs), self.fit_sample, replace=False))
                  if len(docs) > self.fit_sample else np.arange(len(docs)))
        sample = [_with_pairs(docs[i]) for i in chosen]
        try:
            self.vectorizer_ = self._vectorizer(len(sample)).fit(sample)
        except ValueError:  # every term pruned: 50 copies of one text, or no word shared
            self.vectorizer_ = self._vectorizer(1).fit(sample)
        counts = self.vectorizer_.transform(sample)
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        weights = self.tfidf_.transform(counts)
        self.svd_ = None  # one term ("Bravo !" over and over) is its own one-dimensional space
        if weights.shape[1] > 1:
            dims = max(1, min(self.components, weights.shape[1] - 1, weights.shape[0] - 1))
            with np.errstate(divide="ignore", invalid="ignore"):  # texts all alike: no
                # variance, so sklearn's explained-variance ratio (unused) divides by zero
                self.svd_ = TruncatedSVD(dims, random_state=self.seed).fit(weights)
        space = self._reduce(weights)
        # texts alike are one point, and a text with no known term is in no topic
        termed = space[np.abs(space).sum(axis=1) > 0]
        distinct = len(np.unique(np.round(termed, 9), axis=0))
        k = max(1, min(self.n_topics, len(sample), distinct))
        self.kmeans_ = MiniBatchKMeans(k, random_state=self.seed, n_init=3,
                                       batch_size=4096).fit(space)
        return self

    def transform(self, docs: Sequence[list[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Term counts and normalised LSA coordinates of tokenized texts."""

        counts = self.vectorizer_.transform([_with_pairs(d) for d in docs])
        return counts.tocsr(), self._reduce(self.tfidf_.transform(counts))

    def _reduce(self, weights: sp.csr_matrix) -> np.ndarray:
        """Normalised LSA coordinates (the weights themselves with a single term)."""
        from sklearn.preprocessing import normalize  # type: ignore[import-untyped]

        if self.svd_ is None:
            return np.asarray(normalize(weights).toarray())
        return np.asarray(normalize(self.svd_.transform(weights)))

    def predict(self, docs: Sequence[list[str]]) -> np.ndarray:
        """The topic of each tokenized text, -1 for a text with no known term."""
        return self._predict_chunks(docs)[0]

    def _predict_chunks(self, docs: Sequence[list[str]]
                        ) -> tuple[np.ndarray, sp.csr_matrix, np.ndarray]:
        import scipy.sparse as sp

        labels, parts, dists = [], [], []
        for start in range(0, len(docs), _CHUNK):
            counts, space = self.transform(docs[start:start + _CHUNK])
            found = self.kmeans_.predict(space)
            dist = ((space - self.kmeans_.cluster_centers_[found]) ** 2).sum(axis=1)
            found[np.asarray(counts.sum(axis=1)).ravel() == 0] = -1
            labels.append(found)
            parts.append(counts)
            dists.append(dist)
        if not parts:
            return np.empty(0, np.int64), sp.csr_matrix((0, 0)), np.empty(0)
        return (np.concatenate(labels).astype(np.int64), sp.vstack(parts).tocsr(),
                np.concatenate(dists))


def _with_pairs(terms: list[str]) -> list[str]:
    """Words and adjacent word pairs (the key phrases), hashtags kept alone."""
    words = [t for t in terms if not t.startswith("#")]
    return terms + [f"{a} {b}" for a, b in itertools.pairwise(words) if a != b]


def _bare(term: str) -> list[str]:
    """A term's words without the hashtag mark: ``#pain`` and ``pain`` are one word."""
    return [w.removeprefix("#") for w in term.split()]


def _is_phrase(term: str) -> bool:
    """Whether a term may be shown: no repeated word, no stop word or filler at either end."""
    words = _bare(term)
    return (bool(words) and len(set(words)) == len(words)
            and words[0] not in STOP_WORDS and words[-1] not in STOP_WORDS)


def _label(terms: Sequence[str], n: int = 3) -> str:
    """The first ``n`` shown terms, each word once: "pain · pain complet" → "pain complet".

    A pair replaces the words of the label it is made of ("pain · complet" → "pain
    complet"); a term sharing a word with the label otherwise is skipped."""
    parts: list[str] = []
    for term in filter(_is_phrase, terms):
        words = set(_bare(term))
        shared = [i for i, part in enumerate(parts) if words & set(_bare(part))]
        covered = [set(_bare(parts[i])) for i in shared]
        if not shared:
            parts.append(term)
        elif all(c <= words for c in covered) and (len(shared) > 1 or covered[0] < words):
            parts[shared[0]] = term
            for i in reversed(shared[1:]):
                del parts[i]
        if len(parts) == n:
            break
    return " · ".join(parts) or "(no terms)"


def _class_tfidf(counts: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """c-TF-IDF: term frequency within a cluster times log(1 + mean words / term total)."""
    import scipy.sparse as sp

    keep = labels >= 0
    onehot = sp.csr_matrix((np.ones(int(keep.sum())), (labels[keep], np.flatnonzero(keep))),
                           shape=(k, counts.shape[0]))
    per_class = np.asarray((onehot @ counts).todense(), dtype=float)
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1.0)
    totals = per_class.sum(axis=0)
    idf = np.log1p(per_class.sum(axis=1).mean() / np.maximum(totals, 1.0))
    scores: np.ndarray = tf * idf
    return scores


def _examples(labels: np.ndarray, dists: np.ndarray, texts: Sequence[str] | None,
              topic: int, n: int) -> tuple[int, ...]:
    """The ``n`` distinct texts nearest the topic's centre among those labelled ``topic``
    (a text left out of the focus is labelled -1 here, so its copy never hides the
    focus's)."""
    members = np.flatnonzero(labels == topic)
    chosen: list[int] = []
    seen: set[str] = set()
    for i in members[np.argsort(dists[members], kind="stable")]:
        text = texts[int(i)].casefold() if texts is not None else str(i)
        if text not in seen:
            seen.add(text)
            chosen.append(int(i))
        if len(chosen) == n:
            break
    return tuple(chosen)


def _topics(model: TopicModel, counts: sp.csr_matrix, labels: np.ndarray, dists: np.ndarray,
            texts: Sequence[str] | None, top: int, examples: int, focus: np.ndarray
            ) -> tuple[Topic, ...]:
    """Each cluster's terms (from all its texts), and its size and examples (from the
    focus's texts only)."""
    k = model.kmeans_.n_clusters
    scores = _class_tfidf(counts, labels, k)
    vocab = model.vectorizer_.get_feature_names_out()
    shown = np.where(focus, labels, -1)
    sizes = np.bincount(shown[shown >= 0], minlength=k)
    topics = []
    for t in range(k):
        best = [int(j) for j in np.argsort(-scores[t], kind="stable")[:max(top, 30)]
                if scores[t, j] > 0 and _is_phrase(str(vocab[j]))]
        terms = tuple((str(vocab[j]), round(float(scores[t, j]), 5)) for j in best[:top])
        label = _label([str(vocab[j]) for j in best])
        topics.append(Topic(t, label, terms, int(sizes[t]),
                            _examples(shown, dists, texts, t, examples)))
    return tuple(topics)


def key_phrases(counts: sp.csr_matrix, vocab: np.ndarray, top: int = 20) -> tuple[
        tuple[str, int], ...]:
    """The most widespread terms (texts containing them), word pairs first on ties.

    A term that starts or ends with a stop word or filler, or repeats a word, is skipped."""
    docs = np.asarray((counts > 0).sum(axis=0)).ravel()
    shown = [j for j in range(len(vocab)) if _is_phrase(str(vocab[j]))]
    order = sorted(shown, key=lambda j: (-int(docs[j]), " " not in vocab[j], str(vocab[j])))
    return tuple((str(vocab[j]), int(docs[j])) for j in order[:top] if docs[j] > 0)


def find_topics(texts: Sequence[str], n_topics: int = 8, *, seed: int = 0, top_terms: int = 8,
                examples: int = 3, fit_sample: int = 100_000,
                focus: np.ndarray | None = None) -> TopicResult:
    """Cluster texts into at most ``n_topics`` topics, each labelled by its top terms.

    ``focus`` (a boolean mask) picks the texts that the key phrases, topic sizes and
    examples describe, such as one period's; the topics are fitted on every text, so that
    the period before falls into the same topics and trends compare like with like."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    docs = [tokenize(t) for t in texts]
    if sum(1 for d in docs if d) < 2:
        return TopicResult((), np.full(len(texts), -1, np.int64), (), len(texts))
    focus = np.ones(len(texts), bool) if focus is None else np.asarray(focus, bool)
    # On small inputs BLAS threads cost more than they save (and thrash on two cores).
    with threadpool_limits(1 if len(docs) < 200_000 else None):
        model = TopicModel(n_topics, fit_sample=fit_sample, seed=seed).fit(docs)
        labels, counts, dists = model._predict_chunks(docs)
    topics = _topics(model, counts, labels, dists, texts, top_terms, examples, focus)
    phrases = key_phrases(counts[focus], model.vectorizer_.get_feature_names_out())
    return TopicResult(topics, labels, phrases, len(texts))


@dataclass(frozen=True, slots=True)
class Trend:
    """A topic's share now and before, and how sure we are that it moved."""

    topic_id: int
    current: int
    previous: int
    share_now: float
    share_before: float
    ratio: float | None  # None with nothing to compare: a period without texts
    ratio_low: float | None
    ratio_high: float | None
    p_rising: float | None
    direction: str  # rising, falling, steady, or unmeasured


UNMEASURED = "unmeasured"  # a topic trend with no period to compare with


def topic_trends(current: Sequence[int], previous: Sequence[int], n_current: int,
                 n_previous: int, *, certainty: float = 0.95, draws: int = 20_000,
                 seed: int = 0) -> tuple[Trend, ...]:
    """Rising and falling topics: Beta(1 + x, 1 + n − x) posteriors of each period's share.

    The word follows the probability shown with it, P↑ = P(share now > share before):
    ``rising`` when P↑ ≥ ``certainty``, ``falling`` when P↑ ≤ 1 − ``certainty``, else
    ``steady`` (no gate on the ratio, which would call a sure fall "steady"). The ratio's
    median and 95% credible interval come from the same draws. When either period has no
    text, every topic is ``unmeasured``: against an empty period the flat prior alone
    would make a large topic "rise" and a small one "fall".
    """
    rng = np.random.default_rng(seed)
    trends = []
    if n_current <= 0 or n_previous <= 0:
        return tuple(Trend(t, int(x), int(y), x / max(n_current, 1), y / max(n_previous, 1),
                           None, None, None, None, UNMEASURED)
                     for t, (x, y) in enumerate(zip(current, previous, strict=True)))
    for t, (x, y) in enumerate(zip(current, previous, strict=True)):
        now = rng.beta(1 + x, 1 + max(n_current - x, 0), draws)
        before = rng.beta(1 + y, 1 + max(n_previous - y, 0), draws)
        ratio = now / before
        p_up = round(float((now > before).mean()), 4)  # the value shown decides the word
        low, mid, high = (float(v) for v in np.quantile(ratio, [0.025, 0.5, 0.975]))
        direction = ("rising" if p_up >= certainty else
                     "falling" if p_up <= 1 - certainty else "steady")
        trends.append(Trend(t, int(x), int(y), x / max(n_current, 1), y / max(n_previous, 1),
                            round(mid, 4), round(low, 4), round(high, 4), p_up,
                            direction))
    return tuple(trends)
