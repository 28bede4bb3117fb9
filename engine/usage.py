"""Anonymous usage counters for staff: what people ask about, and where the tables fail them.

Only counts, per day: which corridor was asked about, which topic, which language, and which
answers were "unknown" — never a sender id, a message, a time finer than the day, or anything
that could single out a person. A corridor asked about once a day is still only a number.
`entitlements report` prints them so staff know which tables to complete first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from engine import settings

metadata = MetaData()

usage = Table(
    "usage_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(20), primary_key=True),  # corridor, topic, language, unknown
    Column("key", String(64), primary_key=True),
    Column("count", Integer, nullable=False, default=0),
)

KINDS = ("corridor", "topic", "language", "unknown")


@lru_cache(maxsize=8)
def _ensure_table(engine: Engine) -> Engine:
    """Create the counters table once per engine, not on every counted answer."""
    metadata.create_all(engine)
    return engine


def count(engine: Engine, events: Iterable[tuple[str, str]], day: dt.date | None = None) -> None:
    """Add one to each (kind, key) for `day` (today); safe under concurrent writers."""
    day = day or dt.date.today()
    tally = Counter((kind, key[:64]) for kind, key in events if kind in KINDS and key)
    if not tally:
        return
    _ensure_table(engine)
    with engine.begin() as connection:
        for (kind, key), n in tally.items():
            where = (usage.c.day == day) & (usage.c.kind == kind) & (usage.c.key == key)
            done = connection.execute(update(usage).where(where).values(count=usage.c.count + n))
            if done.rowcount:
                continue
            try:
                with connection.begin_nested():
                    connection.execute(usage.insert().values(day=day, kind=kind, key=key, count=n))
            except IntegrityError:  # another process inserted it first
                connection.execute(update(usage).where(where).values(count=usage.c.count + n))


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"check_same_thread": False})
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)


def count_in_default_store(events: Iterable[tuple[str, str]]) -> None:
    """`count` into the database the tables are published to ($DATABASE_URL), from processes
    that have no store open (the Rasa server's NLG counts fallbacks)."""
    count(_engine_for(settings.database_url()), events)


@dataclass
class Report:
    since: dt.date
    until: dt.date
    counts: dict[str, Counter]

    def lines(self, top: int = 10) -> list[str]:
        titles = {
            "corridor": "Corridors asked about (origin → destination)",
            "topic": "Topics",
            "language": "Languages",
            "unknown": "Answers the tables did not know (destination / branch)",
        }
        out = [f"Anonymous usage {self.since} to {self.until} (counts only, no personal data)"]
        for kind in KINDS:
            counter = self.counts.get(kind, Counter())
            out.append("")
            out.append(f"{titles[kind]}: {sum(counter.values())}")
            for key, n in counter.most_common(top):
                out.append(f"  {n:>6}  {key}")
            if not counter:
                out.append("  (none)")
        return out


def report(engine: Engine, days: int = 30, today: dt.date | None = None) -> Report:
    """Totals per kind and key over the last `days` days."""
    until = today or dt.date.today()
    since = until - dt.timedelta(days=days - 1)
    _ensure_table(engine)
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    query = select(usage.c.kind, usage.c.key, usage.c.count).where(
        (usage.c.day >= since) & (usage.c.day <= until)
    )
    with engine.connect() as connection:
        for kind, key, n in connection.execute(query):
            counts.setdefault(kind, Counter())[key] += n
    return Report(since, until, counts)
