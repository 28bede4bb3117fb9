"""`resolve(profile)`: what applies to one person, branch by branch, with reasons and sources.

The destination's national rules set each branch's level; agreements, ILO conventions and the
origin country's schemes add reasons beside it. Where the table has no rule the level is
`unknown` (never a guess), and a weak fact reads `uncertain`, never "covered".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine import principles, vocab
from engine.model import Agreement, Fact, Institution, Leaving, Rule, Scheme, TableVersion
from engine.store import Store


@dataclass(frozen=True)
class Profile:
    """The minimum the engine needs; nothing here identifies a person."""

    status: str | None = None
    sector: str | None = None
    origin: str | None = None
    destination: str | None = None

    def missing(self) -> list[str]:
        return [
            name
            for name in ("status", "sector", "origin", "destination")
            if not getattr(self, name)
        ]


@dataclass(frozen=True)
class Reason:
    """Why a finding says what it says.

    `kind` is national_law, agreement, ilo_convention, origin_scheme or principle; `code` names
    the catalog message that explains it; `text` is table text (translated through the tables
    catalog) where the reason comes from the table.
    """

    kind: str
    code: str
    ref: str
    text: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    sources: tuple[str, ...] = ()
    last_reviewed: dt.date | None = None
    confidence: str = "high"


@dataclass(frozen=True)
class SourceRef:
    text: str
    last_reviewed: dt.date | None


@dataclass
class Finding:
    branch: str
    level: str
    rule: Rule | None = None
    reasons: list[Reason] = field(default_factory=list)
    cautions: list[Reason] = field(default_factory=list)
    schemes: list[Scheme] = field(default_factory=list)
    register_at: Institution | None = None
    complain_at: list[Institution] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.level != "unknown"

    @property
    def sources(self) -> list[SourceRef]:
        """Every source behind this finding, each with its review date, without repeats."""
        facts: list[Fact | Reason] = [
            *([self.rule] if self.rule else []),
            *self.reasons,
            *self.schemes,
        ]
        return _unique_sources(facts)

    @property
    def last_reviewed(self) -> dt.date | None:
        """The oldest review date behind the finding: the answer is only as fresh as that."""
        dates = [s.last_reviewed for s in self.sources if s.last_reviewed]
        return min(dates) if dates else None


@dataclass
class Resolution:
    profile: Profile
    findings: dict[str, Finding]
    complain: list[Institution]
    help: list[Institution]
    emergency: list[Institution]
    leaving: list[Leaving]
    agreements: list[Agreement]
    schemes: list[Scheme]
    version: TableVersion
    destination_known: bool
    origin_known: bool

    def levels(self) -> dict[str, int]:
        counts = {level: 0 for level in (*vocab.COVERAGE_LEVELS, vocab.UNCERTAIN)}
        for finding in self.findings.values():
            counts[finding.level] += 1
        return counts


def _unique_sources(facts: Iterable[Any]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for fact in facts:
        for source in fact.sources:
            if source not in seen:
                seen[source] = SourceRef(source, fact.last_reviewed)
    return list(seen.values())


def _level(rule: Rule | None) -> str:
    if rule is None:
        return "unknown"
    if rule.weak and rule.coverage != "unknown":
        return vocab.UNCERTAIN
    return rule.coverage


def _with_role(items: Iterable[Institution], role: str) -> list[Institution]:
    return [i for i in items if role in i.roles]


def resolve(store: Store, profile: Profile) -> Resolution:
    """Everything the table says for this person, branch by branch.

    Every lookup goes to one in-memory snapshot of the live version (no SQL on this path), so
    the answer is consistent with the version it carries even if an edit goes live meanwhile.
    """
    table = store.snapshot()
    version = table.version
    status, sector = profile.status, profile.sector
    destination, origin = profile.destination, profile.origin
    rules = table.rules_for(destination, status, sector) if destination and status else {}
    destination_conventions = table.conventions_of(destination) if destination else {}
    origin_conventions = table.conventions_of(origin) if origin else {}
    agreements = table.agreements_between(origin, destination) if origin and destination else []
    schemes = [s for s in table.schemes_of(origin) if s.open_to(status)] if origin else []
    # Offices a person can reach: in the destination, or the origin's own (at home or there).
    institutions = table.institutions_near(destination, origin)
    by_id = {i.id: i for i in institutions}
    complain = _with_role(institutions, "complain")

    findings: dict[str, Finding] = {}
    for branch in vocab.BRANCHES:
        rule = rules.get(branch)
        finding = Finding(branch=branch, level=_level(rule), rule=rule)
        if rule is not None:
            bases = rule.legal_basis or ((rule.scheme,) if rule.scheme else ())
            for basis in bases:
                finding.reasons.append(
                    _fact_reason("national_law", "national_law", basis, basis, rule)
                )
            if rule.weak:
                finding.cautions.append(_fact_reason("principle", "low_confidence", "", None, rule))
            where = (rule.register.where if rule.register else None) or rule.institution
            finding.register_at = by_id.get(where) if where else None
            finding.complain_at = [by_id[i] for i in rule.complain if i in by_id] or complain
        else:
            finding.complain_at = complain
        for agreement in agreements:
            if agreement.covers(branch, status):
                finding.reasons.append(
                    _fact_reason(
                        "agreement",
                        "agreement",
                        agreement.id,
                        agreement.summary,
                        agreement,
                        title=agreement.title,
                        export=agreement.export_of_benefits,
                        totalization=agreement.totalization,
                    )
                )
        for derived in principles.derive(
            branch, status, sector, origin_conventions, destination_conventions
        ):
            citation = principles.CITATIONS[derived.instrument]
            reason = Reason(
                kind="ilo_convention" if derived.effect == "reason" else "principle",
                code=derived.code,
                ref=derived.instrument,
                params=(
                    ("origin", origin or ""),
                    ("destination", destination or ""),
                    *derived.params,
                ),
                sources=citation.sources,
                last_reviewed=principles.REVIEWED,
                confidence=citation.confidence,
            )
            (finding.reasons if derived.effect == "reason" else finding.cautions).append(reason)
        finding.schemes = [s for s in schemes if branch in s.branches]
        for scheme in finding.schemes:
            finding.reasons.append(
                _fact_reason(
                    "origin_scheme",
                    "origin_scheme",
                    scheme.id,
                    scheme.summary,
                    scheme,
                    name=scheme.name,
                )
            )
        findings[branch] = finding

    return Resolution(
        profile=profile,
        findings=findings,
        complain=complain,
        help=_with_role(institutions, "help"),
        emergency=_with_role(institutions, "emergency"),
        leaving=[f for f in table.leaving_from(destination) if f.applies_to(status, sector)]
        if destination
        else [],
        agreements=agreements,
        schemes=schemes,
        version=version,
        destination_known=bool(destination and table.has_country(destination)),
        origin_known=bool(origin and table.has_country(origin)),
    )


def _fact_reason(
    kind: str, code: str, ref: str, text: str | None, fact: Fact, **params: str
) -> Reason:
    return Reason(
        kind=kind,
        code=code,
        ref=ref,
        text=text,
        params=tuple(sorted(params.items())),
        sources=fact.sources,
        last_reviewed=fact.last_reviewed,
        confidence=fact.confidence,
    )
