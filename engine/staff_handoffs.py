"""`entitlements handoffs list|close`: requests for a person, in words a welfare-fund clerk reads.

Exit codes: 0 done (also when nobody is waiting), 1 no open request has that reference (unknown
or already closed: nothing changed), 2 the command was typed wrong, 3 the database cannot be
reached. Times are shown as ages ("3 h", "2 days"); `--json` gives UTC timestamps for scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from engine import handoffs
from engine.handoffs import Handoff

NOT_FOUND, DATABASE_DOWN = 1, 3


def age(since: dt.datetime, now: dt.datetime) -> str:
    """ "just now", "12 min", "3 h", "1 day", "5 days": how long someone has waited."""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    days = seconds // 86400
    return "1 day" if days == 1 else f"{days} days"


def ago(since: dt.datetime, now: dt.datetime) -> str:
    text = age(since, now)
    return text if text == "just now" else f"{text} ago"


def _language(code: str) -> str:
    from i18n.names import language_name

    return language_name(code, "en")


def corridor(item: Handoff) -> str:
    from i18n.names import country_name

    def name(code: str | None) -> str:
        return country_name(code, "en") if code else "?"

    return f"{name(item.origin)} → {name(item.destination)}"


def _need(item: Handoff) -> str:
    return item.need or "(no words: tapped “Talk to a person”)"


def table(items: Sequence[Handoff], now: dt.datetime, width: int, show_state: bool) -> str:
    """Aligned columns; the need wraps under its own column so nothing is cut off."""
    heads = ["REFERENCE", "AGE" if show_state else "WAITING", "LANGUAGE", "FROM → TO"]
    if show_state:
        heads.insert(1, "STATE")
    rows = []
    for item in items:
        cells = [item.reference, age(item.created_at, now), _language(item.language)]
        cells.append(corridor(item))
        if show_state:
            cells.insert(1, item.state)
        rows.append(cells)
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    indent = sum(widths) + 2 * len(widths)
    need_width = max(30, width - indent)

    def line(cells: list[str], need: str) -> list[str]:
        left = "".join(c.ljust(w + 2) for c, w in zip(cells, widths, strict=True))
        wrapped = textwrap.wrap(need, need_width) or [""]
        return [left + wrapped[0], *(" " * indent + rest for rest in wrapped[1:])]

    out = line(heads, "NEED")
    for item, cells in zip(items, rows, strict=True):
        out += line(cells, _need(item))
        if show_state and item.state == handoffs.CLOSED:
            closed = f"closed {ago(item.closed_at, now)}" if item.closed_at else "closed"
            note = f"{closed}; note: {item.note}" if item.note else closed
            out += [" " * indent + part for part in textwrap.wrap(note, need_width)]
    return "\n".join(line.rstrip() for line in out)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def cmd_list(args: argparse.Namespace, engine: Engine) -> int:
    items = handoffs.list_all(engine) if args.all else handoffs.list_open(engine)
    if args.json:
        print(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
        return 0
    waiting = sum(1 for i in items if i.state == handoffs.OPEN)
    if not items:
        print("Nobody is waiting for a person." if not args.all else "No requests recorded.")
        return 0
    people = "1 person is" if waiting == 1 else f"{waiting} people are"
    print(f"{people} waiting for a person (oldest first).")
    if args.all:
        print(f"Closed requests listed too: {len(items) - waiting}.")
    print("")
    width = shutil.get_terminal_size((110, 24)).columns
    print(table(items, _now(), width, show_state=args.all))
    print("")
    print('When one is dealt with: entitlements handoffs close REFERENCE --note "what you did"')
    return 0


def cmd_close(args: argparse.Namespace, engine: Engine) -> int:
    code = handoffs.normalise_reference(args.reference)
    try:
        item = handoffs.close(engine, code, args.note)
    except handoffs.NotFound:
        print(
            f"No request has the reference {code}. Check the spelling; "
            "`entitlements handoffs list` shows the open ones. Nothing was changed.",
            file=sys.stderr,
        )
        return NOT_FOUND
    except handoffs.AlreadyClosed:
        earlier = handoffs.get(engine, code)
        closed_at = earlier.closed_at if earlier else None
        when = f" on {closed_at:%Y-%m-%d %H:%M} UTC" if closed_at else ""
        print(f"{code} was already closed{when}. Nothing was changed.", file=sys.stderr)
        return NOT_FOUND
    print(
        f"Closed {item.reference} ({_language(item.language)}, {corridor(item)}; "
        f"asked {ago(item.created_at, _now())})."
    )
    return 0


def _run(command: Callable[[argparse.Namespace, Engine], int]) -> Callable[..., int]:
    def run(args: argparse.Namespace) -> int:
        from engine.store import Store

        try:
            return command(args, Store.open(args.database_url).engine)
        except SQLAlchemyError as exc:  # the type only: the message can quote a staff note
            print(
                f"Cannot read or write the database ({type(exc).__name__}). "
                "Check DATABASE_URL or --database-url.",
                file=sys.stderr,
            )
            return DATABASE_DOWN

    return run


def add_parser(sub: argparse._SubParsersAction) -> None:
    """`entitlements handoffs …`, registered by engine/cli.py."""
    group = sub.add_parser(
        "handoffs",
        help="people who asked to talk to a person: list them, close them",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = group.add_subparsers(dest="handoffs_command", required=True)
    list_ = commands.add_parser("list", help="open requests, the longest-waiting first")
    list_.add_argument("--all", action="store_true", help="closed requests too (until deleted)")
    list_.add_argument("--json", action="store_true", help="machine-readable, times in UTC")
    list_.add_argument("--database-url", default=None, help="default: $DATABASE_URL or SQLite")
    list_.set_defaults(func=_run(cmd_list))
    close = commands.add_parser("close", help="mark a request as dealt with")
    close.add_argument("reference", help="the reference, e.g. H-7K3Q")
    close.add_argument(
        "--note", default=None, help="what you did (no names or phone numbers: they are hidden)"
    )
    close.add_argument("--database-url", default=None, help="default: $DATABASE_URL or SQLite")
    close.set_defaults(func=_run(cmd_close))
