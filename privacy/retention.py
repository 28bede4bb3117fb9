"""Delete old conversation events from the tracker store (run daily from cron).

    python -m privacy.retention                       # 30 days, the store of endpoints.yml
    python -m privacy.retention --days 14 --endpoints endpoints.production.yml
    python -m privacy.retention --dry-run             # count only

Why events and not whole conversations: a person who came back within the period keeps the
profile, because Rasa writes the carried-over slots again at the start of every session; anything
said before the cut-off goes. Closed handoff requests older than the period go too. The store is
the one Rasa uses (read from the endpoints file, `${VARS}` expanded as Rasa does), so the command
works on SQLite and PostgreSQL alike.

Cron (03:17 every day, as the user that runs the bot):
    17 3 * * * cd /srv/assistant && .venv/bin/python -m privacy.retention --days 30 \
        >> var/retention.log 2>&1   (one line in the crontab)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

DAY = 86_400


@dataclass(frozen=True)
class Purge:
    events: int
    conversations: int
    handoffs: int


def tracker_store_url(endpoints: Path) -> sa.engine.URL:
    """The SQLAlchemy URL of the SQL tracker store configured in an endpoints file."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or not config.type or "sql" not in config.type.lower():
        raise SystemExit(f"{endpoints}: no SQL tracker store configured (tracker_store: type: SQL)")
    kwargs = config.kwargs
    return SQLTrackerStore.get_db_url(
        dialect=kwargs.get("dialect", "sqlite"),
        host=config.url,
        port=kwargs.get("port"),
        db=kwargs.get("db", "rasa.db"),
        username=kwargs.get("username"),
        password=kwargs.get("password"),
        login_db=kwargs.get("login_db"),
        query=kwargs.get("query"),
    )


def purge_events(url: str | sa.engine.URL, days: int, dry_run: bool = False) -> tuple[int, int]:
    """Delete (or count) events older than `days`; returns (events, conversations left empty)."""
    cutoff = time.time() - days * DAY
    engine = sa.create_engine(url)
    events = sa.table("events", sa.column("sender_id"), sa.column("timestamp"), sa.column("id"))
    try:
        with engine.begin() as db:
            if not sa.inspect(db).has_table("events"):
                return 0, 0
            old = events.c.timestamp < cutoff
            count = db.execute(sa.select(sa.func.count()).select_from(events).where(old)).scalar()
            senders = {row[0] for row in db.execute(sa.select(events.c.sender_id).where(old))}
            recent = {
                row[0] for row in db.execute(sa.select(events.c.sender_id).where(~old).distinct())
            }
            if not dry_run:
                db.execute(events.delete().where(old))
            return int(count or 0), len(senders - recent)
    finally:
        engine.dispose()


def purge_handoffs(days: int, dry_run: bool) -> int:
    """Closed handoff requests older than the period (open ones stay until staff close them)."""
    from engine import handoffs, settings

    if dry_run:
        return 0
    engine = sa.create_engine(settings.database_url())
    try:
        return handoffs.purge_closed(engine, days)
    finally:
        engine.dispose()


def run(endpoints: Path, days: int, dry_run: bool = False) -> Purge:
    events, conversations = purge_events(tracker_store_url(endpoints), days, dry_run)
    return Purge(events, conversations, purge_handoffs(days, dry_run))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m privacy.retention", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help="keep this many days (default: RETENTION_DAYS, or 30)",
    )
    parser.add_argument(
        "--endpoints",
        type=Path,
        default=Path("endpoints.yml"),
        help="the Rasa endpoints file whose tracker store to clean",
    )
    parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    args = parser.parse_args(argv)
    if args.days is None:
        from engine import settings

        args.days = settings.retention_days()
    if args.days < 1:
        parser.error("--days must be 1 or more")
    result = run(args.endpoints, args.days, args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb} {result.events} events older than {args.days} days "
        f"({result.conversations} conversations now gone entirely), "
        f"{result.handoffs} closed handoff requests"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
