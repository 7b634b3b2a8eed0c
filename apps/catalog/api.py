"""Catalog endpoints: papers and methods (config JSON schema, presets, claims, deviations)."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router

from .history import claim_history
from .models import Method, Paper
from .schemas import MethodHistoryOut, MethodOut, PaperOut, ScoreboardOut
from .status import totals

router = Router(tags=["catalog"])


def paper_json(paper: Paper) -> dict:
    return {
        "number": paper.number, "slug": paper.slug, "title": paper.title, "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id, "code_url": paper.code_url, "topics": paper.topics, "status": paper.status,
        "claim_badges": paper.claim_badges,
        "methods": [m.slug for m in paper.methods.all() if m.available],
    }


def method_json(method: Method) -> dict:
    return {
        "slug": method.slug, "paper": method.paper.number, "title": method.title, "summary": method.summary,
        "device": method.device, "config_schema": method.config_schema, "presets": method.presets,
        "claims": method.claims, "deviations": method.deviations,
    }


@router.get("/papers", response=list[PaperOut], summary="All papers with their status")
def list_papers(request):
    return [paper_json(p) for p in Paper.objects.prefetch_related("methods")]


@router.get("/papers/{number}", response=PaperOut, summary="One paper")
def get_paper(request, number: int):
    paper = get_object_or_404(Paper.objects.prefetch_related("methods"), number=number)
    return paper_json(paper)


@router.get("/methods", response=list[MethodOut], summary="All runnable methods")
def list_methods(request):
    return [method_json(m) for m in Method.objects.filter(available=True).select_related("paper")]


@router.get("/methods/{slug}/claims/history", response=MethodHistoryOut,
            summary="Each claim's verdicts over time, by commit and device")
def get_claim_history(request, slug: str):
    method = get_object_or_404(Method, slug=slug)
    return {"method": slug, "claims": claim_history(method)}


@router.get("/scoreboard", response=ScoreboardOut, summary="Runnable papers, claims reproduced, and each paper's row")
def scoreboard(request):
    papers = list(Paper.objects.all())
    return {
        "totals": totals(papers),
        "papers": [{"number": p.number, "slug": p.slug, "title": p.title, "topics": p.topics, "status": p.status,
                    **p.scoreboard} for p in papers],
    }


@router.get("/methods/{slug}", response=MethodOut, summary="One method: config schema, presets, claims, deviations")
def get_method(request, slug: str):
    return method_json(get_object_or_404(Method.objects.select_related("paper"), slug=slug, available=True))
