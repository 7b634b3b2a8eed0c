"""Refuse NUL characters in the path, query or form fields with a 400: PostgreSQL text cannot
hold them, so they would otherwise surface as server errors deep in a view."""
from __future__ import annotations

from django.http import HttpResponseBadRequest


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (
            request.method == "POST" and request.content_type == "application/x-www-form-urlencoded"
            and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest("NUL characters are not allowed in requests.", content_type="text/plain")
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())
