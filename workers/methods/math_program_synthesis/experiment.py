"""One run: every shipped problem through both program sources, each program executed in the
sandbox and graded there; the grader checked on the reference answers; the attack suite."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .attacks import run_attacks
from .sandbox import Limits, Sandbox
from .synthesizer import first_number_program, template_program

PROBLEMS_FILE = Path(__file__).parent / "data" / "problems.json"
SOURCES = {"template synthesizer": template_program, "first number": first_number_program}


def load_problems(limit: int | None = None) -> list[dict[str, Any]]:
    problems = json.loads(PROBLEMS_FILE.read_text())["problems"]
    return problems[:limit] if limit else problems


def attempt(sandbox: Sandbox, problem: dict, source) -> dict[str, Any]:
    code, how = source(problem["question"])
    if code is None:
        return {"program": None, "how": how, "outcome": "no program", "correct": False, "seconds": 0.0}
    execution = sandbox.run(code)
    verdict = sandbox.grade(execution.stdout, problem["answer"], problem["kind"]) if execution.ok else \
        {"correct": False, "reason": f"{execution.outcome}: {execution.detail}"}
    return {"program": code, "how": how, "outcome": execution.outcome, "stdout": execution.stdout[-300:],
            "correct": bool(verdict["correct"]), "reason": verdict["reason"], "seconds": execution.seconds}


def perturbed(answer: str, kind: str) -> str:
    """A wrong answer of the same shape: one more element, or the value plus one."""
    if kind in ("set", "tuple"):
        return answer[:-1] + ", 12345" + answer[-1]
    return f"({answer}) + 1"


def check_grader(sandbox: Sandbox, problems: list[dict]) -> dict[str, int]:
    """The grader must accept each reference answer and reject a perturbed one (antiderivative
    questions, whose reference is the integrand, are left out)."""
    judged = [p for p in problems if not p["kind"].startswith("antiderivative")]
    accepted = sum(sandbox.grade(p["answer"], p["answer"], p["kind"])["correct"] for p in judged)
    rejected = sum(not sandbox.grade(perturbed(p["answer"], p["kind"]), p["answer"], p["kind"])["correct"] for p in judged)
    return {"problems": len(judged), "references_accepted": accepted, "perturbations_rejected": rejected}


def run(config, ctx) -> dict[str, Any]:
    problems = load_problems(config.problem_limit)
    limits = Limits(config.cpu_seconds, config.wall_seconds, config.memory_mb)
    solved = {name: 0 for name in SOURCES}
    table = []
    with Sandbox(limits) as sandbox:
        for repeat in range(config.repeats):
            for index, problem in enumerate(problems):
                row = {"id": problem["id"], "course": problem["course"], "repeat": repeat}
                for name, source in SOURCES.items():
                    row[name] = attempt(sandbox, problem, source)
                    solved[name] += row[name]["correct"]
                table.append(row)
                step = repeat * len(problems) + index + 1
                ctx.log_point(step, {f"{n} solved": solved[n] for n in SOURCES}, panel="problems solved (cumulative)")
                ctx.log_point(step, {f"{n} program seconds": row[n]["seconds"] for n in SOURCES}, panel="time", unit="s")
        grader = check_grader(sandbox, problems)
        isolation = sandbox.run("print(1)\n").isolation
        attacks = run_attacks(sandbox, Limits(1, config.attack_wall_seconds, config.memory_mb))
    ctx.save_artifact("attempts.json", json.dumps(table, indent=1))
    attempts = len(problems) * config.repeats
    outcomes = {
        name: {"solved": solved[name], "problems": attempts, "accuracy": solved[name] / attempts,
               "programs_written": sum(row[name]["program"] is not None for row in table)}
        for name in SOURCES
    }
    verdicts: dict[str, set] = {}
    for row in table:
        verdicts.setdefault(row["id"], set()).add(tuple(row[n]["correct"] for n in SOURCES))
    return {"outcomes": outcomes, "grader": grader, "attacks": attacks, "isolation": isolation,
            "passes": config.repeats, "unstable": sorted(pid for pid, seen in verdicts.items() if len(seen) > 1),
            "unsolved": sorted({row["id"] for row in table if not row["template synthesizer"]["correct"]})}

