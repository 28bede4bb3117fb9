"""Staff reports on the tables: which facts are stale, and what the bot knows where.

Staff are not programmers and have little time. `stale` tells them which facts to re-check first
(oldest first, with `file:line` so they can jump straight there); `coverage` shows, from the
engine's own answers, where the bot says "unknown" or "uncertain", so gaps are found before a
worker finds them. Both only read the tables: nothing here touches the live store.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import vocab
from engine.loader import Document, Path_, read_document, table_files, walk_facts
from engine.resolve import Profile, resolve
from engine.store import Store

# --- stale ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleFact:
    """One fact whose review is overdue, with where it is written and what it says."""

    file: str
    line: int
    what: str
    reviewed: dt.date
    age_months: int
    owner: str | None = None


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` (how a person counts "20 months ago")."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31 March - 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _words(value: str) -> str:
    return value.replace("_", " ")


def _who(values: Any) -> str:
    """`statuses`/`sectors` as a phrase: `any` stays `any`, a list becomes words."""
    if values is None or values == vocab.ANY:
        return "any"
    if isinstance(values, str):
        return _words(values)
    return ", ".join(_words(str(v)) for v in values)


def _short(text: Any, limit: int = 60) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe_fact(at: Path_, fact: dict[str, Any], country: str | None) -> str:
    """What a fact is, in the words staff use, from where it stands in the file.

    Staff re-check facts against sources, so the line must say enough to find the source
    ("employment injury rule for migrant worker"), not a JSON path.
    """
    where = f" in {country}" if country else ""
    head = at[0] if at else ""
    if head == "conventions":
        return (
            f"ILO {fact.get('convention', '?')} ratification{where} "
            f"(status: {_words(str(fact.get('status', '?')))})"
        )
    if head == "institutions":
        return f"contact details of {fact.get('name') or fact.get('id', '?')}"
    if head == "destination" and len(at) >= 2:
        sectors = fact.get("sectors", vocab.ANY)
        except_ = fact.get("except_sectors")
        sector_text = "" if sectors == vocab.ANY else f", sectors: {_who(sectors)}"
        if except_:
            sector_text += f", except {_who(except_)}"
        return (
            f"{_words(str(at[1]))} rule{where} for {_who(fact.get('statuses'))}{sector_text}: "
            f"{_words(str(fact.get('coverage', '?')))}"
        )
    if head == "leaving":
        return (
            f"what happens on leaving{where}, for {_who(fact.get('statuses'))}: "
            f"{_short(fact.get('summary'))}"
        )
    if head == "origin":
        return f"origin scheme {fact.get('name') or fact.get('id', '?')}"
    if head == "agreements":
        parties = "–".join(str(p) for p in fact.get("parties") or [])
        return f"agreement {fact.get('title') or fact.get('id', '?')} ({parties})"
    return "fact at " + ".".join(str(p) for p in at)


def _owner(fact: dict[str, Any], document: Document) -> str | None:
    """The person or team responsible, if the tables ever name one.

    A country file may name its `owner:` (the team that keeps it up to date); files without one
    are grouped by file name.
    """
    for holder in (fact, document.data if isinstance(document.data, dict) else {}):
        for key in ("owner", "maintainer"):
            if isinstance(holder.get(key), str):
                return holder[key]
    return None


def stale_facts(
    root: Path | str, months: int = 12, today: dt.date | None = None
) -> list[StaleFact]:
    """Facts last reviewed before `months` months ago, oldest first.

    Files are read one by one (not through `load_tables`), so a file with a schema error still
    shows its stale facts: staff fixing it need that list too. A fact written once and reused
    with a YAML alias is listed once, at the line where it is written.
    """
    today = today or dt.date.today()
    cutoff = months_before(today, months)
    found: dict[tuple[str, int], StaleFact] = {}
    for path in table_files(Path(root)):
        document, _problems = read_document(path)
        if document is None or not isinstance(document.data, dict):
            continue
        country = document.data.get("country")
        for at, fact in walk_facts(document.data):
            try:
                reviewed = dt.date.fromisoformat(str(fact["last_reviewed"]))
            except ValueError:
                continue  # `entitlements validate` reports a bad date
            if reviewed >= cutoff:
                continue
            line, _column = document.where(at)
            key = (path.name, line)
            if key in found:
                continue
            found[key] = StaleFact(
                file=path.name,
                line=line,
                what=describe_fact(at, fact, country),
                reviewed=reviewed,
                age_months=months_between(reviewed, today),
                owner=_owner(fact, document),
            )
    return sorted(found.values(), key=lambda f: (f.reviewed, f.file, f.line))


def group_stale(facts: Iterable[StaleFact]) -> dict[str, list[StaleFact]]:
    """Facts by owner (when named) or by file; the group with the oldest fact comes first."""
    groups: dict[str, list[StaleFact]] = {}
    for fact in sorted(facts, key=lambda f: (f.reviewed, f.file, f.line)):
        groups.setdefault(fact.owner or fact.file, []).append(fact)
    return groups


def format_stale(facts: list[StaleFact], months: int, today: dt.date | None = None) -> str:
    """The `entitlements stale` report as text, ready to print."""
    today = today or dt.date.today()
    if not facts:
        return f"No fact was last reviewed more than {months} month(s) ago (today: {today})."
    groups = group_stale(facts)
    lines = [
        f"{len(facts)} fact(s) last reviewed more than {months} month(s) ago "
        f"(today: {today}), in {len(groups)} group(s). Re-check the oldest first."
    ]
    width = max(len(f"{f.file}:{f.line}") for f in facts)
    for name, items in groups.items():
        oldest = items[0]
        lines.append("")
        lines.append(
            f"{name} — {len(items)} fact(s), oldest reviewed {oldest.reviewed} "
            f"({oldest.age_months} months ago)"
        )
        for fact in items:
            place = f"{fact.file}:{fact.line}".ljust(width)
            lines.append(f"  {place}  {fact.reviewed}  {fact.age_months:>3} months  {fact.what}")
    return "\n".join(lines)


# --- coverage -------------------------------------------------------------------------------

KNOWN, UNKNOWN, UNCERTAIN = "known", "unknown", vocab.UNCERTAIN
STATES: tuple[str, ...] = (KNOWN, UNCERTAIN, UNKNOWN)
LETTERS: dict[str, str] = {KNOWN: "K", UNCERTAIN: "?", UNKNOWN: "-"}
# The most general real sector: rules for "any" sector and those that exclude some sectors
# both answer for it, as they would for a worker who did not name a listed sector.
COVERAGE_SECTOR = "other"


def state_of(level: str) -> str:
    """Fold the bot's level into the three states staff plan work by."""
    if level == "unknown":
        return UNKNOWN
    if level == vocab.UNCERTAIN:
        return UNCERTAIN
    return KNOWN


@dataclass(frozen=True)
class Cell:
    """What the bot answers for one destination, branch and status."""

    destination: str
    branch: str
    status: str
    level: str

    @property
    def state(self) -> str:
        return state_of(self.level)


@dataclass
class Coverage:
    """Every destination × branch × status cell, as the engine's `resolve()` answers it."""

    sector: str
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)

    @property
    def destinations(self) -> list[str]:
        return sorted({d for d, _, _ in self.cells})

    def cell(self, destination: str, branch: str, status: str) -> Cell:
        return self.cells[(destination, branch, status)]

    def counts(self, destination: str | None = None) -> dict[str, int]:
        result = {state: 0 for state in STATES}
        for cell in self.cells.values():
            if destination is None or cell.destination == destination:
                result[cell.state] += 1
        return result


def coverage(store: Store, sector: str = COVERAGE_SECTOR) -> Coverage:
    """Ask the engine itself, so the report shows the bot's real answers.

    One profile per destination and status; the origin is left out because origin schemes and
    agreements add reasons but never change a branch's level.
    """
    result = Coverage(sector=sector)
    for destination in store.country_codes("destination"):
        for status in vocab.STATUSES:
            profile = Profile(status=status, sector=sector, destination=destination)
            for branch, finding in resolve(store, profile).findings.items():
                result.cells[(destination, branch, status)] = Cell(
                    destination, branch, status, finding.level
                )
    return result


def coverage_of_tables(root: Path | str, sector: str = COVERAGE_SECTOR) -> Coverage:
    """Compile a table folder into a throw-away in-memory store and report on it."""
    return coverage(Store.from_tables(root), sector)


_STATUS_ABBR = {status: status[:3] for status in vocab.STATUSES}
_STATUS_ABBR.update({"asylum_seeker": "asy", "prospective_migrant": "pro"})


def format_coverage(report: Coverage) -> str:
    """The terminal table: per destination its counts, then a branch × status grid of letters."""
    statuses = vocab.STATUSES
    branch_width = max(len(b) for b in vocab.BRANCHES)
    legend = "  ".join(f"{LETTERS[s]} = {s}" for s in STATES)
    header = " ".join(_STATUS_ABBR[s] for s in statuses)
    lines = [
        f"What the bot knows, per destination, branch and status (sector: {report.sector}).",
        f"Legend: {legend}.",
        "Statuses: " + ", ".join(f"{_STATUS_ABBR[s]} = {_words(s)}" for s in statuses) + ".",
    ]
    total = report.counts()
    for destination in report.destinations:
        counts = report.counts(destination)
        lines.append("")
        lines.append(
            f"{destination}: {counts[KNOWN]} known, {counts[UNCERTAIN]} uncertain, "
            f"{counts[UNKNOWN]} unknown"
        )
        lines.append(f"  {'':<{branch_width}}  {header}")
        for branch in vocab.BRANCHES:
            letters = " ".join(
                LETTERS[report.cell(destination, branch, s).state].center(3) for s in statuses
            )
            lines.append(f"  {branch:<{branch_width}}  {letters}".rstrip())
    lines.append("")
    lines.append(
        f"All {len(report.destinations)} destination(s): {total[KNOWN]} known, "
        f"{total[UNCERTAIN]} uncertain, {total[UNKNOWN]} unknown."
    )
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .3rem; }
table { border-collapse: collapse; margin-bottom: .5rem; }
th, td { border: 1px solid #444; padding: .2rem .4rem; font-size: .85rem; }
th { background: #eee; text-align: left; }
td.known, td.uncertain, td.unknown { text-align: center; min-width: 5.5rem; }
td.known { background: #1a9850; color: #fff; }
td.uncertain { background: #fee08b; color: #000; border-style: dashed; }
td.unknown { background: #d73027; color: #fff; border-style: dotted; border-width: 2px; }
td b { font-size: 1rem; display: block; }
.legend span { display: inline-block; margin-right: 1rem; padding: .2rem .5rem;
  border: 1px solid #444; }
.legend .known { background: #1a9850; color: #fff; }
.legend .uncertain { background: #fee08b; border-style: dashed; }
.legend .unknown { background: #d73027; color: #fff; border-style: dotted; border-width: 2px; }
@media print { td, .legend span { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def render_html(report: Coverage, today: dt.date | None = None) -> str:
    """A self-contained heat map page: inline CSS, no scripts, no fonts to fetch.

    Each cell carries a letter and the level in words as well as a colour (and a different
    border), so it still reads when printed in black and white or seen without colour.
    """
    today = today or dt.date.today()
    e = html.escape
    total = report.counts()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Entitlement table coverage</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>What the bot knows: destinations × branches × statuses</h1>",
        f"<p>Generated {today}, sector “{e(_words(report.sector))}”. "
        f"{len(report.destinations)} destination(s): {total[KNOWN]} known, "
        f"{total[UNCERTAIN]} uncertain, {total[UNKNOWN]} unknown.</p>",
        '<p class="legend">',
        '<span class="known"><b>K</b> known — the table gives an answer</span>',
        '<span class="uncertain"><b>?</b> uncertain — a low-confidence fact</span>',
        '<span class="unknown"><b>-</b> unknown — no rule: the bot says it does not know</span>',
        "</p>",
    ]
    head = "".join(f"<th>{e(_words(s))}</th>" for s in vocab.STATUSES)
    for destination in report.destinations:
        counts = report.counts(destination)
        parts.append(
            f'<h2 id="{e(destination)}">{e(destination)}: {counts[KNOWN]} known, '
            f"{counts[UNCERTAIN]} uncertain, {counts[UNKNOWN]} unknown</h2>"
        )
        parts.append(f"<table><thead><tr><th>branch</th>{head}</tr></thead><tbody>")
        for branch in vocab.BRANCHES:
            cells = []
            for status in vocab.STATUSES:
                cell = report.cell(destination, branch, status)
                cells.append(
                    f'<td class="{cell.state}" data-destination="{e(destination)}" '
                    f'data-branch="{e(branch)}" data-status="{e(status)}" '
                    f'title="{e(destination)} · {e(_words(branch))} · {e(_words(status))}">'
                    f"<b>{LETTERS[cell.state]}</b>{e(_words(cell.level))}</td>"
                )
            parts.append(f"<tr><th>{e(_words(branch))}</th>{''.join(cells)}</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(report: Coverage, path: Path | str) -> Path:
    """Write the heat map, creating its folder (test-artifacts/ may not exist yet)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
