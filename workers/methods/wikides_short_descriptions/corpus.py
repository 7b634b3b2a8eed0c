"""The shipped corpus and WikiDes' two ways of splitting it.

- *topic-independent* (WikiDes' "random"): a shuffled 8:1:1 split, so test topics also occur
  in training;
- *topic-exclusive* (WikiDes' "diff", ``split_data.py``): topics (Wikidata P31 labels) are
  taken by decreasing frequency until the items carrying them reach the training share; an
  item with any training topic trains, every other item is held out (halved into validation
  and test), so no held-out item shares a topic with training.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CORPUS_FILE = Path(__file__).parent / "data" / "corpus.json"


@dataclass(frozen=True)
class Item:
    label: str
    topics: tuple[str, ...]
    paragraph: str
    description: str


@dataclass(frozen=True)
class Split:
    name: str
    train: tuple[Item, ...]
    validation: tuple[Item, ...]
    test: tuple[Item, ...]
    topics: frozenset[str]
    """The training topics the split was made by (topic-independent: every topic seen in training)."""

    @property
    def held_out(self) -> tuple[Item, ...]:
        return self.validation + self.test


def load_corpus(path: Path = CORPUS_FILE) -> list[Item]:
    raw = json.loads(path.read_text())["items"]
    return [Item(r["label"], tuple(r["topics"]), r["paragraph"], r["description"]) for r in raw]


def _halve(items: list[Item]) -> tuple[tuple[Item, ...], tuple[Item, ...]]:
    half = len(items) // 2
    return tuple(items[:half]), tuple(items[half:])


def topic_independent_split(items: list[Item], rng: np.random.Generator, train_share: float = 0.8) -> Split:
    order = [items[i] for i in rng.permutation(len(items))]
    n_train = int(round(train_share * len(items)))
    validation, test = _halve(order[n_train:])
    train = tuple(order[:n_train])
    return Split("topic-independent", train, validation, test, frozenset(t for item in train for t in item.topics))


def training_topics(items: list[Item], rng: np.random.Generator, train_share: float = 0.8) -> list[str]:
    """Most frequent topics first (ties in a seeded order) until their items reach the share."""
    counts = Counter(t for item in items for t in item.topics)
    names = sorted(counts)
    tie_order = {name: rank for rank, name in enumerate(rng.permutation(names))}
    ranked = sorted(names, key=lambda t: (-counts[t], tie_order[t]))
    chosen, covered, target = [], 0, train_share * len(items)
    for topic in ranked:
        if covered >= target:
            break
        chosen.append(topic)
        covered += counts[topic]
    return chosen


def topic_exclusive_split(items: list[Item], rng: np.random.Generator, train_share: float = 0.8) -> Split:
    topics = set(training_topics(items, rng, train_share))
    train = [item for item in items if topics.intersection(item.topics)]
    held = [item for item in items if not topics.intersection(item.topics)]
    held = [held[i] for i in rng.permutation(len(held))]
    validation, test = _halve(held)
    return Split("topic-exclusive", tuple(train), validation, test, frozenset(topics))


def held_out_with_training_topic(split: Split) -> int:
    """Held-out items carrying a topic the split trained on (0 for a topic-exclusive split)."""
    return sum(1 for item in split.held_out if split.topics.intersection(item.topics))


def topics_also_in_training_items(split: Split) -> set[str]:
    """Held-out topics that some training item carries, e.g. as its second 'instance of' label:
    WikiDes' rule (an item trains if any of its topics is a training topic) allows this."""
    seen = {t for item in split.train for t in item.topics}
    return {t for item in split.held_out for t in item.topics} & seen
