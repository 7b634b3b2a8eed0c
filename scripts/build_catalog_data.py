"""Rebuild apps/catalog/data/papers.json from the seed list and the reproduction notes.

    python scripts/build_catalog_data.py ../shared

The JSON is committed; this script only documents where each field came from. Topics are
assigned by hand below (one line per paper) from the abstracts.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TOPICS = {
    1: ["in-context learning", "transformers", "second-order methods"],
    2: ["constrained optimization", "second-order methods", "randomized linear algebra"],
    3: ["NLP", "datasets"],
    4: ["coordinate descent", "convex optimization"],
    5: ["linear solvers", "learned solvers"],
    6: ["optimal transport", "second-order methods"],
    7: ["neural operators", "physics simulation"],
    8: ["neural ODEs", "regularization"],
    9: ["neural ODEs", "regularization"],
    10: ["second-order methods", "convex optimization"],
    11: ["learning rates", "random matrix theory", "deep learning"],
    12: ["PINNs", "ODEs"],
    13: ["convex optimization", "neural network training"],
    14: ["function approximation", "evolutionary search"],
    15: ["PINNs", "equation discovery"],
    16: ["control", "embedded ML"],
    17: ["neural operators"],
    18: ["neural PDE solvers", "neural operators"],
    19: ["linear solvers", "online learning", "bandits"],
    20: ["neural operators", "symbolic regression", "transformers"],
    21: ["PDEs", "approximation theory"],
    22: ["PINNs", "constrained optimization"],
    23: ["neural PDE solvers"],
    24: ["neural operators", "multiscale"],
    25: ["neural PDE solvers", "online learning"],
    26: ["robustness", "Lipschitz bounds"],
    27: ["explainability"],
    28: ["PINNs", "neural PDE solvers"],
    29: ["neural ODEs", "neural CDEs/SDEs"],
    30: ["neural operators", "multigrid"],
    31: ["second-order methods", "deep learning optimizers"],
    32: ["PINNs", "optimal transport", "adaptive sampling"],
    33: ["neural PDE solvers", "mesh adaptation"],
    34: ["control", "reinforcement learning", "quadrature"],
    35: ["biologically plausible learning"],
    36: ["algorithmic reasoning", "graph neural networks"],
    37: ["number theory", "continued fractions"],
    38: ["monotone inclusions", "variance reduction", "minimax optimization"],
    39: ["reinforcement learning", "policy gradient"],
    40: ["physics simulation", "constitutive laws"],
    41: ["SGD", "implicit regularization"],
    42: ["program synthesis", "math reasoning", "LLMs"],
}


def seed_entries(text: str) -> list[tuple[str, str]]:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    start = next(i for i, b in enumerate(blocks) if b.startswith("Transformers Learn Higher-Order"))
    body = blocks[start:]
    return [(body[i], body[i + 1]) for i in range(0, len(body) - 1, 2)]


def note_sections(notes_dir: Path) -> dict[int, str]:
    sections: dict[int, str] = {}
    for path in sorted(notes_dir.glob("notes-*.md")):
        parts = re.split(r"^## (\d+)\. ", path.read_text(), flags=re.M)
        for number, body in zip(parts[1::2], parts[2::2]):
            sections[int(number)] = body
    return sections


def slugs_from_tables(notes_dir: Path) -> dict[int, str]:
    slugs = {}
    for path in notes_dir.glob("notes-*.md"):
        for number, slug in re.findall(r"^\|\s*(\d+)\s*\|\s*`?([a-z0-9-]+)`?\s*\|", path.read_text(), flags=re.M):
            slugs[int(number)] = slug
    return slugs


def main(shared: Path) -> None:
    entries = seed_entries((shared / "seeds" / "daily-papers.txt").read_text())
    assert len(entries) == 42, len(entries)
    sections = note_sections(shared / "papers")
    slugs = slugs_from_tables(shared / "papers")
    papers = []
    for number, (title, abstract) in enumerate(entries, start=1):
        body = sections.get(number, "")
        slug = re.search(r"slug `([a-z0-9-]+)`", body.split("\n", 1)[0])
        arxiv = re.search(r"arXiv (\d{4}\.\d{4,5})", body)
        repo = re.search(r"(?:[Rr]epo|Code:)[^`\n]{0,40}`([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)`", body)
        papers.append(
            {
                "number": number,
                "slug": slug.group(1) if slug else slugs[number],
                "title": title,
                "abstract": abstract,
                "arxiv_id": arxiv.group(1) if arxiv else "",
                "code_url": f"https://github.com/{repo.group(1)}" if repo else "",
                "topics": TOPICS[number],
            }
        )
    out = Path(__file__).resolve().parent.parent / "apps" / "catalog" / "data" / "papers.json"
    out.write_text(json.dumps(papers, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(papers)} papers to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
