"""The explicit list of methods: slug -> module. Modules are imported on first use so that
listing the catalog does not import every method's dependencies."""
from __future__ import annotations

import importlib

from .base import Method

REGISTRY: dict[str, str] = {

}


class UnknownMethod(KeyError):
    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(slug)

    def __str__(self) -> str:
        return f"unknown method {self.slug!r}; known methods: {', '.join(sorted(REGISTRY))}"


def get_method(slug: str) -> Method:
    if slug not in REGISTRY:
        raise UnknownMethod(slug)
    method = importlib.import_module(REGISTRY[slug]).METHOD
    if method.slug != slug:
        raise RuntimeError(f"registry entry {slug!r} points to a module declaring {method.slug!r}")
    return method


def all_methods() -> list[Method]:
    return [get_method(slug) for slug in REGISTRY]
