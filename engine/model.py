"""The table's facts as typed, immutable objects.

The store keeps each fact's validated YAML mapping; these classes are how the rest of the engine
reads them, so a typo in a field name fails here and not in a user's answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from engine import vocab

T = TypeVar("T", bound="Fact")


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Fact:
    """Fields every fact has: where it comes from and when a person last checked it."""

    sources: tuple[str, ...] = ()
    last_reviewed: dt.date | None = None
    confidence: str = "high"
    as_of: str | None = None
    note: str | None = None

    @property
    def weak(self) -> bool:
        return self.confidence == "low"

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any], **extra: Any) -> T:
        """Build from a validated YAML mapping, ignoring nothing silently: unknown keys raise."""
        values: dict[str, Any] = {**data, **extra}
        names = {f.name: f for f in dataclasses.fields(cls)}
        unknown = set(values) - set(names)
        if unknown:
            raise TypeError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
        for name, spec in names.items():
            if name not in values:
                continue
            value = values[name]
            if name == "last_reviewed" and isinstance(value, str):
                values[name] = dt.date.fromisoformat(value)
            elif name == "as_of" and value is not None:
                values[name] = str(value)
            elif "tuple" in str(spec.type) and not isinstance(value, tuple):
                values[name] = _tuple(value)
        return cls(**values)


@dataclass(frozen=True)
class Institution(Fact):
    id: str = ""
    country: str = ""
    name: str = ""
    kind: str = ""
    roles: tuple[str, ...] = ()
    description: str | None = None
    phone: str | None = None
    sms: str | None = None
    whatsapp: str | None = None
    url: str | None = None
    email: str | None = None
    app: str | None = None
    languages: tuple[str, ...] = ()
    hours: str | None = None
    located_in: str | None = None

    @property
    def where(self) -> str:
        """The country the office is in (an embassy is abroad)."""
        return self.located_in or self.country


@dataclass(frozen=True)
class Convention(Fact):
    country: str = ""
    convention: str = ""
    status: str = "unknown"
    year: int | None = None
    branches: tuple[str, ...] = ()
    scope: str | None = None
    territory: str | None = None

    @property
    def ratified(self) -> bool:
        return self.status == "ratified"


@dataclass(frozen=True)
class Registration:
    steps: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    where: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Registration | None:
        if not data:
            return None
        return cls(
            steps=_tuple(data.get("steps")),
            documents=_tuple(data.get("documents")),
            where=data.get("where"),
        )


def _matches(values: tuple[str, ...], value: str | None) -> bool:
    return values == (vocab.ANY,) or (value is not None and value in values)


def _audience(fact: Rule | Leaving, status: str | None, sector: str | None) -> bool:
    """Whether a fact written for some statuses and sectors applies to this person."""
    if not _matches(fact.statuses, status):
        return False
    if sector is not None and sector in fact.except_sectors:
        return False
    return fact.sectors == (vocab.ANY,) or _matches(fact.sectors, sector)


@dataclass(frozen=True)
class Rule(Fact):
    """What one branch gives some statuses (and sectors) in a destination country."""

    country: str = ""
    branch: str = ""
    position: int = 0
    statuses: tuple[str, ...] = (vocab.ANY,)
    sectors: tuple[str, ...] = (vocab.ANY,)
    except_sectors: tuple[str, ...] = ()
    coverage: str = "unknown"
    summary: str = ""
    scheme: str | None = None
    institution: str | None = None
    conditions: tuple[str, ...] = ()
    qualifying_period: str | None = None
    who_pays: str | None = None
    register: Registration | None = None
    complain: tuple[str, ...] = ()
    legal_basis: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any], **extra: Any) -> Rule:  # type: ignore[override]
        data = dict(data)
        register = Registration.from_dict(data.pop("register", None))
        return super().from_dict(data, register=register, **extra)

    def applies_to(self, status: str | None, sector: str | None) -> bool:
        return _audience(self, status, sector)

    @property
    def specificity(self) -> int:
        """Status-specific rules beat sector-specific ones, which beat `any`."""
        return (2 if self.statuses != (vocab.ANY,) else 0) + (
            1 if self.sectors != (vocab.ANY,) else 0
        )


@dataclass(frozen=True)
class Leaving(Fact):
    """What happens to contributions and entitlements when a person leaves a country."""

    country: str = ""
    position: int = 0
    statuses: tuple[str, ...] = (vocab.ANY,)
    sectors: tuple[str, ...] = (vocab.ANY,)
    except_sectors: tuple[str, ...] = ()
    summary: str = ""
    steps: tuple[str, ...] = ()
    institution: str | None = None
    legal_basis: tuple[str, ...] = ()

    def applies_to(self, status: str | None, sector: str | None) -> bool:
        return _audience(self, status, sector)


@dataclass(frozen=True)
class Scheme(Fact):
    """A welfare fund or scheme of an origin country for its nationals abroad."""

    id: str = ""
    country: str = ""
    name: str = ""
    kind: str = ""
    membership: str = ""
    institution: str | None = None
    statuses: tuple[str, ...] = (vocab.ANY,)
    branches: tuple[str, ...] = ()
    summary: str = ""
    benefits: tuple[str, ...] = ()
    how_to_join: tuple[str, ...] = ()
    contribution: str | None = None

    def open_to(self, status: str | None) -> bool:
        return _matches(self.statuses, status)


@dataclass(frozen=True)
class Agreement(Fact):
    id: str = ""
    kind: str = ""
    parties: tuple[str, ...] = ()
    title: str = ""
    signed: str | None = None
    in_force: str | None = None
    social_security: str = "unknown"
    branches: tuple[str, ...] = ()
    statuses: tuple[str, ...] = (vocab.ANY,)
    export_of_benefits: str = "unknown"
    totalization: str = "unknown"
    summary: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], **extra: Any) -> Agreement:  # type: ignore[override]
        data = dict(data)
        for key in ("signed", "in_force"):
            if data.get(key) is not None:
                data[key] = str(data[key])
        return super().from_dict(data, **extra)

    def covers(self, branch: str, status: str | None) -> bool:
        """A clause on this branch for this status, in an SSA or in a labour agreement."""
        return branch in self.branches and _matches(self.statuses, status)


@dataclass(frozen=True)
class TableVersion:
    """One compiled table: answers carry its hash so staff can trace what was said."""

    id: int
    content_hash: str
    compiled_at: dt.datetime
    files: tuple[str, ...] = field(default_factory=tuple)
    # Files added, edited or removed since the version before (all files for the first one).
    changed: tuple[str, ...] = field(default_factory=tuple)
