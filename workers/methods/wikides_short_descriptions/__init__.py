"""WikiDes: short descriptions of Wikipedia articles by generating and then ranking candidates.

Paper: H. T. Ta, A. B. S. Rahman, L. Najjar, A. Gelbukh, "WikiDes: A Wikipedia-based dataset for
generating short descriptions from paragraphs", Information Fusion 2022, arXiv:2209.13101.

Phase I generates K candidate descriptions of an article's first paragraph (BART/T5 beams in the
paper); Phase II picks one by a reference-free score of candidate against paragraph (the fusion
of embedding similarity and ROUGE-1, ``pipeline.FusionRanker``). Outputs are scored by ROUGE-1/2/L
F against the gold description (``rouge.py``), on a topic-independent and a topic-exclusive split
(``corpus.py``). Here the protocol runs on a shipped corpus with a model-free generator; the
paper's own numbers are out of reach offline and their claims say so.
"""
from __future__ import annotations

from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset, Verdict
from .claims import CLAIMS
from .experiment import run
from .pipeline import Fusion


class WikiDesConfig(MethodConfig):
    repeats: int = Field(20, ge=1, le=2_000, description="Independent draws of both splits; scores are pooled over the held-out items of all draws.")
    train_share: float = Field(0.8, ge=0.5, le=0.95, description="Share of items in training (WikiDes: 8:1:1, i.e. 0.8); the rest is halved into validation and test.")
    beam_size: int = Field(8, ge=1, le=64, description="K: Phase I candidates per item handed to the Phase II ranker.")
    max_span_words: int = Field(8, ge=1, le=32, description="Longest candidate span, in words (WikiDes descriptions: at most 32 tokens).")
    candidate_sentences: int = Field(1, ge=1, le=5, description="Candidates are spans of the paragraph's first this-many sentences.")
    lm_smoothing: float = Field(1.0, ge=1e-3, le=100.0, description="k of the bigram model: weight of the unigram back-off in P(w|v) = (c(v,w) + k P1(w)) / (c(v) + k).")
    fusion: Fusion = Field("harmonic", description="Phase II score: harmonic mean of similarity and ROUGE-1 (the paper's), or either alone.")


PRESETS = {
    "smoke": Preset(
        {"repeats": 20},
        "cpu",
        "The 48-item shipped corpus, 20 draws of each split (about 10 held-out items each), beam of 8 spans of up "
        "to 8 words from the first sentence; a few seconds on one core.",
    ),
    "full": Preset(
        {"repeats": 400, "beam_size": 16, "candidate_sentences": 2},
        "any",
        "400 draws of each split, a beam of 16 spans drawn from the first two sentences: the same protocol with a "
        "wider beam and many more splits (CPU-bound text processing, about a minute; no GPU work).",
    ),
}

DEVIATIONS = (
    "Not WikiDes: the corpus is 48 (paragraph, short description, topics) triples written for this lab in the "
    "style of Wikipedia lead paragraphs and Wikidata descriptions, about fictional entities, across 13 topics "
    "(shipped in data/corpus.json). The WikiDes corpus (80k pairs over 6,987 topics) cannot be fetched offline, so "
    "the paper's ROUGE numbers and its human evaluation are not decidable here and stay inconclusive with that "
    "reason.",
    "Phase I is not a fine-tuned BART/T5: candidates are word spans of the paragraph (extractive), ordered by a "
    "smoothed bigram model of the training split's descriptions (mean log-probability per token, end token "
    "included); the top span stands for the top beam. No pretrained weights are available offline.",
    "Phase II follows the official code, whose ranker is 'trained' with learning rate 0 (post_eval.py), i.e. is "
    "the fixed fusion score 2·sim·R1/(sim + R1) of candidate against source paragraph; TF-IDF cosine (fitted on "
    "the training paragraphs) stands in for BERT [CLS] cosine similarity.",
    "ROUGE is our implementation of rouge-score's ROUGE-1/2/L without stemming (the default of the 'rouge' metric "
    "that the official metrics.py loads), tested against rouge-score's published examples including its "
    "ROUGE-1.5.5 ground truths; scores are F-measures in points (0-100).",
    "Splits follow split_data.py: topic-independent = shuffled 8:1:1; topic-exclusive = most frequent topics "
    "(Wikidata 'instance of') until they cover 80% of the items, items with any such topic train, the rest is "
    "halved into validation and test. With 48 items the held-out part is about 10 items, so each run pools many "
    "draws (repeats) and evaluates on validation and test together (nothing is tuned on validation).",
    "Smoke verdict, honest: ranking helps on the topic-exclusive split and hurts on the topic-independent one, so "
    "the proxy claim 'rerank-beats-top-beam' is not reproduced (the paper claims both splits). Seed 0, 20 draws "
    "(about 200 held-out items per split): topic-independent ROUGE-L Phase I 49.2 vs Phase II 40.0, topic-exclusive "
    "12.7 vs 28.7 (beam oracle 64.7 and 40.1). The fusion score compares candidates with the paragraph, not with "
    "the description, and favours longer spans: it rescues a generator that is outside its training topics and "
    "overrides one that is inside them. The rule-based extractive baseline (words after 'is a' up to the first "
    "clause, 55.3 / 54.4) beats both phases on this corpus. The full preset (400 draws, beam 16 over two "
    "sentences) gives the same verdict: topic-independent 50.0 vs 39.6, topic-exclusive 12.6 vs 28.5.",
    "The topic-exclusive held-out part is nearly the same ~10 items in every draw (the rule is deterministic but "
    "for ties between equally frequent topics), so its pooled numbers weigh those items many times; the "
    "topic-independent draws do vary.",
    "WikiDes' topic-exclusive rule puts an item in training when any of its topics is a training topic, so a "
    "held-out topic can still occur as the second topic of a training item (11 such topics over the 20 smoke "
    "draws); the control checks the rule as written and reports this.",
)

METHOD = MethodSpec(
    slug="wikides-short-descriptions",
    paper=3,
    title="WikiDes: generating short descriptions from paragraphs (Phase I generate, Phase II rank)",
    summary=(
        "The WikiDes evaluation protocol run offline: Phase I candidate descriptions from a model-free n-gram "
        "generator, Phase II ranking by the paper's similarity/ROUGE fusion score, ROUGE-1/2/L on topic-independent "
        "and topic-exclusive splits of a shipped corpus, beside lead-sentence, extractive and topic-label baselines."
    ),
    config_model=WikiDesConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="cpu",
    expected_on_smoke={"rerank-beats-top-beam": Verdict.NOT_REPRODUCED},
)
