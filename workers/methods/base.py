"""The method plug-in contract: what a method declares, and what its claims return.

A method module defines one ``METHOD = MethodSpec(...)``. Everything the lab shows about a
method (form, API schema, presets, claims, deviations) is read from that object, so it is
the single source of truth. Nothing here imports Django, Celery or ``apps/``.
"""
from __future__ import annotations

import enum
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

import annotated_types
from pydantic import BaseModel, ConfigDict, ValidationError

DeviceNeed = Literal["cpu", "gpu", "any"]
REQUIRED_PRESETS = ("smoke", "full")


class MethodConfig(BaseModel):
    """Base of every method's config: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Verdict(str, enum.Enum):
    REPRODUCED = "reproduced"
    NOT_REPRODUCED = "not_reproduced"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Finding:
    """What a claim's check concluded from one run's numbers."""

    verdict: Verdict
    summary: str
    numbers: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def judge(cls, holds: bool, summary: str, **numbers: Any) -> "Finding":
        verdict = Verdict.REPRODUCED if holds else Verdict.NOT_REPRODUCED
        return cls(verdict, summary, numbers)

    @classmethod
    def inconclusive(cls, summary: str, **numbers: Any) -> "Finding":
        return cls(Verdict.INCONCLUSIVE, summary, numbers)


@dataclass(frozen=True)
class Claim:
    """A headline claim of the paper and how one run's results decide it.

    ``check(results)`` reads the dict returned by ``run`` and returns a Finding.
    ``weaken(results)`` returns the results a method that fails this claim would give
    (e.g. the method's numbers replaced by the baseline's); the generic test suite
    asserts the check then says ``not_reproduced``, so a check that cannot fail is caught.
    """

    id: str
    statement: str
    source: str
    how_checked: str
    check: Callable[[Mapping[str, Any]], Finding]
    weaken: Callable[[dict], dict]
    decidable: Callable[[Any], str | None] | None = None
    """Given the run's config: None if this run can decide the claim, else the reason it
    cannot (e.g. a model too small to test a training claim); the verdict is then
    ``inconclusive`` with that reason, and the check is not called."""

    baseline_swap: Callable[[dict], dict] | None = None
    """For a comparative claim: the results with the named baseline's own numbers from the same
    run in the method's place. The generic suite requires the check then not to say
    ``reproduced`` (a claim a competitor also passes tells nothing)."""
    baseline: str | None = None
    """The name of the baseline a comparative claim is measured against."""
    kind: Literal["claim", "control"] = "claim"
    """``control`` marks a pipeline check (a reference agrees, a solver converges) that is not
    one of the paper's claims; controls are not counted toward a paper's reproduction."""

    def undecidable_reason(self, config: Any) -> str | None:
        return self.decidable(config) if (self.decidable is not None and config is not None) else None


@dataclass(frozen=True)
class Preset:
    values: Mapping[str, Any]
    device: DeviceNeed
    description: str


class ConfigError(ValueError):
    """A config that cannot be used; ``problems`` maps each offending field to the reason."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


def describe_validation_error(exc: ValidationError) -> dict[str, str]:
    """Flatten a pydantic error into {field: reason}, in words a user understands."""
    problems: dict[str, str] = {}
    for err in exc.errors():
        name = ".".join(str(p) for p in err["loc"]) or "config"
        reason = "unknown key (not a field of this method's config)" if err["type"] == "extra_forbidden" else err["msg"]
        problems[name] = reason
    return problems


@dataclass(frozen=True)
class MethodSpec:
    slug: str
    paper: int
    title: str
    summary: str
    config_model: type[MethodConfig]
    presets: Mapping[str, Preset]
    claims: tuple[Claim, ...]
    deviations: tuple[str, ...]
    run: Callable[[Any, Any], dict]
    device: DeviceNeed = "any"
    monitors: Mapping[str, Any] = field(default_factory=dict)
    """Series-name patterns -> ``trouble.Monitor``: decreasing series (errors, losses) watched
    for divergence and stagnation as well as NaN/inf (see workers/methods/trouble.py)."""
    expected_on_smoke: Mapping[str, Verdict] = field(default_factory=dict)
    """Claims whose honest smoke verdict is not ``reproduced`` (explained in deviations).
    The generic suite holds smoke runs to these verdicts, so a change is noticed either way."""

    def __post_init__(self) -> None:
        missing = [p for p in REQUIRED_PRESETS if p not in self.presets]
        if missing:
            raise TypeError(f"{self.slug}: presets {missing} are required")
        ids = [c.id for c in self.claims]
        if len(set(ids)) != len(ids) or not ids:
            raise TypeError(f"{self.slug}: claims need unique ids, at least one")
        unknown = set(self.expected_on_smoke) - set(ids)
        if unknown:
            raise TypeError(f"{self.slug}: expected_on_smoke names unknown claims {sorted(unknown)}")
        problems = config_schema_problems(self.config_model)
        if problems:
            raise TypeError(f"{self.slug}: config fields not declared fully: {problems}")

    def preset_device(self, preset: str | None) -> DeviceNeed:
        return self.presets[preset].device if preset else self.device

    def build_config(self, preset: str | None = "smoke", overrides: Mapping[str, Any] | None = None) -> MethodConfig:
        """The config for a preset with user overrides applied; ConfigError names each bad field."""
        values: dict[str, Any] = {}
        if preset is not None:
            if preset not in self.presets:
                raise ConfigError({"preset": f"unknown preset {preset!r}; known: {', '.join(self.presets)}"})
            values.update(self.presets[preset].values)
        values.update(overrides or {})
        try:
            return self.config_model(**values)
        except ValidationError as exc:
            raise ConfigError(describe_validation_error(exc)) from None


def _has_bounds(metadata: list[Any]) -> bool:
    lower = any(isinstance(m, (annotated_types.Ge, annotated_types.Gt)) for m in metadata)
    upper = any(isinstance(m, (annotated_types.Le, annotated_types.Lt)) for m in metadata)
    return lower and upper


def config_schema_problems(model: type[BaseModel]) -> list[str]:
    """Fields lacking a description, or numbers/strings/lists without bounds."""
    problems = []
    if model.model_config.get("extra") != "forbid":
        problems.append("config must forbid extra keys (subclass MethodConfig)")
    for name, info in model.model_fields.items():
        if not info.description:
            problems.append(f"{name}: no description")
        annotation = info.annotation
        origin = typing.get_origin(annotation)
        if annotation in (int, float) and not _has_bounds(info.metadata):
            problems.append(f"{name}: number without lower and upper bound")
        elif annotation is str and not any(isinstance(m, annotated_types.MaxLen) for m in info.metadata):
            problems.append(f"{name}: free string without max_length (use Literal or max_length)")
        elif origin in (list, tuple) and not any(isinstance(m, annotated_types.MaxLen) for m in info.metadata):
            problems.append(f"{name}: list without max_length")
    return problems
