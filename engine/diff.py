"""`entitlements diff OLD NEW`: which answers an edit changes, in words, before it is published.

Staff review an edit by its effect, not by its YAML: a moved line in QA.yaml can turn "covered"
into "not known" for a whole corridor. So both versions are validated, compiled into throw-away
in-memory stores and asked the same questions through the engine's own `resolve()`; the answers
are compared branch by branch. Nothing here touches the live store, and git is only read.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import settings, vocab
from engine.loader import Tables, load_tables
from engine.resolve import Finding, Profile, Resolution, resolve
from engine.store import Store

WORKING_TREE = "-"
# Stands for every sector no rule of a destination names: they all get the same answers.
OTHER_SECTORS = "*other*"
# Principles (ILO C189) single out domestic work even where no rule names a sector.
ALWAYS_SECTORS = ("domestic_work",)

Audience = tuple[str, str]  # (status, sector)
Corridor = tuple[str | None, str]  # (origin or None for "any origin", destination)

KIND_LABELS = {
    "level": "level",
    "review_date": "review date",
    "source": "source",
    "register": "registration channel",
    "complain": "complaint channel",
    "agreement": "agreement",
    "reason": "other reason",
    "text": "wording",
    "contact": "contact",
    "leaving": "leaving the country",
}


class DiffError(Exception):
    """A version cannot be compared (not found, or does not validate): exit code 2."""


@dataclass(frozen=True)
class Change:
    """One difference in one answer; `branch` is None for corridor-wide answers."""

    corridor: Corridor
    branch: str | None
    kind: str
    text: str


@dataclass
class Diff:
    """Every change, with the statuses and sectors whose answer it affects."""

    changes: dict[Change, set[Audience]] = field(default_factory=dict)
    sectors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # destination → compared
    profiles: int = 0

    def add(self, change: Change, audience: Audience) -> None:
        self.changes.setdefault(change, set()).add(audience)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


# --- getting the two versions --------------------------------------------------------------


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def materialise(spec: str, workdir: Path, repo: Path | None = None) -> Path:
    """A table folder for `spec`: `-` (working tree), a folder, or a git revision (exported).

    Revisions are read with `git archive` only, so diffing never changes the checkout.
    """
    tables_dir = settings.tables_dir()
    if spec == WORKING_TREE:
        return tables_dir
    if Path(spec).is_dir():
        return Path(spec)
    repo = repo or tables_dir.parent
    top = _git("rev-parse", "--show-toplevel", cwd=repo)
    if top.returncode != 0:
        raise DiffError(f"`{spec}` is not a folder, and {repo} is not a git repository")
    root = Path(top.stdout.decode().strip())
    try:
        relative = tables_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = "entitlements"
    if _git("rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}", cwd=root).returncode:
        raise DiffError(f"`{spec}` is neither a table folder nor a git revision")
    archive = _git("archive", "--format=tar", spec, "--", relative, cwd=root)
    if archive.returncode != 0:
        raise DiffError(f"revision `{spec}` has no {relative}/ folder")
    target = workdir / "".join(c if c.isalnum() else "_" for c in spec)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        tar.extractall(target, members=members)
    return target / relative


def _load(spec: str, folder: Path) -> tuple[Tables, Store]:
    """Validate and compile one version in memory; a version with errors is refused."""
    tables = load_tables(folder)
    if not tables.ok:
        problems = "\n".join(f"  {p}" for p in tables.errors)
        raise DiffError(
            f"`{spec}` does not validate ({len(tables.errors)} error(s)); fix it first:\n{problems}"
        )
    store = Store.open("sqlite://")
    store.replace(tables)
    return tables, store


# --- what to ask -----------------------------------------------------------------------------


def _documents(tables: Tables) -> dict[str, Any]:
    """Country files by code, and each agreement by id (under `agreement:ID`)."""
    found: dict[str, Any] = {d.data["country"]: d.data for d in tables.countries()}
    for document in tables.agreements():
        for item in document.data.get("agreements") or []:
            found[f"agreement:{item['id']}"] = item
    return found


def _named_sectors(country: Any) -> set[str]:
    """Sectors that some rule or leaving fact of this destination treats specially."""
    named: set[str] = set()
    facts = [
        *(rule for rules in (country.get("destination") or {}).values() for rule in rules),
        *(country.get("leaving") or []),
    ]
    for fact in facts:
        sectors = fact.get("sectors", vocab.ANY)
        if sectors != vocab.ANY:
            named.update([sectors] if isinstance(sectors, str) else sectors)
        named.update(fact.get("except_sectors") or ())
    return named


def _sectors(*countries: Any) -> tuple[str, ...]:
    """Sectors worth asking about: named ones, domestic work, and one for all the rest.

    Every unnamed sector gets the same answer, so one of them speaks for all (OTHER_SECTORS);
    this keeps a full diff to seconds instead of minutes.
    """
    named = set(ALWAYS_SECTORS)
    for country in countries:
        if country:
            named |= _named_sectors(country)
    ordered = tuple(s for s in vocab.SECTORS if s in named)
    return (*ordered, OTHER_SECTORS) if len(ordered) < len(vocab.SECTORS) else ordered


def _parties(documents: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, item in documents.items():
        if key.startswith("agreement:"):
            yield key, item


def _origins(destination: str, old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Origins with facts of their own for this destination: welfare schemes or agreements."""
    origins: set[str] = set()
    for documents in (old, new):
        for code, data in documents.items():
            if not code.startswith("agreement:") and (data.get("origin") or {}).get("schemes"):
                origins.add(code)
        for _, item in _parties(documents):
            if destination in item.get("parties", ()):
                origins.update(item["parties"])
    origins.discard(destination)
    return origins


def _corridor_inputs(corridor: Corridor, documents: dict[str, Any]) -> list[Any]:
    """Everything resolve() reads for this corridor: if it is equal, the answers are too."""
    origin, destination = corridor
    inputs = [documents.get(destination), documents.get(origin) if origin else None]
    if origin:
        inputs += [
            item
            for key, item in sorted(_parties(documents))
            if {origin, destination} <= set(item.get("parties", ()))
        ]
    return inputs


# --- comparing answers -----------------------------------------------------------------------


def _label(prefix: str, value: str) -> str:
    from i18n.catalog import strings

    return str(strings().get(f"{prefix}.{value}", value.replace("_", " ")))


def _words(value: str) -> str:
    return value.replace("_", " ")


def _names(items: Iterable[Any]) -> dict[str, str]:
    return {i.id: i.name for i in items}


def _set_changes(kind: str, noun: str, old: dict[str, str], new: dict[str, str]) -> list[tuple]:
    return [
        *((kind, f"{noun} added: {new[k]} ({k})") for k in sorted(new.keys() - old.keys())),
        *((kind, f"{noun} removed: {old[k]} ({k})") for k in sorted(old.keys() - new.keys())),
    ]


def compare_findings(old: Finding, new: Finding) -> list[tuple[str, str]]:
    """What differs between two answers for one branch, as (kind, words)."""
    changes: list[tuple[str, str]] = []
    if old.level != new.level:
        changes.append(("level", f"{_label('level', old.level)} → {_label('level', new.level)}"))
    old_sources = {s.text: s.last_reviewed for s in old.sources}
    new_sources = {s.text: s.last_reviewed for s in new.sources}
    for text in sorted(old_sources.keys() & new_sources.keys()):
        if old_sources[text] != new_sources[text]:
            changes.append(
                ("review_date", f"“{text}” reviewed {old_sources[text]} → {new_sources[text]}")
            )
    changes += [
        ("source", f"source added: “{t}”") for t in sorted(new_sources - old_sources.keys())
    ]
    changes += [
        ("source", f"source removed: “{t}”") for t in sorted(old_sources.keys() - new_sources)
    ]
    old_register = old.register_at.name if old.register_at else "none"
    new_register = new.register_at.name if new.register_at else "none"
    if old_register != new_register:
        changes.append(("register", f"register at: {old_register} → {new_register}"))
    changes += _set_changes(
        "complain", "complaint channel", _names(old.complain_at), _names(new.complain_at)
    )
    old_reasons = {(r.kind, r.code, r.ref): r for r in (*old.reasons, *old.cautions)}
    new_reasons = {(r.kind, r.code, r.ref): r for r in (*new.reasons, *new.cautions)}
    for key in sorted(new_reasons.keys() ^ old_reasons.keys()):
        reason = new_reasons.get(key) or old_reasons[key]
        verb = "now applies" if key in new_reasons else "no longer applies"
        if reason.kind == "agreement":
            title = dict(reason.params).get("title", reason.ref)
            changes.append(("agreement", f"agreement {verb}: {title} ({reason.ref})"))
        else:
            what = f"{_words(reason.kind)} {reason.ref or _words(reason.code)}".strip()
            changes.append(("reason", f"{what} {verb}"))
    if old.rule and new.rule:
        wording = ("summary", "conditions", "who_pays", "qualifying_period", "scheme")
        fields = [f for f in wording if getattr(old.rule, f) != getattr(new.rule, f)]
        if fields:
            changes.append(("text", f"wording changed ({', '.join(_words(f) for f in fields)})"))
    return changes


def compare_resolutions(old: Resolution, new: Resolution) -> list[tuple[str | None, str, str]]:
    """Every difference between two resolutions: (branch or None, kind, words)."""
    changes: list[tuple[str | None, str, str]] = []
    for branch in vocab.BRANCHES:
        for kind, text in compare_findings(old.findings[branch], new.findings[branch]):
            changes.append((branch, kind, text))
    old_agreements = {a.id: a.title for a in old.agreements}
    new_agreements = {a.id: a.title for a in new.agreements}
    for kind, text in _set_changes("agreement", "agreement", old_agreements, new_agreements):
        changes.append((None, kind, text))
    for noun, attribute in (("help contact", "help"), ("emergency contact", "emergency")):
        for kind, text in _set_changes(
            "contact", noun, _names(getattr(old, attribute)), _names(getattr(new, attribute))
        ):
            changes.append((None, kind, text))
    if [f.summary for f in old.leaving] != [f.summary for f in new.leaving]:
        changes.append((None, "leaving", "what happens on leaving the country changed"))
    return changes


def _stand_in(sectors: tuple[str, ...]) -> str:
    """A real sector no rule names, asked on behalf of all of them."""
    return next((s for s in vocab.SECTORS if s not in sectors), "other")


def _resolve(store: Store, profile: Profile, stand_in: str) -> Resolution:
    sector = stand_in if profile.sector == OTHER_SECTORS else profile.sector
    return resolve(store, Profile(profile.status, sector, profile.origin, profile.destination))


def diff_tables(old: tuple[Tables, Store], new: tuple[Tables, Store]) -> Diff:
    """Ask both versions the same questions and keep every difference in the answers."""
    (old_tables, old_store), (new_tables, new_store) = old, new
    old_docs, new_docs = _documents(old_tables), _documents(new_tables)
    destinations = sorted(
        set(old_store.country_codes("destination")) | set(new_store.country_codes("destination"))
    )
    result = Diff()
    for destination in destinations:
        sectors = _sectors(old_docs.get(destination), new_docs.get(destination))
        result.sectors[destination] = sectors
        stand_in = _stand_in(sectors)
        corridors: list[Corridor] = [(None, destination)]
        corridors += [(o, destination) for o in sorted(_origins(destination, old_docs, new_docs))]
        seen: set[tuple[str | None, str, str, Audience]] = set()
        for corridor in corridors:
            if _corridor_inputs(corridor, old_docs) == _corridor_inputs(corridor, new_docs):
                continue
            origin = corridor[0]
            for status in vocab.STATUSES:
                for sector in sectors:
                    profile = Profile(status, sector, origin, destination)
                    result.profiles += 1
                    found = compare_resolutions(
                        _resolve(old_store, profile, stand_in),
                        _resolve(new_store, profile, stand_in),
                    )
                    for branch, kind, text in found:
                        key = (branch, kind, text, (status, sector))
                        if origin is None:
                            seen.add(key)
                        elif key in seen:
                            continue  # already reported for every origin
                        result.add(Change(corridor, branch, kind, text), (status, sector))
    return result


# --- words -----------------------------------------------------------------------------------


def _sector_phrase(sectors: set[str], compared: tuple[str, ...]) -> str:
    if sectors >= set(compared):
        return "all sectors"
    named = [_words(s) for s in compared if s in sectors and s != OTHER_SECTORS]
    if OTHER_SECTORS in sectors:
        left_out = [_words(s) for s in compared if s not in sectors]
        return "all sectors except " + ", ".join(left_out)
    return ", ".join(named)


def audience_phrase(audience: set[Audience], compared: tuple[str, ...]) -> str:
    """'migrant worker, refugee (domestic work)': who gets the changed answer, shortest first."""
    by_status: dict[str, set[str]] = defaultdict(set)
    for status, sector in audience:
        by_status[status].add(sector)
    groups: dict[str, list[str]] = defaultdict(list)
    for status in vocab.STATUSES:
        if status in by_status:
            groups[_sector_phrase(by_status[status], compared)].append(status)
    parts = []
    for sectors, statuses in groups.items():
        who = (
            "all statuses"
            if len(statuses) == len(vocab.STATUSES)
            else ", ".join(_words(s) for s in statuses)
        )
        parts.append(who if sectors == "all sectors" else f"{who} ({sectors})")
    return "; ".join(parts)


def corridor_name(corridor: Corridor) -> str:
    from i18n.names import country_name

    origin, destination = corridor
    there = f"{country_name(destination, 'en')} ({destination})"
    if origin is None:
        return f"{there}, workers from any country"
    return f"{country_name(origin, 'en')} ({origin}) → {there}"


def render(result: Diff) -> str:
    """The report staff read: grouped by corridor, then a count of changes by kind."""
    if not result.changed:
        return "No answer changes: every corridor, status and sector gets the same answer."
    from i18n.names import country_name

    by_corridor: dict[Corridor, list[tuple[Change, set[Audience]]]] = defaultdict(list)
    for change, audience in result.changes.items():
        by_corridor[change.corridor].append((change, audience))
    lines: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    for corridor in sorted(by_corridor, key=lambda c: (c[1], c[0] or "")):
        lines.append(corridor_name(corridor))
        place = country_name(corridor[1], "en")
        # The same change on several branches for the same people reads as one line.
        merged: dict[tuple[str, str, frozenset[Audience]], list[str | None]] = defaultdict(list)
        for change, audience in by_corridor[corridor]:
            merged[(change.kind, change.text, frozenset(audience))].append(change.branch)
        items = sorted(
            merged.items(),
            key=lambda item: (
                min(vocab.BRANCHES.index(b) if b else -1 for b in item[1]),
                list(KIND_LABELS).index(item[0][0]),
                item[0][1],
            ),
        )
        for (kind, text, audience), branches in items:
            who = audience_phrase(set(audience), result.sectors[corridor[1]])
            named = [b for b in vocab.BRANCHES if b in branches]
            if len(named) == len(vocab.BRANCHES):
                topic = ", every branch"
            else:
                topic = "".join(f", {' / '.join(_words(b) for b in named)}" if named else "")
            lines.append(f"  {place}, {who}{topic}: {text}")
            counts[kind] += 1
        lines.append("")
    total = sum(counts.values())
    kinds = ", ".join(f"{counts[k]} {KIND_LABELS[k]}" for k in KIND_LABELS if counts[k])
    lines.append(
        f"Summary: {total} change(s) in {len(by_corridor)} corridor(s) ({kinds}); "
        f"{result.profiles} profile(s) compared."
    )
    return "\n".join(lines)


def run(old_spec: str, new_spec: str, repo: Path | None = None) -> tuple[int, str]:
    """Compare two versions: (exit code, report). 0 no change, 1 answers change, 2 refused."""
    with tempfile.TemporaryDirectory(prefix="entitlements-diff-") as workdir:
        try:
            old = _load(old_spec, materialise(old_spec, Path(workdir), repo))
            new = _load(new_spec, materialise(new_spec, Path(workdir), repo))
        except DiffError as exc:
            return 2, f"Cannot compare: {exc}"
    result = diff_tables(old, new)
    return (1 if result.changed else 0), render(result)
