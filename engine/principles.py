"""What ILO instruments imply for one person, derived from which countries ratified what.

Principles add reasons and cautions to a finding; they never raise its coverage level on their own:
an international obligation says what a person should get, the national table says what the
scheme actually gives. Citations come from the ILO documents in the project's seeds
(GB.344/POL/1, 2022; ILO Strategy 2024).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from engine.model import Convention

REVIEWED = dt.date(2026, 11, 22)


@dataclass(frozen=True)
class Citation:
    sources: tuple[str, ...]
    as_of: str
    confidence: str = "high"


CITATIONS: dict[str, Citation] = {
    "C19": Citation(("ILO GB.344/POL/1 (2022), paras 11(e), 12; C19 Art. 1",), "2022-02-16"),
    "C97": Citation(("ILO GB.344/POL/1 (2022), para 11(f); ILO Strategy 2024, Annex 1",), "2022"),
    "C102": Citation(("ILO GB.344/POL/1 (2022), paras 8, 11(a); C102 Art. 68",), "2022-02-16"),
    "C118": Citation(("ILO GB.344/POL/1 (2022), paras 11(c)-(d), 12",), "2022-02-16"),
    "C143": Citation(
        ("ILO GB.344/POL/1 (2022), para 8 fn 8, para 11(f); C143 Art. 9(1)",), "2022-02-16"
    ),
    "C157": Citation(("ILO GB.344/POL/1 (2022), paras 11(c)-(d), 12",), "2022-02-16"),
    "C189": Citation(("ILO C189 Art. 14; ILO Strategy 2024, Annex 1",), "2024"),
    "R202": Citation(("ILO GB.344/POL/1 (2022), para 11(b); R202 para 6",), "2022-02-16"),
}

# Who counts as lawfully resident for the equality clauses (C97 Art. 6, C102 Art. 68).
RESIDENT_STATUSES = frozenset({"migrant_worker", "family_member", "refugee"})


@dataclass(frozen=True)
class Derived:
    """A principle that applies to one branch: `effect` is reason (a right) or caution."""

    code: str
    instrument: str
    effect: str
    params: tuple[tuple[str, str], ...] = ()


def _ratified(table: dict[str, Convention], code: str) -> bool:
    convention = table.get(code)
    return bool(convention and convention.ratified and not convention.weak)


def _accepts(table: dict[str, Convention], code: str, branch: str) -> bool | None:
    """True/False when the accepted branches are known, None when they are not."""
    convention = table.get(code)
    if not convention or not convention.branches:
        return None
    return branch in convention.branches


def derive(
    branch: str,
    status: str | None,
    sector: str | None,
    origin: dict[str, Convention],
    destination: dict[str, Convention],
) -> Iterator[Derived]:
    """Every principle that bears on `branch` for this person, in the order to show them.

    A right from a convention the destination applies to only part of its territory (Malaysia's
    C97 covers Sabah only) becomes a caution naming that part: we do not know where the person
    works.
    """
    for derived in _derive(branch, status, sector, origin, destination):
        convention = destination.get(derived.instrument)
        if derived.effect == "reason" and convention is not None and convention.territory:
            yield Derived(
                "partial_territory",
                derived.instrument,
                "caution",
                (("territory", convention.territory), ("instrument", derived.instrument)),
            )
        else:
            yield derived


def _derive(
    branch: str,
    status: str | None,
    sector: str | None,
    origin: dict[str, Convention],
    destination: dict[str, Convention],
) -> Iterator[Derived]:
    if branch == "employment_injury":
        if _ratified(destination, "C19") and _ratified(origin, "C19"):
            yield Derived("c19_equal_treatment", "C19", "reason")
        elif _ratified(destination, "C19"):
            yield Derived("c19_unconfirmed", "C19", "caution")
    if status == "undocumented" and _ratified(destination, "C143"):
        yield Derived("c143_past_employment", "C143", "reason")
    if status in RESIDENT_STATUSES:
        if _ratified(destination, "C97"):
            yield Derived("c97_equal_treatment", "C97", "reason")
        if _ratified(destination, "C102") and _accepts(destination, "C102", branch):
            yield Derived("c102_equal_treatment", "C102", "reason")
    for code in ("C118", "C157"):
        if _ratified(destination, code) and _ratified(origin, code):
            accepted = [_accepts(destination, code, branch), _accepts(origin, code, branch)]
            if all(accepted):
                yield Derived(f"{code.lower()}_equal_treatment", code, "reason")
            elif None in accepted and False not in accepted:
                yield Derived(f"{code.lower()}_branches_unknown", code, "caution")
    if sector == "domestic_work" and _ratified(destination, "C189"):
        yield Derived("c189_domestic_workers", "C189", "reason")
    if status == "family_member" and branch in ("health_care", "family"):
        yield Derived("r202_children", "R202", "caution")
    if (
        status == "undocumented"
        and branch == "employment_injury"
        and not _ratified(destination, "C143")
    ):
        yield Derived("undocumented_past_employment", "C143", "caution")
