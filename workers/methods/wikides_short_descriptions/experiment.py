"""One run: for each repeat and each split, Phase I beams and Phase II picks on the held-out
items, scored with ROUGE-1/2/L against the gold descriptions beside the baselines."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import numpy as np

from .corpus import (
    Split,
    held_out_with_training_topic,
    load_corpus,
    topic_exclusive_split,
    topic_independent_split,
    topics_also_in_training_items,
)
from .pipeline import DescriptionLM, FusionRanker, copula_extract, lead_sentence, oracle, phase1_beam, topic_label
from .rouge import rouge_all

SYSTEMS = ("phase1", "phase2", "oracle", "lead_sentence", "extractive", "topic_label")
METRICS = ("rouge1", "rouge2", "rougeL")
SPLITS = {"topic-independent": topic_independent_split, "topic-exclusive": topic_exclusive_split}


def outputs_for(split: Split, config) -> list[dict[str, Any]]:
    """Each held-out item's output from every system, with the Phase I beam."""
    lm = DescriptionLM([item.description for item in split.train], config.lm_smoothing)
    ranker = FusionRanker.fit([item.paragraph for item in split.train], config.fusion)
    rows = []
    for item in split.held_out:
        beam = phase1_beam(item, lm, config.beam_size, config.max_span_words, config.candidate_sentences)
        rows.append({
            "label": item.label, "gold": item.description, "beam": beam,
            "phase1": beam[0], "phase2": ranker.best(beam, item.paragraph), "oracle": oracle(beam, item.description),
            "lead_sentence": lead_sentence(item), "extractive": copula_extract(item, config.max_span_words),
            "topic_label": topic_label(item),
        })
    return rows


def score_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    scores: dict[str, dict[str, list[float]]] = {s: defaultdict(list) for s in SYSTEMS}
    for row in rows:
        for system in SYSTEMS:
            for metric, value in rouge_all(row["gold"], row[system]).items():
                scores[system][metric].append(value)
    return scores


def summarise(per_split: dict[str, dict[str, dict[str, list[float]]]]) -> dict[str, dict[str, dict]]:
    """Mean ROUGE F (in points, 0-100, as the paper reports) per split and system."""
    return {
        split: {system: {m: 100 * float(np.mean(v[m])) for m in METRICS} | {"items": len(v["rougeL"])}
                for system, v in systems.items()}
        for split, systems in per_split.items()
    }


def run(config, ctx) -> dict[str, Any]:
    items = load_corpus()
    pooled = {name: {s: defaultdict(list) for s in SYSTEMS} for name in SPLITS}
    leaks = {name: {"held_out_items_with_training_topic": 0, "held_out_topics_in_training_items": 0} for name in SPLITS}
    examples, step = {}, 0
    for repeat in range(config.repeats):
        for name, make_split in SPLITS.items():
            split = make_split(items, ctx.rng(f"split-{repeat}-{name}"), config.train_share)
            leaks[name]["held_out_items_with_training_topic"] += held_out_with_training_topic(split)
            leaks[name]["held_out_topics_in_training_items"] += len(topics_also_in_training_items(split))
            rows = outputs_for(split, config)
            examples.setdefault(name, rows[:4])
            for system, metrics in score_rows(rows).items():
                for metric, values in metrics.items():
                    pooled[name][system][metric].extend(values)
            step += 1
            ctx.log_point(step, {f"{name} {s}": 100 * float(np.mean(pooled[name][s]["rougeL"]))
                                 for s in ("phase1", "phase2", "oracle")}, panel="ROUGE-L F (running mean)", unit="points")
        ctx.progress((repeat + 1) / config.repeats, f"repeat {repeat + 1} of {config.repeats}")
    splits = summarise(pooled)
    ctx.save_artifact("predictions.json", json.dumps(examples, indent=1))
    return {
        "splits": splits,
        "topic_overlap": leaks,
        "corpus": {"items": len(items), "topics": len({t for i in items for t in i.topics})},
        "repeats": config.repeats,
    }
