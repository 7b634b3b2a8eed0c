"""Browse pages: the catalog of 42 papers and each paper's page."""
from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from apps.runs.access import visible_runs_listed
from apps.runs.forms import ConfigForm

from .history import claim_history
from .models import Paper, PaperStatus
from .status import totals


def catalog(request):
    query = request.GET.get("q", "").strip()[:200]
    topic = request.GET.get("topic", "").strip()[:80]
    status = request.GET.get("status", "").strip()[:20]
    papers = Paper.objects.prefetch_related("methods")
    for word in query.split():
        papers = papers.filter(Q(title__icontains=word) | Q(abstract__icontains=word))
    if status:
        papers = papers.filter(status=status)
    rows = [p for p in papers if not topic or topic in p.topics]
    view = "table" if request.GET.get("view") == "table" else "cards"
    sort = request.GET.get("sort", "number")
    if view == "table":
        rows = sort_rows(rows, sort)
    topics = sorted({t for topics in Paper.objects.values_list("topics", flat=True) for t in topics}, key=str.lower)
    context = {
        "papers": rows,
        "total": Paper.objects.count(),
        "query": query,
        "topic": topic,
        "status": status,
        "topics": topics,
        "statuses": PaperStatus.choices,
        "view": view,
        "columns": [("number", "#"), ("title", "paper"), ("topic", "topic"), ("status", "status"),
                    ("reproduced", "reproduced"), ("not_reproduced", "not reproduced"),
                    ("inconclusive", "inconclusive"), ("last_run", "last run"), ("device", "device")],
        "sort": sort,
        "totals": totals(Paper.objects.all()),
    }
    return render(request, "catalog/index.html", context)


SORT_KEYS = {
    "number": lambda p: p.number,
    "title": lambda p: p.title.lower(),
    "topic": lambda p: (p.topics or [""])[0].lower(),
    "status": lambda p: STATUS_ORDER.index(p.status),
    "reproduced": lambda p: p.scoreboard.get("reproduced", 0),
    "not_reproduced": lambda p: p.scoreboard.get("not_reproduced", 0),
    "inconclusive": lambda p: p.scoreboard.get("inconclusive", 0),
    "last_run": lambda p: (p.scoreboard.get("last_run") or {}).get("finished_at") or "",
    "device": lambda p: (p.scoreboard.get("last_run") or {}).get("device") or "",
}
STATUS_ORDER = [value for value, _ in PaperStatus.choices]


def sort_rows(rows: list[Paper], sort: str) -> list[Paper]:
    """Rows sorted by a column; "-column" sorts descending; an unknown column sorts by number."""
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["number"])
    return sorted(rows, key=key, reverse=sort.startswith("-"))


def paper_detail(request, number: int):
    paper = get_object_or_404(Paper, number=number)
    methods = list(paper.methods.filter(available=True))
    for method in methods:  # each claim with its best seed group's k of N and its history
        history = claim_history(method)
        for claim in method.claims:
            claim["badge"] = paper.claim_badges.get(f"{method.slug}/{claim['id']}")
            claim["history"] = history.get(claim["id"])
            claim["history_id"] = f"history-{method.slug}-{claim['id']}"
    forms = {m.slug: ConfigForm.for_method(m) for m in methods}
    runs = visible_runs_listed(request.user).filter(method__paper=paper)[:50]
    status = PaperStatus(paper.status)
    return render(
        request,
        "catalog/paper.html",
        {"paper": paper, "methods": [(m, forms[m.slug]) for m in methods], "runs": runs, "status": status},
    )
