"""Program synthesis for university math questions: the harness, run without a model.

Paper: I. Drori et al., "A neural network solves, explains, and generates university math
problems by program synthesis and few-shot learning at human level", PNAS 119(32), 2022,
arXiv:2112.15594.

The paper turns each question into a program (Codex), runs it and grades the answer. Here the
program source is a model-free template synthesizer (``synthesizer.py``) beside a trivial source;
programs run in a sandbox (``sandbox.py``/``zygote.py``: a separate process per program with
CPU, memory, file-size and process limits, no network, no file access outside its temporary
directory, a wall-clock kill) and are graded symbolically by sympy (``grading.py``) inside the
same sandbox. The Codex and GPT-3 accuracy claims are out of reach offline and say so.
"""
from __future__ import annotations

from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run


class MathProgramSynthesisConfig(MethodConfig):
    problem_limit: int = Field(35, ge=1, le=35, description="How many of the 35 shipped questions to run (in file order).")
    repeats: int = Field(1, ge=1, le=50, description="Passes over the questions (the sandbox's verdicts must not depend on load).")
    cpu_seconds: int = Field(2, ge=1, le=60, description="CPU-time limit of each program (RLIMIT_CPU).")
    wall_seconds: float = Field(5.0, ge=0.5, le=120.0, description="Wall-clock limit of each program; the sandbox kills its process group then.")
    memory_mb: int = Field(512, ge=64, le=16_384, description="Address space each program may add to the sandbox's (RLIMIT_AS), MiB.")
    attack_wall_seconds: float = Field(2.0, ge=0.5, le=30.0, description="Wall-clock limit of each attack program (its CPU limit is 1 s).")


PRESETS = {
    "smoke": Preset(
        {},
        "cpu",
        "All 35 shipped questions through both program sources, each program and each grading in the sandbox, plus "
        "the 13 attacks; 10-20 s on one core.",
    ),
    "full": Preset(
        {"repeats": 5, "cpu_seconds": 10, "wall_seconds": 20.0, "memory_mb": 2048},
        "any",
        "Five passes over the 35 questions with generous limits (10 s CPU, 2 GiB): the same verdicts must come back "
        "on every pass. CPU-only work; no preset can decide the Codex claims.",
    ),
}

DEVIATIONS = (
    "No language model: Codex (code-davinci-002) and GPT-3 are retired and no network is reachable, so the paper's "
    "accuracy claims (81%, MATH 8.8% -> 81.1%, GPT-3 18.8% / 30.8%) are not decidable here and stay inconclusive "
    "with that reason. The program source is a model-free template synthesizer (14 templates over sympy calls: "
    "derivative, definite integral, antiderivative, limit, Taylor polynomial, series sum, eigenvalues, determinant, "
    "equation, linear system, initial value problem, binomial count, and two enumerations); it writes no program "
    "for a question no template matches. The baseline source prints the question's first number.",
    "Not the mathQ questions: 35 university-style questions written for the lab after MIT 18.01, 18.03, 18.05, "
    "18.06 and 6.042, with formulas in Python/sympy syntax as in the paper's rewritten Codex inputs and sympy "
    "reference answers (data/problems.json); 30 fit a template, 5 are word problems that do not. The mathQ data "
    "(MIT licence) could be shipped later and replayed through the same harness.",
    "Grading is automatic and symbolic (sympy simplification of the difference, then three random points; multisets "
    "for eigenvalues and roots; d/dx of the answer for antiderivatives) where the paper's grading was by people; "
    "the grader parses the untrusted output inside the sandbox.",
    "Few-shot retrieval of solved examples, explanations and question generation are not reproduced (they need the "
    "language model).",
    "Sandbox, decided policy: each program runs in a child forked from a zygote process (separate interpreter, "
    "sympy preloaded) in its own session, with RLIMIT_CPU, RLIMIT_AS, RLIMIT_FSIZE, RLIMIT_NPROC=0 and no core "
    "dumps, a fresh network namespace when the kernel allows it, and a Python audit hook that refuses sockets, "
    "process creation (os.fork/system/exec/spawn, subprocess), ctypes, gc introspection, writes outside its "
    "temporary directory, and reads outside that directory and the Python installation (so /etc/passwd is "
    "refused, not just harmless). A wall-clock limit kills its process group. RLIMIT_NPROC does not bind root: "
    "as root, process creation is stopped by the audit hook alone. Programs that import numpy are refused "
    "(numpy needs ctypes); the templates use sympy only. The zygote starts with a clean environment (none of the "
    "lab's variables), a program's output is read back up to 20,000 characters, and its directory is deleted after "
    "the job. An audit hook is a Python-level guard: the OS-level limits and namespaces are the backstop, and "
    "workers should run as a non-root user so that RLIMIT_NPROC binds too.",
)

METHOD = MethodSpec(
    slug="math-program-synthesis",
    paper=42,
    title="University math by program synthesis: the harness (sandboxed execution, symbolic grading), no model",
    summary=(
        "Questions become programs (a model-free template synthesizer standing where the paper has Codex), programs "
        "run in a sandbox with CPU, memory, process, file and network limits, and answers are graded symbolically "
        "with sympy; a trivial program source and an attack suite check the harness."
    ),
    config_model=MathProgramSynthesisConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="cpu",
)
