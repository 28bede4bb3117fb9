"""`entitlements`: the staff's command for checking and publishing the tables.

Staff run `entitlements validate` after every edit; `entitlements compile` publishes a clean table
into the store the bot reads. A table with errors is never compiled: the live one keeps serving.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine import settings
from engine.loader import load_tables
from engine.schema import AGREEMENTS_FILE, COUNTRY_FILE
from engine.store import compile_tables


def _print_problems(problems: list) -> None:
    for problem in problems:
        print(problem)


def cmd_validate(args: argparse.Namespace) -> int:
    tables = load_tables(args.dir)
    _print_problems(tables.problems)
    errors, warnings = len(tables.errors), len(tables.problems) - len(tables.errors)
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
