"""One table version held in memory, indexed for the lookups `resolve()` makes.

Why: a resolution used to run about ten SQL queries (≈3.6 ms); the table changes a few times a
day at most, while every answer reads it. `engine.store.Store` builds a `Snapshot` once per
table version from the database rows and serves every read from it, so a lookup is a few dict
accesses whatever the size of the table. Every answer of one resolution comes from one
snapshot, hence from one version.

A snapshot is never modified after it is built; the fact objects in it are frozen dataclasses
and every method returns a new list or dict, so callers may keep or change what they get.
Plain Python: no SQL here (the store reads the rows), no Rasa.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine import vocab
from engine.model import (
    Agreement,
    Convention,
    Institution,
    Leaving,
    Rule,
    Scheme,
    TableVersion,
)

ANY_SECTOR = "*"  # the rule index's sector for a rule written for every sector


@dataclass(frozen=True)
class IndexedRule:
    """One row of the rule index joined with its rule: what the best-rule choice sorts on."""

    country: str
    status: str
    sector: str
    specificity: int
    position: int
    branch: str
    rule: Rule


Row = Mapping[str, Any]


class Snapshot:
    """Read-only, indexed copy of one compiled table version."""

    def __init__(
        self,
        version: TableVersion,
        countries: Iterable[Row],
        institutions: Iterable[Row],
        conventions: Iterable[Row],
        rules: Iterable[IndexedRule],
        leaving: Iterable[Row],
        schemes: Iterable[Row],
        agreements: Iterable[Row],
    ) -> None:
        self.version = version
        self._index_countries(countries)
        self._index_institutions(institutions)
        self._conventions: dict[str, dict[str, Convention]] = defaultdict(dict)
        for row in sorted(conventions, key=lambda r: (r["country"], r["convention"])):
            self._conventions[row["country"]][row["convention"]] = Convention.from_dict(
                row["data"], country=row["country"]
            )
        self._index_rules(rules)
        self._leaving: dict[str, list[Leaving]] = defaultdict(list)
        for row in sorted(leaving, key=lambda r: r["id"]):
            found = self._leaving[row["country"]]
            found.append(
                Leaving.from_dict(row["data"], country=row["country"], position=len(found))
            )
        self._schemes: dict[str, list[Scheme]] = defaultdict(list)
        for row in schemes:  # in the order the store returns them: the order of the file
            self._schemes[row["country"]].append(
                Scheme.from_dict(row["data"], country=row["country"])
            )
        self._index_agreements(agreements)

    # --- building -------------------------------------------------------------------------
    def _index_countries(self, rows: Iterable[Row]) -> None:
        ordered = sorted(rows, key=lambda r: r["code"])
        self._codes = tuple(r["code"] for r in ordered)
        self._code_set = frozenset(self._codes)
        self._destinations = tuple(r["code"] for r in ordered if r["is_destination"])
        self._origins = tuple(r["code"] for r in ordered if r["is_origin"])

    def _index_institutions(self, rows: Iterable[Row]) -> None:
        ordered = sorted(rows, key=lambda r: (r["country"], r["id"]))
        self._institution: dict[str, Institution] = {}
        self._by_country: dict[str, list[Institution]] = defaultdict(list)
        self._by_location: dict[str, list[Institution]] = defaultdict(list)
        # (country it belongs to, country it is in): an embassy of NP in QA is under (NP, QA).
        self._by_place: dict[tuple[str, str], list[Institution]] = defaultdict(list)
        for row in ordered:
            item = Institution.from_dict(row["data"], country=row["country"])
            self._institution[item.id] = item
            self._by_country[row["country"]].append(item)
            self._by_location[row["located_in"]].append(item)
            self._by_place[(item.country, item.where)].append(item)

    def _index_rules(self, rows: Iterable[IndexedRule]) -> None:
        """Precompute the best rule per branch for every (country, status, sector) asked for.

        Same choice as the SQL it replaces: rows for the person's sector and for "any sector",
        the most specific first, then the rule written first in the file.
        """
        grouped: dict[tuple[str, str], list[IndexedRule]] = defaultdict(list)
        for row in rows:
            grouped[(row.country, row.status)].append(row)
        self._best: dict[tuple[str, str, str | None], dict[str, Rule]] = {}
        for (country, status), found in grouped.items():
            found.sort(key=lambda r: (-r.specificity, r.position))
            for sector in (*vocab.SECTORS, None):
                keys = {ANY_SECTOR} if sector is None else {sector, ANY_SECTOR}
                best: dict[str, Rule] = {}
                for row in found:
                    if row.sector in keys and row.branch not in best:
                        best[row.branch] = row.rule
                self._best[(country, status, sector)] = best

    def _index_agreements(self, rows: Iterable[Row]) -> None:
        """Index agreements by every pair of their parties (and each party with itself)."""
        by_pair: dict[tuple[str, str], list[Agreement]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: r["id"]):
            agreement = Agreement.from_dict(row["data"])
            parties = sorted(set(agreement.parties))
            for first in parties:
                for second in parties:
                    by_pair[(first, second)].append(agreement)
        self._agreements = by_pair

    # --- reading --------------------------------------------------------------------------
    def country_codes(self, role: str | None = None) -> list[str]:
        """Countries with a table; `role` = destination or origin narrows the list."""
        if role == "destination":
            return list(self._destinations)
        if role == "origin":
            return list(self._origins)
        return list(self._codes)

    def has_country(self, code: str) -> bool:
        return code in self._code_set

    def rules_for(self, country: str, status: str, sector: str | None) -> dict[str, Rule]:
        """The best rule of each branch for this status and sector (absent: no rule).

        A sector the vocabulary does not know has no rows of its own in the index, so it gets
        what "no sector" gets: the rules written for every sector.
        """
        key = sector if sector in vocab.SECTORS else None
        return dict(self._best.get((country, status, key), {}))

    def conventions_of(self, country: str) -> dict[str, Convention]:
        return dict(self._conventions.get(country, {}))

    def institutions_for(self, countries_: Iterable[str]) -> list[Institution]:
        """Institutions of these countries, and those of other countries located in them."""
        found: dict[str, Institution] = {}
        for code in countries_:
            for item in (*self._by_country.get(code, ()), *self._by_location.get(code, ())):
                found[item.id] = item
        return sorted(found.values(), key=lambda i: (i.country, i.id))

    def institutions_near(self, destination: str | None, origin: str | None) -> list[Institution]:
        """Offices a person can reach: in the destination, or the origin's own (at home or there).

        Three index lookups instead of filtering every institution of both countries, so an
        origin with embassies in a hundred countries costs no more than one with two.
        """
        places: list[tuple[str, str]] = []
        if destination:
            places.append((destination, destination))
        if origin:
            places.append((origin, origin))
            if destination:
                places.append((origin, destination))
        found: dict[str, Institution] = {}
        for place in places:
            for item in self._by_place.get(place, ()):
                found[item.id] = item
        return sorted(found.values(), key=lambda i: (i.country, i.id))

    def institution(self, institution_id: str) -> Institution | None:
        return self._institution.get(institution_id)

    def schemes_of(self, country: str) -> list[Scheme]:
        return list(self._schemes.get(country, ()))

    def leaving_from(self, country: str) -> list[Leaving]:
        return list(self._leaving.get(country, ()))

    def agreements_between(self, first: str, second: str) -> list[Agreement]:
        return list(self._agreements.get((first, second), ()))
