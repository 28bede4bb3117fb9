"""The compiled entitlement table in a SQL database (SQLite by default, any SQLAlchemy URL).

Compiling replaces the whole table in one transaction, so a reader sees the old version or the
new one, never half of each, and a table that fails validation never reaches the database.
Each fact's validated mapping is kept as JSON next to the columns that lookups filter on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
    or_,
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

ANY_SECTOR = "*"


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
    """Read access to the compiled table, and the one way to replace it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
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
        else:
            engine = create_engine(url, pool_pre_ping=True, future=True)
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
        return TableVersion(version_id, tables.content_hash(), now, tuple(files), tuple(changed))

    # --- reading --------------------------------------------------------------------------
    def version(self) -> TableVersion:
        with self._read() as c:
            row = c.execute(
                select(versions, version_files.c.changed)
                .outerjoin(version_files, version_files.c.version_id == versions.c.id)
                .where(versions.c.active.is_(True))
                .order_by(versions.c.id.desc())
            ).first()
        if row is None:
            raise EmptyStore("no entitlement table has been compiled into this database")
        return TableVersion(
            row.id, row.content_hash, row.compiled_at, tuple(row.files), tuple(row.changed or ())
        )

    def is_empty(self) -> bool:
        try:
            self.version()
        except EmptyStore:
            return True
        return False

    def country_codes(self, role: str | None = None) -> list[str]:
        """Countries with a table; `role` = destination or origin narrows the list."""
        query = select(countries.c.code).order_by(countries.c.code)
        if role == "destination":
            query = query.where(countries.c.is_destination.is_(True))
        elif role == "origin":
            query = query.where(countries.c.is_origin.is_(True))
        with self._read() as c:
            return [row.code for row in c.execute(query)]

    def has_country(self, code: str) -> bool:
        with self._read() as c:
            return (
                c.execute(select(countries.c.code).where(countries.c.code == code)).first()
                is not None
            )

    def rules_for(self, country: str, status: str, sector: str | None) -> dict[str, Rule]:
        """The best rule of each branch for this status and sector (absent: no rule)."""
        sector_keys = [ANY_SECTOR] if sector is None else [sector, ANY_SECTOR]
        query = (
            select(
                rules.c.id, rules.c.branch, rules.c.position, rules.c.data, rule_index.c.specificity
            )
            .join(rule_index, rule_index.c.rule_id == rules.c.id)
            .where(
                rule_index.c.country == country,
                rule_index.c.status == status,
                rule_index.c.sector.in_(sector_keys),
            )
            .order_by(rule_index.c.specificity.desc(), rules.c.position)
        )
        best: dict[str, Rule] = {}
        with self._read() as c:
            for row in c.execute(query):
                if row.branch not in best:
                    best[row.branch] = Rule.from_dict(
                        row.data, country=country, branch=row.branch, position=row.position
                    )
        return best

    def conventions_of(self, country: str) -> dict[str, Convention]:
        with self._read() as c:
            rows = c.execute(select(conventions).where(conventions.c.country == country))
            return {row.convention: Convention.from_dict(row.data, country=country) for row in rows}

    def institutions_for(self, countries_: Iterable[str]) -> list[Institution]:
        """Institutions of these countries, and those of other countries located in them."""
        codes = list(countries_)
        with self._read() as c:
            rows = c.execute(
                select(institutions)
                .where(or_(institutions.c.country.in_(codes), institutions.c.located_in.in_(codes)))
                .order_by(institutions.c.country, institutions.c.id)
            )
            return [Institution.from_dict(row.data, country=row.country) for row in rows]

    def institution(self, institution_id: str) -> Institution | None:
        with self._read() as c:
            row = c.execute(select(institutions).where(institutions.c.id == institution_id)).first()
        return Institution.from_dict(row.data, country=row.country) if row else None

    def schemes_of(self, country: str) -> list[Scheme]:
        with self._read() as c:
            rows = c.execute(select(schemes).where(schemes.c.country == country))
            return [Scheme.from_dict(row.data, country=country) for row in rows]

    def leaving_from(self, country: str) -> list[Leaving]:
        with self._read() as c:
            rows = c.execute(
                select(leaving).where(leaving.c.country == country).order_by(leaving.c.id)
            )
            return [
                Leaving.from_dict(row.data, country=country, position=i)
                for i, row in enumerate(rows)
            ]

    def agreements_between(self, first: str, second: str) -> list[Agreement]:
        with self._read() as c:
            first_ids = select(agreement_parties.c.agreement_id).where(
                agreement_parties.c.country == first
            )
            second_ids = select(agreement_parties.c.agreement_id).where(
                agreement_parties.c.country == second
            )
            rows = c.execute(
                select(agreements)
                .where(agreements.c.id.in_(first_ids), agreements.c.id.in_(second_ids))
                .order_by(agreements.c.id)
            )
            return [Agreement.from_dict(row.data) for row in rows]


def compile_tables(
    root: Path | str | None = None, url: str | None = None
) -> tuple[Tables, TableVersion | None]:
    """Validate a table folder and, only if it is clean, make it the live table."""
    tables = load_tables(root or settings.tables_dir())
    if not tables.ok:
        return tables, None
    return tables, Store.open(url).replace(tables)
