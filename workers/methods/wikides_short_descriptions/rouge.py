"""ROUGE-N and ROUGE-L (Lin, 2004) as computed by Google's ``rouge-score`` (no stemming), the
scorer behind the ``datasets`` 'rouge' metric that WikiDes' ``metrics.py`` calls.

Tokens: the text lower-cased, every run of characters outside [a-z0-9] replaced by one space,
split on whitespace. ROUGE-N counts clipped n-gram matches; ROUGE-L uses the longest common
subsequence. Precision divides by the prediction's n-grams (tokens for L), recall by the
target's, F is their harmonic mean; an empty side scores 0.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class Score(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


def tokenize(text: str) -> list[str]:
    return _NON_ALNUM.sub(" ", text.lower()).split()


def _score(matches: int, predicted: int, target: int) -> Score:
    precision = matches / predicted if predicted else 0.0
    recall = matches / target if target else 0.0
    f = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return Score(precision, recall, f)


def ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(target: str, prediction: str, n: int) -> Score:
    """ROUGE-N of ``prediction`` against ``target`` (argument order as rouge-score's ``score``)."""
    if n < 1:
        raise ValueError("ROUGE-N needs n >= 1")
    t, p = ngrams(tokenize(target), n), ngrams(tokenize(prediction), n)
    matches = sum(min(count, p[gram]) for gram, count in t.items())
    return _score(matches, sum(p.values()), sum(t.values()))


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, by the row-by-row dynamic programme."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(target: str, prediction: str) -> Score:
    t, p = tokenize(target), tokenize(prediction)
    return _score(lcs_length(t, p), len(p), len(t))


def rouge_all(target: str, prediction: str) -> dict[str, float]:
    """F-measures of ROUGE-1, ROUGE-2 and ROUGE-L, the three WikiDes reports."""
    return {
        "rouge1": rouge_n(target, prediction, 1).fmeasure,
        "rouge2": rouge_n(target, prediction, 2).fmeasure,
        "rougeL": rouge_l(target, prediction).fmeasure,
    }
