"""`entitlements`: the staff's command for checking and publishing the tables.

Staff run `entitlements validate` after every edit; `entitlements compile` publishes a clean table
into the store the bot reads. A table with errors is never compiled: the live one keeps serving.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine import settings, staff_handoffs
from engine.loader import load_tables
from engine.reports import (
    coverage_of_tables,
    format_coverage,
    format_stale,
    stale_facts,
    write_html,
)
from engine.schema import AGREEMENTS_FILE, COUNTRY_FILE
from engine.store import compile_tables


def _print_problems(problems: list) -> None:
    for problem in problems:
        print(problem)


def untranslated_texts(root: Path | str) -> list[str]:
    """Warnings for table texts that are not in the translation template yet.

    A new or edited summary is shown in English in every language until `make messages` has
    put it into locales/tables.pot and translators have translated it: staff should know.
    """
    from babel.messages.pofile import read_po

    from i18n.catalog import LOCALES_DIR
    from i18n.extract import table_messages

    template = LOCALES_DIR / "tables.pot"
    if not template.exists():
        return []
    with template.open("rb") as handle:
        known = {m.id for m in read_po(handle) if m.id}
    return [
        f"{Path(file).name}:{line}:1: warning: this text is not in the translation catalogs yet "
        "— run `make messages`, then translate it (until then every language shows it in English)"
        for text, file, line in table_messages(Path(root))
        if text not in known
    ]


def cmd_validate(args: argparse.Namespace) -> int:
    tables = load_tables(args.dir)
    _print_problems(tables.problems)
    untranslated = untranslated_texts(args.dir) if tables.ok else []
    _print_problems(untranslated)
    errors = len(tables.errors)
    warnings = len(tables.problems) - errors + len(untranslated)
    files = len(tables.documents)
    if errors:
        print(
            f"\n{errors} error(s), {warnings} warning(s). Nothing was published.", file=sys.stderr
        )
        return 1
    print(f"OK: {files} file(s) valid, {warnings} warning(s).")
    return 0


def cmd_compile(args: argparse.Namespace) -> int:
    tables, version = compile_tables(args.dir, args.database_url)
    _print_problems(tables.problems)
    if version is None:
        print(
            f"\n{len(tables.errors)} error(s): the table was NOT compiled; "
            "the live table is unchanged.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Compiled {len(version.files)} file(s) as version {version.id} "
        f"({version.content_hash}) into {args.database_url or settings.database_url()}."
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "country.schema.json").write_text(json.dumps(COUNTRY_FILE, indent=2) + "\n")
    (out / "agreements.schema.json").write_text(json.dumps(AGREEMENTS_FILE, indent=2) + "\n")
    print(f"Wrote the JSON schemas to {out}/ (point your editor's YAML extension at them).")
    return 0


def cmd_stale(args: argparse.Namespace) -> int:
    facts = stale_facts(args.dir, args.months)
    print(format_stale(facts, args.months))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    try:
        report = coverage_of_tables(args.dir)
    except ValueError as exc:  # the tables have errors: nothing to measure
        print(f"{exc}\n\nFix these first (see `entitlements validate`).", file=sys.stderr)
        return 1
    print(format_coverage(report))
    print(f"\nHeat map: {write_html(report, args.html)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from engine.store import Store
    from engine.usage import report

    store = Store.open(args.database_url)
    print("\n".join(report(store.engine, days=args.days).lines(top=args.top)))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from engine.diff import run

    code, report = run(args.old, args.new)
    print(report, file=sys.stderr if code == 2 else sys.stdout)
    return code


def cmd_briefing(args: argparse.Namespace) -> int:
    from engine import briefing
    from engine.store import Store

    try:
        store = Store.from_tables(args.dir)
    except ValueError as exc:
        print(f"{exc}\n\nFix these first (see `entitlements validate`).", file=sys.stderr)
        return 1
    out = Path(args.out)
    origin = args.origin.upper() if args.origin else None
    destination = args.destination.upper() if args.destination else None
    if args.all_sectors:
        pairs = [
            (o, d)
            for o, d in briefing.corridors(store)
            if (origin is None or o == origin) and (destination is None or d == destination)
        ]
        for o, d in pairs:
            print(briefing.write_slides(store, o, d, args.lang, out, args.chat_url))
        return 0 if pairs else 1
    if not (origin and destination):
        print("briefing: --origin and --destination are required", file=sys.stderr)
        return 2
    html_file, pdf_file, made = briefing.write_handout(
        store,
        origin,
        destination,
        args.sector,
        args.lang,
        out,
        chat_url=args.chat_url,
        whatsapp_number=args.whatsapp_number,
        pdf=not args.no_pdf,
    )
    print(html_file)
    if pdf_file:
        print(pdf_file)
    print(f"Web chat: {made.chat_url}")
    if made.whatsapp_url:
        print(f"WhatsApp: {made.whatsapp_url}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="entitlements", description="Check and publish the entitlement tables."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check the YAML tables and report every problem")
    validate.add_argument("dir", nargs="?", default=str(settings.tables_dir()))
    validate.set_defaults(func=cmd_validate)
    compile_ = sub.add_parser("compile", help="validate, then publish the tables to the store")
    compile_.add_argument("dir", nargs="?", default=str(settings.tables_dir()))
    compile_.add_argument("--database-url", default=None, help="default: $DATABASE_URL or SQLite")
    compile_.set_defaults(func=cmd_compile)
    schema = sub.add_parser("schema", help="write the JSON schemas for editors")
    schema.add_argument("--out", default=str(settings.tables_dir()))
    schema.set_defaults(func=cmd_schema)
    stale = sub.add_parser("stale", help="list facts not reviewed for N months, oldest first")
    stale.add_argument("dir", nargs="?", default=str(settings.tables_dir()))
    stale.add_argument("--months", type=int, default=12, help="default: 12")
    stale.set_defaults(func=cmd_stale)
    coverage = sub.add_parser("coverage", help="what the bot knows per destination, branch, status")
    coverage.add_argument("dir", nargs="?", default=str(settings.tables_dir()))
    coverage.add_argument("--html", default="test-artifacts/coverage.html", help="heat map page")
    coverage.set_defaults(func=cmd_coverage)
    report_ = sub.add_parser("report", help="anonymous usage: corridors, topics, unknown answers")
    report_.add_argument("--days", type=int, default=30, help="default: 30")
    report_.add_argument("--top", type=int, default=10, help="rows per section (default: 10)")
    report_.add_argument("--database-url", default=None, help="default: $DATABASE_URL or SQLite")
    report_.set_defaults(func=cmd_report)
    diff = sub.add_parser(
        "diff", help="which answers change between two table folders or git revisions"
    )
    diff.add_argument("old", help="folder, git revision (e.g. HEAD~1), or - for the working tree")
    diff.add_argument("new", help="folder, git revision, or - for the working tree")
    diff.set_defaults(func=cmd_diff)
    brief = sub.add_parser("briefing", help="a one-page pre-departure handout (HTML and PDF)")
    brief.add_argument("--origin", help="origin country code, e.g. NP")
    brief.add_argument("--destination", help="destination country code, e.g. QA")
    brief.add_argument("--sector", default=None, help="e.g. construction (default: any)")
    brief.add_argument("--lang", default="en", help="language code, e.g. ne, ar")
    brief.add_argument("--out", default="briefings", help="folder (default: briefings/)")
    brief.add_argument("--dir", default=str(settings.tables_dir()), help="table folder")
    brief.add_argument("--chat-url", default="http://127.0.0.1:5005/webhooks/webchat/")
    brief.add_argument("--whatsapp-number", default=None, help="the bot's WhatsApp number")
    brief.add_argument("--all-sectors", action="store_true", help="trainer mode: slide pages")
    brief.add_argument("--no-pdf", action="store_true", help="HTML only")
    brief.set_defaults(func=cmd_briefing)
    staff_handoffs.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
