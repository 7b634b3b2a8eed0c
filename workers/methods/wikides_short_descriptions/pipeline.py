"""Phase I (generate K candidates) and Phase II (rank them) with a generator that needs no model.

Phase I, ours: every span of up to ``max_span`` words of the paragraph's first sentences is a
candidate; a bigram language model of the *training* descriptions (interpolated with add-one
unigrams) scores each span by its mean log-probability per transition, ``<s>`` and ``</s>``
included, and its K best form the beam. Its first candidate is the Phase I output, as the top
beam of WikiDes' BART/T5.

Phase II, as WikiDes' ``post_eval.py``/``model.py`` (whose ranker is trained with learning rate
0, i.e. is the fixed fusion score): each candidate is scored against the source paragraph by
the harmonic mean of an embedding cosine similarity (TF-IDF here, BERT's [CLS] there) and
ROUGE-1 F; the argmax is the output. ``fusion`` picks either part alone, as their
``use_sim``/``use_rouge`` switches do.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .corpus import Item
from .rouge import rouge_l, rouge_n, tokenize

Fusion = Literal["harmonic", "rouge_only", "similarity_only"]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_EDGE_PUNCT = "\"'()[],.;:!?"
_COPULA = re.compile(r"\b(?:is|was|are|were)\s+(?:(?:a|an|the)\s+)?", re.IGNORECASE)
_CLAUSE_WORDS = {"who", "which", "that", "whose", "where", "and", "with"}


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph.strip()) if s]


def words(text: str) -> list[str]:
    return [w.strip(_EDGE_PUNCT) for w in text.split() if w.strip(_EDGE_PUNCT)]


def candidate_spans(paragraph: str, max_span: int, first_sentences: int) -> list[str]:
    """All distinct word spans of length 1..max_span within each of the first sentences."""
    seen, spans = set(), []
    for sentence in sentences(paragraph)[:first_sentences]:
        w = words(sentence)
        for i in range(len(w)):
            for j in range(i + 1, min(i + max_span, len(w)) + 1):
                text = " ".join(w[i:j])
                key = " ".join(tokenize(text))
                if key and key not in seen:
                    seen.add(key)
                    spans.append(text)
    return spans


class DescriptionLM:
    """Bigram model of training descriptions: P(w|v) = (c(v,w) + k P1(w)) / (c(v) + k)."""

    def __init__(self, descriptions: list[str], smoothing: float):
        self.k = smoothing
        self.bigrams: Counter = Counter()
        self.contexts: Counter = Counter()
        unigrams: Counter = Counter()
        for text in descriptions:
            seq = ["<s>", *tokenize(text), "</s>"]
            unigrams.update(seq[1:])
            self.contexts.update(seq[:-1])
            self.bigrams.update(zip(seq[:-1], seq[1:]))
        self.unigrams = unigrams
        self.total = sum(unigrams.values())
        self.vocabulary = len(unigrams) + 1  # + unknown

    def unigram(self, word: str) -> float:
        return (self.unigrams[word] + 1) / (self.total + self.vocabulary)

    def mean_logprob(self, text: str) -> float:
        seq = ["<s>", *tokenize(text), "</s>"]
        logs = [
            math.log((self.bigrams[(v, w)] + self.k * self.unigram(w)) / (self.contexts[v] + self.k))
            for v, w in zip(seq[:-1], seq[1:])
        ]
        return sum(logs) / len(logs)


def phase1_beam(item: Item, lm: DescriptionLM, beam: int, max_span: int, first_sentences: int) -> list[str]:
    spans = candidate_spans(item.paragraph, max_span, first_sentences)
    return sorted(spans, key=lambda s: -lm.mean_logprob(s))[:beam]


@dataclass
class FusionRanker:
    """Reference-free score of a candidate against its source paragraph (WikiDes Phase II)."""

    vectorizer: TfidfVectorizer
    fusion: Fusion = "harmonic"

    @classmethod
    def fit(cls, paragraphs: list[str], fusion: Fusion) -> "FusionRanker":
        vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None)
        vectorizer.fit(paragraphs)
        return cls(vectorizer, fusion)

    def similarity(self, candidates: list[str], paragraph: str) -> np.ndarray:
        matrix = self.vectorizer.transform([paragraph, *candidates])  # rows are L2-normalised
        return (matrix[1:] @ matrix[0].T).toarray().ravel()

    def scores(self, candidates: list[str], paragraph: str) -> np.ndarray:
        sim = self.similarity(candidates, paragraph)
        rouge = np.array([rouge_n(paragraph, c, 1).fmeasure for c in candidates])
        if self.fusion == "rouge_only":
            return rouge
        if self.fusion == "similarity_only":
            return sim
        total = sim + rouge
        return np.divide(2 * sim * rouge, total, out=np.zeros_like(total), where=total > 0)

    def best(self, candidates: list[str], paragraph: str) -> str:
        return candidates[int(np.argmax(self.scores(candidates, paragraph)))]


def lead_sentence(item: Item) -> str:
    return sentences(item.paragraph)[0]


def copula_extract(item: Item, max_span: int) -> str:
    """Rule-based extractive baseline: the words after the first 'is a'/'was an'/... up to the
    first comma or relative clause (the whole first sentence when there is no copula)."""
    first = lead_sentence(item)
    match = _COPULA.search(first)
    if match is None:
        return first
    taken = []
    for raw in first[match.end():].split():
        word = raw.strip(_EDGE_PUNCT)
        if word.lower() in _CLAUSE_WORDS or not word:
            break
        taken.append(word)
        if raw.endswith((",", ";", ".")) or len(taken) >= max_span:
            break
    return " ".join(taken) or first


def topic_label(item: Item) -> str:
    """The paper's trivial baseline: the Wikidata 'instance of' label as the description."""
    return item.topics[0]


def oracle(candidates: list[str], gold: str) -> str:
    """The beam's best candidate by ROUGE-L against the gold: the ceiling of any ranker."""
    return max(candidates, key=lambda c: rouge_l(gold, c).fmeasure)
