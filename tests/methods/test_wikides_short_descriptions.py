"""WikiDes pipeline: ROUGE against rouge-score's published examples (and its ROUGE-1.5.5 ground
truths), LCS against brute force, the split rules, the LM's normalisation, the fusion score."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from workers.methods.wikides_short_descriptions.corpus import (
    Item,
    held_out_with_training_topic,
    load_corpus,
    topic_exclusive_split,
    topic_independent_split,
    training_topics,
)
from workers.methods.wikides_short_descriptions.pipeline import DescriptionLM, FusionRanker, copula_extract
from workers.methods.wikides_short_descriptions.rouge import lcs_length, rouge_l, rouge_n, tokenize

# rouge/testdata/{target,prediction}.txt of google-research/rouge (Apache-2.0): random strings
# whose scores rouge_scorer_test.py checks against manual runs of the Perl ROUGE-1.5.5.
TARGETS = [
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr "
    "q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer "
    "HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion "
    "gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN",
]
PREDICTIONS = [
    "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed "
    "nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD",
]
ROUGE_155 = {  # (recall, precision, F) per example
    1: [(0.40741, 0.68750, 0.51163), (0.40476, 0.65385, 0.50000)],
    2: [(0.30769, 0.53333, 0.39024), (0.29268, 0.48000, 0.36364)],
    "L": [(0.40741, 0.68750, 0.51163), (0.40476, 0.65385, 0.50000)],
}


def test_it_matches_rouge_scores_small_published_examples():
    assert rouge_n("testing one two", "testing", 1) == pytest.approx((1, 1 / 3, 1 / 2))
    assert rouge_n("testing one two", "testing one", 2) == pytest.approx((1, 1 / 2, 2 / 3))
    assert rouge_l("testing one two", "testing one") == pytest.approx((1, 2 / 3, 4 / 5))
    assert rouge_l("testing one two", "testing two") == pytest.approx((1, 2 / 3, 4 / 5))
    assert rouge_n("testing one two", "testing one", 1) == pytest.approx((1, 2 / 3, 4 / 5))
    for score in (rouge_n("testing one two", "", 1), rouge_n("testing one two", "", 2), rouge_l("testing one two", "")):
        assert score == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("kind", [1, 2, "L"])
@pytest.mark.parametrize("example", [0, 1])
def test_it_matches_the_perl_rouge_155_ground_truths(kind, example):
    target, prediction = TARGETS[example], PREDICTIONS[example]
    score = rouge_l(target, prediction) if kind == "L" else rouge_n(target, prediction, kind)
    recall, precision, f = ROUGE_155[kind][example]
    assert score.recall == pytest.approx(recall, abs=5e-6)
    assert score.precision == pytest.approx(precision, abs=5e-6)
    assert score.fmeasure == pytest.approx(f, abs=5e-6)


def brute_force_lcs(a, b):
    for length in range(min(len(a), len(b)), 0, -1):
        subsequences = set(itertools.combinations(b, length))
        if any(sub in subsequences for sub in itertools.combinations(a, length)):
            return length
    return 0


def test_lcs_agrees_with_brute_force_on_random_sequences():
    rng = np.random.default_rng(0)
    for _ in range(60):
        a = list(rng.choice(list("abcd"), size=rng.integers(0, 8)))
        b = list(rng.choice(list("abcd"), size=rng.integers(0, 8)))
        assert lcs_length(a, b) == brute_force_lcs(a, b)


def test_it_agrees_with_rouge_score_when_installed():
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"])
    for item in load_corpus()[:10]:
        ref = scorer.score(item.description, item.paragraph)
        assert tuple(ref["rouge2"]) == pytest.approx(tuple(rouge_n(item.description, item.paragraph, 2)))
        assert tuple(ref["rougeL"]) == pytest.approx(tuple(rouge_l(item.description, item.paragraph)))


def test_the_topic_exclusive_split_follows_the_official_greedy_rule():
    items = [Item(f"i{k}", topics, "p.", "d") for k, topics in enumerate(
        [("a",)] * 5 + [("b",)] * 3 + [("c", "a")] + [("c",)] + [("d",)] * 2)]
    # counts a:6 b:3 c:2 d:2; 80% of 12 = 9.6: a (6) then b (9) then one of c/d (11) -> stop
    chosen = training_topics(items, np.random.default_rng(0), 0.8)
    assert chosen[:2] == ["a", "b"] and len(chosen) == 3 and chosen[2] in ("c", "d")
    split = topic_exclusive_split(items, np.random.default_rng(0), 0.8)
    assert held_out_with_training_topic(split) == 0
    assert ("c", "a") in [i.topics for i in split.train]  # any training topic is enough to train


def test_both_splits_cover_the_corpus_once():
    items = load_corpus()
    for make in (topic_independent_split, topic_exclusive_split):
        split = make(items, np.random.default_rng(3), 0.8)
        labels = [i.label for i in split.train + split.held_out]
        assert sorted(labels) == sorted(i.label for i in items)
        assert abs(len(split.validation) - len(split.test)) <= 1


def test_the_description_model_is_a_distribution_in_each_context():
    lm = DescriptionLM(["village in Poland", "English footballer", "village in Bavaria, Germany"], smoothing=0.5)
    vocabulary = list(lm.unigrams) + ["<unknown>"]
    for context in ("<s>", "village", "in", "never-seen"):
        total = sum((lm.bigrams[(context, w)] + lm.k * lm.unigram(w)) / (lm.contexts[context] + lm.k) for w in vocabulary)
        assert total == pytest.approx(1.0, abs=1e-12)


def test_the_fusion_score_is_the_harmonic_mean_of_cosine_and_rouge1():
    from sklearn.metrics.pairwise import cosine_similarity

    paragraphs = [i.paragraph for i in load_corpus()]
    ranker = FusionRanker.fit(paragraphs, "harmonic")
    paragraph, candidates = paragraphs[0], ["Norwegian professional footballer", "central midfielder", "zzz"]
    matrix = ranker.vectorizer.transform([paragraph, *candidates])
    cosine = cosine_similarity(matrix[1:], matrix[0]).ravel()
    r1 = np.array([rouge_n(paragraph, c, 1).fmeasure for c in candidates])
    expected = np.where(cosine + r1 > 0, 2 * cosine * r1 / np.maximum(cosine + r1, 1e-300), 0.0)
    assert ranker.scores(candidates, paragraph) == pytest.approx(expected, abs=1e-12)
    assert ranker.best(candidates, paragraph) == candidates[int(np.argmax(expected))]


def test_the_extractive_baseline_takes_the_words_after_the_copula():
    item = Item("x", ("t",), "Kelbrook Parva is a small village and civil parish in Craven. It lies on a river.", "d")
    assert copula_extract(item, 8) == "small village"
    assert tokenize("Village in Podlaskie, Poland!") == ["village", "in", "podlaskie", "poland"]
