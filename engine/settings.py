"""Where the tables and the store live, from the environment with offline defaults.

The embedded default needs no service: a SQLite file under `var/` in the project. Production
points `DATABASE_URL` at PostgreSQL (`postgresql://user:password@host:5432/db`), and sizes each
process's connection pool from the environment so that N action servers and N Rasa servers
together stay under PostgreSQL's `max_connections` (README, "Production set-up").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Small on purpose: an action server runs its actions on one event loop, so it rarely holds more
# than one connection at a time (plus the table watcher's); every extra pooled connection is
# multiplied by the number of processes.
DEFAULT_POOL_SIZE = 2
DEFAULT_MAX_OVERFLOW = 2


def tables_dir() -> Path:
    return Path(os.environ.get("ENTITLEMENTS_DIR", PROJECT_ROOT / "entitlements"))


def database_url() -> str:
    default = f"sqlite:///{PROJECT_ROOT / 'var' / 'entitlements.sqlite3'}"
    return os.environ.get("DATABASE_URL", default)


@dataclass(frozen=True)
class Pool:
    """SQLAlchemy `QueuePool` sizes for one process: at most `size + max_overflow` connections."""

    size: int
    max_overflow: int

    @property
    def most(self) -> int:
        return self.size + self.max_overflow


def pool() -> Pool:
    """The entitlement store's pool, from `ENTITLEMENTS_POOL_SIZE` / `ENTITLEMENTS_MAX_OVERFLOW`.

    A value that is not a whole number ≥ 0 (≥ 1 for the size) is refused at start-up rather than
    silently replaced: a wrong pool size shows up only under load, when it is hardest to find.
    """
    return Pool(
        _whole("ENTITLEMENTS_POOL_SIZE", DEFAULT_POOL_SIZE, minimum=1),
        _whole("ENTITLEMENTS_MAX_OVERFLOW", DEFAULT_MAX_OVERFLOW, minimum=0),
    )


def _whole(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


DEFAULT_HANDOFF_REPLY_DAYS = 2


def handoff_reply_days() -> int:
    """Within how many working days staff promise to read a request for a person.

    The bot tells the person this number (`HANDOFF_REPLY_DAYS`, default 2): set it to what the
    welfare fund's staff can really keep, because the person has no other way to hear back.
    """
    return _whole("HANDOFF_REPLY_DAYS", DEFAULT_HANDOFF_REPLY_DAYS, minimum=1)


DEFAULT_RETENTION_DAYS = 30


def retention_days() -> int:
    """How long conversations are kept (`RETENTION_DAYS`, default 30).

    One setting for the deletion job (`python -m privacy.retention`) and for the privacy notice,
    so what the bot promises is what the job does.
    """
    return _whole("RETENTION_DAYS", DEFAULT_RETENTION_DAYS, minimum=1)
