"""The paper's accuracy claims are about Codex and GPT-3, which no run here can call; what a run
decides is the harness: programs written without a model, executed in the sandbox and graded
symbolically, against a trivial program source on the same problems; the grader checked on the
reference answers; and the sandbox's containment of hostile programs."""
from __future__ import annotations

import copy
import dataclasses
from typing import Any, Mapping

from ..base import Claim, Finding
from ..claimkit import Threshold, fewer, needs

NOT_HERE_CODEX = (
    "not decidable here: it is a property of OpenAI's Codex (code-davinci-002) and GPT-3 on the 265 mathQ "
    "questions, graded by people; the models are retired and no API or network is reachable from the lab (the "
    "sandbox refuses sockets), and the mathQ questions are not shipped. The lab runs the same harness (program "
    "synthesis, sandboxed execution, symbolic grading) with a model-free template synthesizer instead; its numbers "
    "say nothing about Codex"
)
ANY_MORE = Threshold(1.0, "ours", "the harness must tell a program source that reads the question from one that "
                     "does not; any margin counts")


def out_of_reach(id: str, statement: str) -> Claim:
    reason = NOT_HERE_CODEX[0].upper() + NOT_HERE_CODEX[1:] + "."
    return Claim(id=id, statement=statement, source="abstract", how_checked=reason,
                 check=lambda results: Finding.inconclusive(reason), weaken=lambda results: results,
                 decidable=lambda config: NOT_HERE_CODEX)


def attacks_contained(results: Mapping[str, Any]) -> Finding:
    attacks = results["attacks"]
    escaped = [name for name, a in attacks.items() if not a["contained"]]
    listing = "; ".join(f"{name}: {a['outcome']} ({a['detail'][:60]})" for name, a in attacks.items())
    return Finding.judge(
        not escaped,
        f"{len(attacks) - len(escaped)} of {len(attacks)} attacks contained"
        + (f", NOT contained: {', '.join(escaped)}" if escaped else "")
        + f"; network isolation: {results['isolation']}. {listing}.",
        contained=len(attacks) - len(escaped), attacks=len(attacks), escaped=escaped, isolation=results["isolation"],
    )


def _one_escapes(results: dict) -> dict:
    weakened = copy.deepcopy(results)
    first = next(iter(weakened["attacks"]))
    weakened["attacks"][first]["contained"] = False
    return weakened


def grader_sound(results: Mapping[str, Any]) -> Finding:
    g = results["grader"]
    holds = g["references_accepted"] == g["problems"] and g["perturbations_rejected"] == g["problems"]
    return Finding.judge(
        holds,
        f"the grader accepted {g['references_accepted']} of {g['problems']} reference answers and rejected "
        f"{g['perturbations_rejected']} of {g['problems']} perturbed ones (value + 1, or one extra element).",
        **g,
    )


def _grader_broken(results: dict) -> dict:
    weakened = copy.deepcopy(results)
    weakened["grader"]["perturbations_rejected"] = 0
    return weakened


CLAIMS = (
    out_of_reach("codex-solves-81-percent",
                 "Codex program synthesis with few-shot learning solves 81% of the university math questions "
                 "automatically, and lifts the MATH benchmark topics from 8.8% to 81.1%."),
    out_of_reach("gpt3-baselines",
                 "GPT-3 solves 18.8% of the course questions zero-shot and 30.8% few-shot with chain of thought."),
    dataclasses.replace(fewer(
        "synthesizer-beats-first-number",
        "Harness check: programs written by the model-free template synthesizer, run in the sandbox and graded "
        "symbolically, solve more of the shipped questions than the trivial source that prints the question's first "
        "number.",
        "harness (ours)", metric="solved", method="template synthesizer", baseline="first number",
        at_least=ANY_MORE, higher_is_better=True,
        how_checked="Decidable here. Each question's program from each source runs in the sandbox; its last printed "
        "line is compared with the reference answer by sympy inside the sandbox; the template synthesizer's count "
        f"of solved questions must exceed the first-number baseline's (threshold {ANY_MORE.describe()}).",
    ), kind="control"),
    Claim(
        id="grader-accepts-references", kind="control",
        statement="The symbolic grader accepts every reference answer and rejects a perturbed one.",
        source="harness (ours)",
        how_checked="Decidable here. Each non-antiderivative question's reference answer is graded against itself (must be correct) "
        "and a perturbed answer (value + 1, or one extra element) against it (must be wrong), inside the sandbox.",
        check=grader_sound, weaken=_grader_broken,
    ),
    Claim(
        id="verdicts-stable-across-passes", kind="control",
        statement="Every pass over the questions gives the same verdicts (sandbox limits do not turn into noise).",
        source="harness (ours)",
        how_checked="Decidable with two passes or more (the full preset): the questions whose solved/unsolved "
        "verdict, for either source, differs between passes must be none.",
        check=lambda r: Finding.judge(not r["unstable"], f"{len(r['unstable'])} question(s) changed verdict over "
                                      f"{r['passes']} passes" + (f": {', '.join(r['unstable'])}" if r["unstable"] else "")
                                      + ".", unstable=r["unstable"], passes=r["passes"]),
        weaken=lambda r: {**r, "unstable": ["1801-01"]},
        decidable=needs(lambda c: c.repeats >= 2, "one pass over the questions cannot show that verdicts repeat"),
    ),
    Claim(
        id="sandbox-contains-attacks", kind="control",
        statement="The sandbox contains hostile programs: infinite loop, sleep, fork bombs, a 64 GiB allocation, a "
        "write outside its directory, a read of /etc/passwd, a network connection, an output flood, a look for the "
        "lab's environment variables, a file moved out of its directory, ctypes and gc tampering.",
        source="harness (ours)",
        how_checked="Decidable here. Each attack runs in the sandbox with a 1 s CPU limit and a short wall-clock "
        "limit; it is contained when it is killed (loop, sleep) or refused with no effect (no file created, nothing "
        "read, no connection, at most 20,000 characters of output), or, for the environment, runs but sees none of "
        "the lab's variables. All must be contained.",
        check=attacks_contained, weaken=_one_escapes,
    ),
)
