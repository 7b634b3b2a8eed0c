"""Browse pages: the catalog of 42 papers and each paper's page."""
from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from apps.runs.access import visible_runs_listed
from apps.runs.forms import ConfigForm

from .models import Paper, PaperStatus


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
    topics = sorted({t for topics in Paper.objects.values_list("topics", flat=True) for t in topics}, key=str.lower)
    context = {
        "papers": rows,
        "total": Paper.objects.count(),
        "query": query,
        "topic": topic,
        "status": status,
        "topics": topics,
        "statuses": PaperStatus.choices,
    }
    return render(request, "catalog/index.html", context)


def paper_detail(request, number: int):
    paper = get_object_or_404(Paper, number=number)
    methods = list(paper.methods.filter(available=True))
    for method in methods:  # each claim with its best seed group's k of N (see apps.catalog.status)
        for claim in method.claims:
            claim["badge"] = paper.claim_badges.get(f"{method.slug}/{claim['id']}")
    forms = {m.slug: ConfigForm.for_method(m) for m in methods}
    runs = visible_runs_listed(request.user).filter(method__paper=paper)[:50]
    status = PaperStatus(paper.status)
    return render(
        request,
        "catalog/paper.html",
        {"paper": paper, "methods": [(m, forms[m.slug]) for m in methods], "runs": runs, "status": status},
    )
