"""Load the catalog data file and mirror the method registry into the database, idempotently."""
from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from workers.methods.registry import all_methods

from .models import Method, Paper
from .status import refresh_all

PAPERS_FILE = Path(__file__).resolve().parent / "data" / "papers.json"
PAPER_FIELDS = ("slug", "title", "abstract", "arxiv_id", "code_url", "topics")


def method_fields(method) -> dict:
    return {
        "title": method.title,
        "summary": method.summary,
        "device": method.device,
        "config_schema": method.config_model.model_json_schema(),
        "presets": {
            name: {"device": p.device, "description": p.description, "values": dict(p.values)}
            for name, p in method.presets.items()
        },
        "claims": [
            {"id": c.id, "statement": c.statement, "source": c.source, "how_checked": c.how_checked,
             "kind": getattr(c, "kind", "claim"), "baseline": getattr(c, "baseline", None)}
            for c in method.claims
        ],
        "deviations": list(method.deviations),
    }


@transaction.atomic
def sync_catalog() -> dict[str, int]:
    papers = json.loads(PAPERS_FILE.read_text())
    for entry in papers:
        Paper.objects.update_or_create(number=entry["number"], defaults={k: entry[k] for k in PAPER_FIELDS})
    by_number = {p.number: p for p in Paper.objects.all()}
    slugs = []
    for method in all_methods():
        slugs.append(method.slug)
        Method.objects.update_or_create(
            slug=method.slug,
            defaults={"paper": by_number[method.paper], "available": True, **method_fields(method)},
        )
    # A method that left the registry keeps its row (its runs still point at it) but can't be queued.
    retired = Method.objects.exclude(slug__in=slugs).update(available=False)
    refresh_all()
    return {"papers": len(papers), "methods": len(slugs), "retired_methods": retired}
