"""The compiled entitlement table in a SQL database (SQLite by default, any SQLAlchemy URL).

Compiling replaces the whole table in one transaction, so a reader sees the old version or the
new one, never half of each, and a table that fails validation never reaches the database.
Each fact's validated mapping is kept as JSON next to the columns that lookups filter on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from engine import settings, vocab
from engine.loader import Tables, load_tables
from engine.model import (
    Agreement,
    Convention,
    Institution,
    Leaving,
    Rule,
    Scheme,
    TableVersion,
)
from engine.snapshot import ANY_SECTOR, IndexedRule, Snapshot

metadata = MetaData()

versions = Table(
    "entitlement_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False),
    Column("compiled_at", DateTime, nullable=False),
    Column("files", JSON, nullable=False),
    Column("active", Boolean, nullable=False, default=False),
)
# Per version: each file's content hash and which files changed since the version before. A table
# of its own (not new columns) so databases compiled before it existed need no migration.
version_files = Table(
    "entitlement_version_files",
    metadata,
    Column("version_id", Integer, primary_key=True),
    Column("file_hashes", JSON, nullable=False),
    Column("changed", JSON, nullable=False),
)
countries = Table(
    "entitlement_countries",
    metadata,
    Column("code", String(2), primary_key=True),
    Column("file", String(255), nullable=False),
    Column("is_destination", Boolean, nullable=False),
    Column("is_origin", Boolean, nullable=False),
)
institutions = Table(
    "entitlement_institutions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("country", String(2), nullable=False, index=True),
    Column("located_in", String(2), nullable=False, index=True),
    Column("data", JSON, nullable=False),
)
conventions = Table(
    "entitlement_conventions",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("convention", String(8), primary_key=True),
    Column("data", JSON, nullable=False),
)
rules = Table(
    "entitlement_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("country", String(2), nullable=False),
    Column("branch", String(32), nullable=False),
    Column("position", Integer, nullable=False),
    Column("data", JSON, nullable=False),
)
# One row per (country, status, sector) a rule applies to, so the lookup is one indexed query.
rule_index = Table(
    "entitlement_rule_index",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("status", String(32), primary_key=True),
    Column("sector", String(32), primary_key=True),
    Column("rule_id", Integer, primary_key=True),
    Column("specificity", Integer, nullable=False),
)
leaving = Table(
    "entitlement_leaving",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("country", String(2), nullable=False, index=True),
    Column("data", JSON, nullable=False),
)
schemes = Table(
    "entitlement_schemes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("country", String(2), nullable=False, index=True),
    Column("data", JSON, nullable=False),
)
agreements = Table(
    "entitlement_agreements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
)
agreement_parties = Table(
    "entitlement_agreement_parties",
    metadata,
    Column("agreement_id", String(64), primary_key=True),
    Column("country", String(2), primary_key=True, index=True),
)

_CONTENT_TABLES = (
    rule_index,
    rules,
    leaving,
    schemes,
    agreement_parties,
    agreements,
    conventions,
    institutions,
    countries,
)


# How long a process trusts its in-memory snapshot before asking the database whether another
# process compiled a newer version (one indexed query of the version table). `replace()` in
# the same process refreshes the snapshot at once; this bounds how stale another process's
# edit can look. The live-update watcher polls the files every second, so one second adds at
# most as much again.
VERSION_CHECK_SECONDS = float(os.environ.get("ENTITLEMENTS_VERSION_CHECK_SECONDS", "1.0"))


class EmptyStore(RuntimeError):
    """The database has no compiled table yet."""


def _expand(values: Iterable[str], universe: tuple[str, ...]) -> list[str]:
    values = tuple(values)
    return list(universe) if values == (vocab.ANY,) else list(values)


def _rule_index_rows(rule_id: int, country: str, rule: dict[str, Any]) -> Iterator[dict]:
    statuses = _expand(_listed(rule.get("statuses", vocab.ANY)), vocab.STATUSES)
    sectors_field = _listed(rule.get("sectors", vocab.ANY))
    excluded = set(rule.get("except_sectors") or ())
    specificity = (2 if _listed(rule.get("statuses", vocab.ANY)) != [vocab.ANY] else 0) + (
        1 if sectors_field != [vocab.ANY] else 0
    )
    if sectors_field == [vocab.ANY] and not excluded:
        sectors = [ANY_SECTOR]
    else:
        sectors = [s for s in _expand(sectors_field, vocab.SECTORS) if s not in excluded]
    for status in statuses:
        for sector in sectors:
            yield {
                "country": country,
                "status": status,
                "sector": sector,
                "rule_id": rule_id,
                "specificity": specificity,
            }


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class Store:
    """Read access to the compiled table, and the one way to replace it.

    Reads are served from an in-memory `Snapshot` of the live version, built once per version:
    at the first read, by `replace()` in this process (so a new version is visible at once), or
    when a look at the version table (at most every `check_interval` seconds) finds that another
    process or another `Store` on the same database made a newer version live.
    """

    def __init__(self, engine: Engine, check_interval: float | None = None) -> None:
        self.engine = engine
        self.check_interval = VERSION_CHECK_SECONDS if check_interval is None else check_interval
        self._snapshot: Snapshot | None = None
        self._checked_at = float("-inf")  # time.monotonic() of the last look at the database
        self._lock = threading.Lock()
        metadata.create_all(engine)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        url = url or settings.database_url()
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        if url in ("sqlite://", "sqlite:///:memory:"):
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        elif url.startswith("sqlite"):
            engine = create_engine(url, pool_pre_ping=True, future=True)
        else:  # a server database: a bounded pool per process (README, "Production set-up")
            pool = settings.pool()
            engine = create_engine(
                url,
                pool_pre_ping=True,
                future=True,
                pool_size=pool.size,
                max_overflow=pool.max_overflow,
            )
        return cls(engine)

    @classmethod
    def from_tables(cls, root: Path | str, url: str = "sqlite://") -> Store:
        """Validate and compile a table folder into a new store (in memory unless `url`)."""
        tables = load_tables(root)
        if not tables.ok:
            raise ValueError("\n".join(str(p) for p in tables.errors))
        store = cls.open(url)
        store.replace(tables)
        return store

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    # --- writing --------------------------------------------------------------------------
    def replace(self, tables: Tables) -> TableVersion:
        """Swap in a validated table in one transaction; refuses a table with errors."""
        if not tables.ok:
            raise ValueError("refusing to compile a table with errors")
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        files = sorted(d.path.name for d in tables.documents)
        with self.engine.begin() as tx:
            for table in _CONTENT_TABLES:
                tx.execute(delete(table))
            rule_id = 0
            leaving_id = 0
            for document in tables.countries():
                data = document.data
                code = data["country"]
                tx.execute(
                    insert(countries).values(
                        code=code,
                        file=document.path.name,
                        is_destination=bool(data.get("destination")),
                        is_origin=bool((data.get("origin") or {}).get("schemes")),
                    )
                )
                for item in data.get("institutions") or []:
                    tx.execute(
                        insert(institutions).values(
                            id=item["id"],
                            country=code,
                            located_in=item.get("located_in", code),
                            data=item,
                        )
                    )
                for item in data.get("conventions") or []:
                    tx.execute(
                        insert(conventions).values(
                            country=code, convention=item["convention"], data=item
                        )
                    )
                for branch, branch_rules in (data.get("destination") or {}).items():
                    for position, rule in enumerate(branch_rules):
                        rule_id += 1
                        tx.execute(
                            insert(rules).values(
                                id=rule_id,
                                country=code,
                                branch=branch,
                                position=position,
                                data=rule,
                            )
                        )
                        rows = list(_rule_index_rows(rule_id, code, rule))
                        if rows:
                            tx.execute(insert(rule_index), rows)
                for item in data.get("leaving") or []:
                    leaving_id += 1
                    tx.execute(insert(leaving).values(id=leaving_id, country=code, data=item))
                for item in (data.get("origin") or {}).get("schemes") or []:
                    tx.execute(insert(schemes).values(id=item["id"], country=code, data=item))
            for document in tables.agreements():
                for item in document.data["agreements"]:
                    tx.execute(insert(agreements).values(id=item["id"], data=item))
                    for party in item["parties"]:
                        tx.execute(
                            insert(agreement_parties).values(agreement_id=item["id"], country=party)
                        )
            hashes = {
                d.path.name: hashlib.sha256(d.path.read_bytes()).hexdigest()[:12]
                for d in tables.documents
            }
            before = tx.execute(
                select(version_files.c.file_hashes)
                .join(versions, versions.c.id == version_files.c.version_id)
                .where(versions.c.active.is_(True))
                .order_by(versions.c.id.desc())
            ).first()
            previous: dict[str, str] = before.file_hashes if before else {}
            changed = sorted(
                name for name in {*hashes, *previous} if hashes.get(name) != previous.get(name)
            )
            tx.execute(versions.update().values(active=False))
            result = tx.execute(
                insert(versions).values(
                    content_hash=tables.content_hash(), compiled_at=now, files=files, active=True
                )
            )
            version_id = result.inserted_primary_key[0]
            tx.execute(
                insert(version_files).values(
                    version_id=version_id, file_hashes=hashes, changed=changed
                )
            )
        self._refresh()  # the new version is what this process reads from now on
        return TableVersion(version_id, tables.content_hash(), now, tuple(files), tuple(changed))

    # --- the snapshot -------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The live version in memory; one resolution reads everything from one snapshot.

        Cheap on the hot path: a clock read while the last look at the database is recent.
        """
        current = self._snapshot
        if current is not None and time.monotonic() - self._checked_at < self.check_interval:
            return current
        if current is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            return current  # another thread is looking or rebuilding: no request waits for it
        try:
            current = self._snapshot
            started = time.monotonic()
            if current is not None and started - self._checked_at < self.check_interval:
                return current  # another thread looked while we waited for the lock
            with self._read() as c:
                active = _active_id(c)
            if active is None:
                raise EmptyStore("no entitlement table has been compiled into this database")
            if current is None or current.version.id != active:
                current = self._load()
                self._snapshot = current
            self._checked_at = started
            return current
        finally:
            self._lock.release()

    def _refresh(self) -> None:
        """Rebuild the snapshot from the database now (after this process replaced the table).

        Other threads keep reading the previous snapshot while this one is built, so no request
        waits for a swap; once `replace()` returns, every read sees the new version.
        """
        with self._lock:
            self._checked_at = float("-inf")  # should the load fail, the next read looks again
            started = time.monotonic()
            self._snapshot = self._load()
            self._checked_at = started

    def _load(self) -> Snapshot:
        """Read one whole version; retried if another process swaps versions while we read.

        SQLite runs each SELECT on its own, so the version id is read before and after the
        content: equal ids mean no `replace()` committed in between (each makes a new id).
        """
        for _ in range(5):
            with self._read() as c:
                before = _active_id(c)
                if before is None:
                    raise EmptyStore("no entitlement table has been compiled into this database")
                snapshot = _read_snapshot(c)
                if _active_id(c) == before == snapshot.version.id:
                    return snapshot
        raise RuntimeError("the entitlement table kept changing while it was being read")

    # --- reading --------------------------------------------------------------------------
    def version(self) -> TableVersion:
        return self.snapshot().version

    def is_empty(self) -> bool:
        try:
            self.version()
        except EmptyStore:
            return True
        return False

    def country_codes(self, role: str | None = None) -> list[str]:
        """Countries with a table; `role` = destination or origin narrows the list."""
        return self.snapshot().country_codes(role)

    def has_country(self, code: str) -> bool:
        return self.snapshot().has_country(code)

    def rules_for(self, country: str, status: str, sector: str | None) -> dict[str, Rule]:
        """The best rule of each branch for this status and sector (absent: no rule)."""
        return self.snapshot().rules_for(country, status, sector)

    def conventions_of(self, country: str) -> dict[str, Convention]:
        return self.snapshot().conventions_of(country)

    def institutions_for(self, countries_: Iterable[str]) -> list[Institution]:
        """Institutions of these countries, and those of other countries located in them."""
        return self.snapshot().institutions_for(countries_)

    def institution(self, institution_id: str) -> Institution | None:
        return self.snapshot().institution(institution_id)

    def schemes_of(self, country: str) -> list[Scheme]:
        return self.snapshot().schemes_of(country)

    def leaving_from(self, country: str) -> list[Leaving]:
        return self.snapshot().leaving_from(country)

    def agreements_between(self, first: str, second: str) -> list[Agreement]:
        return self.snapshot().agreements_between(first, second)


def _active_id(c: Connection) -> int | None:
    """The live version's id: the one query the periodic check runs."""
    return c.execute(
        select(versions.c.id)
        .where(versions.c.active.is_(True))
        .order_by(versions.c.id.desc())
        .limit(1)
    ).scalar()


def _read_snapshot(c: Connection) -> Snapshot:
    """Every row of the live version, indexed in memory."""
    row = c.execute(
        select(versions, version_files.c.changed)
        .outerjoin(version_files, version_files.c.version_id == versions.c.id)
        .where(versions.c.active.is_(True))
        .order_by(versions.c.id.desc())
    ).first()
    if row is None:
        raise EmptyStore("no entitlement table has been compiled into this database")
    version = TableVersion(
        row.id, row.content_hash, row.compiled_at, tuple(row.files), tuple(row.changed or ())
    )
    rule_rows = {
        r.id: r
        for r in c.execute(
            select(rules.c.id, rules.c.country, rules.c.branch, rules.c.position, rules.c.data)
        )
    }
    built: dict[int, Rule] = {}

    def rule(rule_id: int) -> Rule:
        if rule_id not in built:
            r = rule_rows[rule_id]
            built[rule_id] = Rule.from_dict(
                r.data, country=r.country, branch=r.branch, position=r.position
            )
        return built[rule_id]

    indexed = [
        IndexedRule(
            country=r.country,
            status=r.status,
            sector=r.sector,
            specificity=r.specificity,
            position=rule_rows[r.rule_id].position,
            branch=rule_rows[r.rule_id].branch,
            rule=rule(r.rule_id),
        )
        for r in c.execute(select(rule_index))
    ]
    return Snapshot(
        version=version,
        countries=[r._mapping for r in c.execute(select(countries))],
        institutions=[r._mapping for r in c.execute(select(institutions))],
        conventions=[r._mapping for r in c.execute(select(conventions))],
        rules=indexed,
        leaving=[r._mapping for r in c.execute(select(leaving))],
        schemes=[r._mapping for r in c.execute(select(schemes))],
        agreements=[r._mapping for r in c.execute(select(agreements))],
    )


def compile_tables(
    root: Path | str | None = None, url: str | None = None
) -> tuple[Tables, TableVersion | None]:
    """Validate a table folder and, only if it is clean, make it the live table."""
    tables = load_tables(root or settings.tables_dir())
    if not tables.ok:
        return tables, None
    return tables, Store.open(url).replace(tables)
