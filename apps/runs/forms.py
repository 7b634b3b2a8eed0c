"""The queue form, built from a method's config JSON schema (the pydantic model is its source)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from apps.catalog.models import Method


@dataclass
class FieldSpec:
    name: str
    kind: str  # "int" | "float" | "bool" | "choice" | "json" | "text"
    description: str
    value: Any
    choices: list[Any] = field(default_factory=list)
    minimum: Any = None
    maximum: Any = None
    error: str = ""

    @property
    def input_value(self) -> str:
        return json.dumps(self.value) if self.kind == "json" else ("" if self.value is None else str(self.value))


def _kind(prop: dict) -> str:
    if "enum" in prop:
        return "choice"
    return {"integer": "int", "number": "float", "boolean": "bool", "string": "text"}.get(prop.get("type"), "json")


@dataclass
class ConfigForm:
    method: Method
    preset: str
    fields: list[FieldSpec]
    seed: int = 0
    label: str = ""
    queue: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_method(cls, method: Method, preset: str = "smoke", values: dict | None = None) -> "ConfigForm":
        schema = method.config_schema
        preset_values = method.presets.get(preset, {}).get("values", {})
        specs = []
        for name, prop in schema.get("properties", {}).items():
            value = (values or {}).get(name, preset_values.get(name, prop.get("default")))
            specs.append(
                FieldSpec(
                    name=name,
                    kind=_kind(prop),
                    description=prop.get("description", ""),
                    value=value,
                    choices=prop.get("enum", []),
                    minimum=prop.get("minimum", prop.get("exclusiveMinimum")),
                    maximum=prop.get("maximum", prop.get("exclusiveMaximum")),
                )
            )
        return cls(method=method, preset=preset, fields=specs)

    @property
    def presets_json(self) -> str:
        return json.dumps({k: v.get("values", {}) for k, v in self.method.presets.items()})

    def with_errors(self, problems: dict[str, str]) -> "ConfigForm":
        self.errors = dict(problems)
        for spec in self.fields:
            spec.error = problems.get(spec.name, "")
        return self


def parse_config(method: Method, data) -> tuple[dict[str, Any], dict[str, str]]:
    """POST data -> (overrides, problems). Numbers stay strings: pydantic validates them."""
    overrides: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, prop in method.config_schema.get("properties", {}).items():
        kind = _kind(prop)
        if kind == "bool":
            overrides[name] = data.get(name) in ("on", "true", "1")
            continue
        raw = data.get(name)
        if raw is None or raw == "":
            continue
        if kind == "json":
            try:
                overrides[name] = json.loads(raw)
            except json.JSONDecodeError:
                problems[name] = "not valid JSON"
        else:
            overrides[name] = raw
    return overrides, problems
