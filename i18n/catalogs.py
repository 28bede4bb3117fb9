"""The translators' workflow for the gettext catalogs: update, draft, compile, report, check.

    python -m i18n.catalogs update            # templates → every language's .po (keeps work)
    python -m i18n.catalogs draft LANG DOMAIN FILE.json   # import machine drafts, marked as such
    python -m i18n.catalogs review LANG DOMAIN [CONTEXT...]   # mark entries as human-reviewed
    python -m i18n.catalogs compile           # msgfmt --check every catalog into .mo files
    python -m i18n.catalogs report            # per language: % translated, % reviewed
    python -m i18n.catalogs check             # CI: shipped languages ≥ 95 %, msgfmt --check clean

Drafts are honest about being drafts: each machine-drafted entry carries the translator comment
`machine-drafted`. A translator comment (not the `fuzzy` flag) survives `update` and Poedit or
Weblate edits, and, unlike `fuzzy`, it does not hide the text from users: an unreviewed draft in
the user's language helps more than English. A reviewer deletes the comment (or runs `review`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from i18n.catalog import LOCALES_DIR

DOMAINS = ("bot", "tables")
# The languages the product ships (issue 3). English is the source language.
SHIPPED = ("ar", "ur", "ne", "hi", "bn", "fil", "id", "am", "sw", "fr", "es")
MIN_TRANSLATED = 95.0
DRAFT_MARK = "machine-drafted"
WIDTH = 100


def po_path(language: str, domain: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write_catalog(path: Path, catalog: Catalog) -> None:
    """Write a catalog, keeping format flags honest.

    Babel adds `python-format` to any message containing `%` ("5% of wages"); msgfmt would then
    check such texts as printf formats and fail. Our texts use `{braces}` only, so the flag is
    dropped wherever `no-python-format` is set.
    """
    for message in catalog:
        if "no-python-format" in message.flags:
            message.flags.discard("python-format")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=WIDTH, sort_output=False, ignore_obsolete=True)


def languages() -> list[str]:
    found = {p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/*.po")}
    return sorted(found | set(SHIPPED))


def update(langs: list[str]) -> None:
    """Merge the templates into every language's catalog, creating missing ones."""
    for domain in DOMAINS:
        template = read(LOCALES_DIR / f"{domain}.pot")
        for lang in langs:
            path = po_path(lang, domain)
            if path.exists():
                catalog = read(path, locale=lang)
            else:
                catalog = Catalog(locale=lang, domain=domain, project=template.project)
            # Exact matches only: a fuzzy guess would hide the entry from users anyway.
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=True)
            write_catalog(path, catalog)
            print(f"{path.relative_to(LOCALES_DIR.parent)}: {_stats(catalog).line()}")


def _is_draft(message: Message) -> bool:
    return any(DRAFT_MARK in comment for comment in message.user_comments)


def _translated(message: Message) -> bool:
    if message.fuzzy:
        return False
    value = message.string
    return all(value) if isinstance(value, tuple | list) else bool(value)


def draft(lang: str, domain: str, source: Path) -> int:
    """Import machine drafts: a JSON list of {"context", "id", "string" | "plural": [...]}.

    Only empty entries are filled: a translator's work is never overwritten by a draft.
    """
    path = po_path(lang, domain)
    catalog = read(path, locale=lang)
    items = json.loads(source.read_text(encoding="utf-8"))
    filled = skipped = unknown = 0
    for item in items:
        message = catalog.get(item["id"], context=item.get("context"))
        if message is None and isinstance(item["id"], str):
            message = next(
                (m for m in catalog if isinstance(m.id, tuple) and m.id[0] == item["id"]
                 and m.context == item.get("context")),
                None,
            )
        if message is None:
            unknown += 1
            continue
        if _translated(message):
            skipped += 1
            continue
        message.string = tuple(item["plural"]) if "plural" in item else item["string"]
        if not _is_draft(message):
            message.user_comments.append(DRAFT_MARK)
        filled += 1
    write_catalog(path, catalog)
    print(f"{path}: {filled} drafted, {skipped} already translated, {unknown} not in catalog")
    return 1 if unknown else 0


def review(lang: str, domain: str, contexts: list[str]) -> None:
    """Mark entries as reviewed by a person (all, or those with the given contexts)."""
    path = po_path(lang, domain)
    catalog = read(path, locale=lang)
    for message in catalog:
        if not contexts or message.context in contexts:
            message.user_comments = [c for c in message.user_comments if DRAFT_MARK not in c]
    write_catalog(path, catalog)


@dataclass
class Stats:
    total: int
    translated: int
    reviewed: int

    @property
    def translated_pct(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def reviewed_pct(self) -> float:
        return 100.0 * self.reviewed / self.total if self.total else 100.0

    def line(self) -> str:
        return (
            f"{self.translated}/{self.total} translated ({self.translated_pct:.1f} %), "
            f"{self.reviewed} reviewed ({self.reviewed_pct:.1f} %)"
        )


def _stats(catalog: Catalog) -> Stats:
    messages = [m for m in catalog if m.id]
    translated = [m for m in messages if _translated(m)]
    reviewed = [m for m in translated if not _is_draft(m)]
    return Stats(len(messages), len(translated), len(reviewed))


def stats(lang: str) -> Stats:
    total = Stats(0, 0, 0)
    for domain in DOMAINS:
        path = po_path(lang, domain)
        if path.exists():
            s = _stats(read(path, locale=lang))
        else:
            s = Stats(len([m for m in read(LOCALES_DIR / f"{domain}.pot") if m.id]), 0, 0)
        total = Stats(total.total + s.total, total.translated + s.translated,
                      total.reviewed + s.reviewed)
    return total


def report() -> None:
    print(f"{'language':<10}{'messages':>9}{'translated':>12}{'reviewed':>10}  shipped")
    for lang in languages():
        s = stats(lang)
        shipped = "yes" if lang in SHIPPED else "no"
        print(f"{lang:<10}{s.total:>9}{s.translated_pct:>11.1f}%{s.reviewed_pct:>9.1f}%  {shipped}")


def msgfmt() -> str:
    found = shutil.which("msgfmt")
    if not found:
        raise SystemExit("msgfmt not found: install Debian's gettext (scripts/install-gettext)")
    return found


def compile_all(write_mo: bool = True) -> list[str]:
    """Run `msgfmt --check` on every catalog; returns the errors (placeholders, syntax)."""
    errors: list[str] = []
    for path in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/*.po")):
        out = path.with_suffix(".mo") if write_mo else Path("/dev/null")
        result = subprocess.run(
            [msgfmt(), "--check", "-o", str(out), str(path)], capture_output=True, text=True
        )
        if result.returncode != 0:
            errors.append(result.stderr.strip() or f"{path}: msgfmt failed")
    return errors


def check() -> int:
    """What CI enforces: every shipped language ≥ MIN_TRANSLATED %, msgfmt --check clean."""
    failures = compile_all(write_mo=False)
    for lang in SHIPPED:
        s = stats(lang)
        if s.translated_pct < MIN_TRANSLATED:
            failures.append(
                f"{lang}: {s.translated_pct:.1f} % translated, below {MIN_TRANSLATED:.0f} % "
                "(run `make messages`, then translate the empty entries)"
            )
    for failure in failures:
        print(failure, file=sys.stderr)
    if not failures:
        print(f"translations: {len(SHIPPED)} shipped languages ≥ {MIN_TRANSLATED:.0f} %, "
              "msgfmt --check clean")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m i18n.catalogs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_update = sub.add_parser("update")
    p_update.add_argument("languages", nargs="*")
    p_draft = sub.add_parser("draft")
    p_draft.add_argument("language")
    p_draft.add_argument("domain", choices=DOMAINS)
    p_draft.add_argument("file", type=Path)
    p_review = sub.add_parser("review")
    p_review.add_argument("language")
    p_review.add_argument("domain", choices=DOMAINS)
    p_review.add_argument("contexts", nargs="*")
    sub.add_parser("compile")
    sub.add_parser("report")
    sub.add_parser("check")
    args = parser.parse_args(argv)
    if args.command == "update":
        update(args.languages or languages())
    elif args.command == "draft":
        return draft(args.language, args.domain, args.file)
    elif args.command == "review":
        review(args.language, args.domain, args.contexts)
    elif args.command == "compile":
        errors = compile_all()
        for error in errors:
            print(error, file=sys.stderr)
        return 1 if errors else 0
    elif args.command == "report":
        report()
    elif args.command == "check":
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
