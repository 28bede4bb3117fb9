"""Requests for a person ("handoffs"), kept for the welfare-fund staff who answer them.

A row holds only what staff need to act: a short reference the person can quote on the phone,
the pseudonymous sender id (never a phone number: channels pseudonymize at their entry), the
language, the profile (origin, destination, status, sector) and the person's stated need — the
message that asked for a person, with phone numbers, long digit runs and e-mail addresses masked
and cut short, plus the topic they were asking about. No name, no phone, no conversation.

One open handoff per sender (a partial unique index enforces it, also across processes): asking
again adds the new words to the same request and keeps its reference and age. Staff list and
close them with `entitlements handoffs`; closed ones are deleted after a retention period by
`purge_closed`. Works on SQLite and PostgreSQL (SQLAlchemy Core); times are naive UTC.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

__all__ = [
    "AlreadyClosed",
    "Handoff",
    "NotFound",
    "close",
    "forget",
    "list_all",
    "list_open",
    "mask",
    "normalise_reference",
    "open_or_update",
    "purge_closed",
    "stated_need",
]

OPEN, CLOSED = "open", "closed"
# No 0/O, 1/I/L, 5/S or 8/B: a reference read out over a bad phone line is still unambiguous.
ALPHABET = "2345679ACDEFGHJKMNPQRTUVWXYZ"
REFERENCE_LENGTH = 4  # 28**4 = 614,656 references; collisions are retried
PREFIX = "H-"
NEED_CHARS = 300
NOTE_CHARS = 500
TOPIC_CHARS = 60
ATTEMPTS = 20

metadata = MetaData()

handoffs = Table(
    "handoffs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(8), nullable=False, unique=True),
    Column("sender_id", String(128), nullable=False),
    Column("language", String(8), nullable=False),
    Column("origin", String(2)),
    Column("destination", String(2)),
    Column("status", String(32)),
    Column("sector", String(32)),
    Column("need", String(NEED_CHARS), nullable=False),
    Column("created_at", DateTime, nullable=False),  # UTC
    Column("state", String(6), nullable=False, default=OPEN),
    Column("closed_at", DateTime),  # UTC
    Column("note", String(NOTE_CHARS)),
)
# At most one open request per person, even when two processes record at the same moment.
Index(
    "handoffs_one_open_per_sender",
    handoffs.c.sender_id,
    unique=True,
    sqlite_where=handoffs.c.state == OPEN,
    postgresql_where=handoffs.c.state == OPEN,
)
Index("handoffs_state_created", handoffs.c.state, handoffs.c.created_at)


class NotFound(LookupError):
    """No handoff has this reference."""


class AlreadyClosed(ValueError):
    """The handoff was closed before; closing it again would overwrite the first note."""


@dataclass(frozen=True)
class Handoff:
    reference: str
    sender_id: str
    language: str
    origin: str | None
    destination: str | None
    status: str | None
    sector: str | None
    need: str
    created_at: dt.datetime
    state: str
    closed_at: dt.datetime | None
    note: str | None

    def as_json(self) -> dict[str, Any]:
        """For `--json`: times as ISO 8601 with an explicit UTC offset."""
        data = dict(self.__dict__)
        for name in ("created_at", "closed_at"):
            value = data[name]
            data[name] = value.replace(tzinfo=dt.timezone.utc).isoformat() if value else None
        return data


# --- what may be stored of a message ------------------------------------------------------------

_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[^\s@<>()\[\],;:\"']+")
# A run of digits in any script (`\d` is Unicode: Arabic-Indic ٠-٩, Persian/Urdu ۰-۹, Devanagari
# ०-९, Bengali ০-৯, full-width ０-９ …) joined by the separators people put in phone numbers,
# including the invisible direction marks right-to-left keyboards insert.
_DIGIT_RUN = re.compile(
    r"\+?\d(?:[\s\-./()\u00a0\u2007\u202f\u2010-\u2015\u200e\u200f\u2066-\u2069]{0,3}\d)*"
)
MIN_MASKED_DIGITS = 6  # phone numbers, passport / ID / account numbers; not "3 months" or "1500"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")


def _mask_digits(match: re.Match[str]) -> str:
    text = match.group(0)
    return "[number]" if sum(c.isdigit() for c in text) >= MIN_MASKED_DIGITS else text


def mask(text: str | None) -> str:
    """The text with e-mail addresses and phone-like digit runs replaced, on one line."""
    text = _CONTROL.sub(" ", text or "")
    text = _EMAIL.sub("[e-mail]", text)
    text = _DIGIT_RUN.sub(_mask_digits, text)
    return _SPACE.sub(" ", text).strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stated_need(text: str | None, topic: str | None = None) -> str:
    """What a person asked for, safe to keep: the topic, then their masked words, ≤ 300 chars.

    Masking happens before cutting, so a phone number at the cut cannot leave digits behind.
    """
    words = mask(text)
    about = _cut(mask(topic), TOPIC_CHARS) if topic else ""
    need = f"{about}: {words}" if about and words else about or words
    return _cut(need, NEED_CHARS)


def _merged_need(new: str, old: str) -> str:
    """The newest words first, the earlier ones after, so asking again never loses context."""
    if not new or new == old or old.startswith(new):
        return old or new
    return _cut(f"{new} | {old}", NEED_CHARS)


# --- references ---------------------------------------------------------------------------------


def new_reference() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(value: str) -> str:
    """What a clerk types or pastes (`h7k3q`, `H 7K3Q`, `h-7k3q` with direction marks from a
    right-to-left chat) → `H-7K3Q`."""
    code = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if len(code) == REFERENCE_LENGTH + 1 and code.startswith(PREFIX[0]):
        code = code[1:]  # the prefix, typed without its dash (the code itself may start with H)
    return PREFIX + code


# --- the table ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _ensure_table(engine: Engine) -> Engine:
    """Create the table once per engine (databases from before it existed need no migration)."""
    metadata.create_all(engine)
    return engine


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _row(row: Any) -> Handoff:
    return Handoff(**{name: row._mapping[name] for name in Handoff.__dataclass_fields__})


def _columns() -> list[Column]:
    return [handoffs.c[name] for name in Handoff.__dataclass_fields__]


def _open_for(connection: Connection, sender_id: str) -> Handoff | None:
    query = select(*_columns()).where(
        (handoffs.c.sender_id == sender_id) & (handoffs.c.state == OPEN)
    )
    row = connection.execute(query).first()
    return _row(row) if row else None


def _code(value: Any, length: int) -> str | None:
    return str(value)[:length] if value else None


def open_or_update(
    engine: Engine,
    sender_id: str,
    language: str,
    profile: Mapping[str, Any],
    text: str | None,
    topic: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Handoff, bool]:
    """Record that `sender_id` asked for a person; returns (the handoff, whether it is new).

    A person with an open request keeps it: its need gets the new words, its profile the newest
    known values, and its reference and creation time stay (staff see how long they waited).
    """
    _ensure_table(engine)
    need = stated_need(text, topic)
    fields = {
        "language": _code(language, 8) or "en",
        **{name: _code(profile.get(name), 2) for name in ("origin", "destination")},
        **{name: _code(profile.get(name), 32) for name in ("status", "sector")},
    }
    for _ in range(ATTEMPTS):
        with engine.begin() as connection:
            existing = _open_for(connection, sender_id)
            if existing is not None:
                changes = {k: v for k, v in fields.items() if v is not None}
                changes["need"] = _merged_need(need, existing.need)
                connection.execute(
                    update(handoffs)
                    .where(
                        (handoffs.c.reference == existing.reference) & (handoffs.c.state == OPEN)
                    )
                    .values(**changes)
                )
                return _open_for(connection, sender_id) or existing, False
        row = {
            **fields,
            "reference": new_reference(),
            "sender_id": sender_id,
            "need": need,
            "created_at": now or _now(),
            "state": OPEN,
        }
        try:
            with engine.begin() as connection:
                connection.execute(insert(handoffs).values(**row))
                created = _open_for(connection, sender_id)
        except IntegrityError:  # the reference was taken, or this sender opened one just now
            continue
        if created is not None:
            return created, True
    raise RuntimeError("could not record the handoff: no free reference after several tries")


def list_open(engine: Engine) -> list[Handoff]:
    """Open handoffs, the longest-waiting first."""
    _ensure_table(engine)
    query = (
        select(*_columns())
        .where(handoffs.c.state == OPEN)
        .order_by(handoffs.c.created_at, handoffs.c.id)
    )
    with engine.connect() as connection:
        return [_row(row) for row in connection.execute(query)]


def list_all(engine: Engine) -> list[Handoff]:
    """Open and closed handoffs (until purged), oldest first."""
    _ensure_table(engine)
    query = select(*_columns()).order_by(handoffs.c.created_at, handoffs.c.id)
    with engine.connect() as connection:
        return [_row(row) for row in connection.execute(query)]


def get(engine: Engine, reference: str) -> Handoff | None:
    _ensure_table(engine)
    query = select(*_columns()).where(handoffs.c.reference == normalise_reference(reference))
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return _row(row) if row else None


def close(
    engine: Engine, reference: str, note: str | None = None, now: dt.datetime | None = None
) -> Handoff:
    """Close an open handoff with an optional staff note (masked like a need: no phone numbers).

    Raises `NotFound` for an unknown reference and `AlreadyClosed` for a closed one, so a
    mistyped reference never closes someone else's request silently.
    """
    _ensure_table(engine)
    code = normalise_reference(reference)
    values = {
        "state": CLOSED,
        "closed_at": now or _now(),
        "note": _cut(mask(note), NOTE_CHARS) or None,
    }
    with engine.begin() as connection:
        done = connection.execute(
            update(handoffs)
            .where((handoffs.c.reference == code) & (handoffs.c.state == OPEN))
            .values(**values)
        )
        row = connection.execute(select(*_columns()).where(handoffs.c.reference == code)).first()
    if row is None:
        raise NotFound(code)
    if not done.rowcount:
        raise AlreadyClosed(code)
    return _row(row)


def forget(target: Engine | str, sender_id: str) -> int:
    """Delete every request of one person (open or closed): "forget me" takes them back too.

    `target` is an engine or a database URL (the tracker store calls it with $DATABASE_URL);
    returns how many were deleted.
    """
    if isinstance(target, str):
        engine = create_engine(target)
        try:
            metadata.create_all(engine)
            return _delete_sender(engine, sender_id)
        finally:
            engine.dispose()
    _ensure_table(target)
    return _delete_sender(target, sender_id)


def _delete_sender(engine: Engine, sender_id: str) -> int:
    with engine.begin() as connection:
        done = connection.execute(delete(handoffs).where(handoffs.c.sender_id == sender_id))
    return int(done.rowcount or 0)


def purge_closed(engine: Engine, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete handoffs closed more than `older_than_days` days ago; returns how many.

    Open ones are never purged: a person who is still waiting must not disappear.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must be 0 or more")
    _ensure_table(engine)
    cutoff = (now or _now()) - dt.timedelta(days=older_than_days)
    with engine.begin() as connection:
        done = connection.execute(
            delete(handoffs).where((handoffs.c.state == CLOSED) & (handoffs.c.closed_at < cutoff))
        )
    return int(done.rowcount or 0)
