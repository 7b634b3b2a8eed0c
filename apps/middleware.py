"""Refuse NUL characters in the path, query or form fields with a 400: PostgreSQL text cannot
hold them, so they would otherwise surface as server errors deep in a view."""
from __future__ import annotations

from django.http import HttpResponseBadRequest

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def contains_nul(value) -> bool:
    """True if a decoded JSON value holds a NUL anywhere (the API checks request bodies with it)."""
    stack = [value]  # no recursion: JSON may nest as deep as the parser allows
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (
            request.method == "POST" and request.content_type in FORM_TYPES and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest("NUL characters are not allowed in requests.", content_type="text/plain")
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())
