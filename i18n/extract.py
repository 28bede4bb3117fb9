"""Extract every user-facing text into gettext templates (`make messages`).

`locales/bot.pot`: the domain's responses (msgctxt = response name) and `i18n/strings.yml`
(msgctxt = key). `locales/tables.pot`: the translatable fields of the entitlement tables. One
workflow for bot text and table text: translators get standard .po files for Poedit or Weblate.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog

from engine.loader import read_document, table_files
from engine.schema import TRANSLATABLE_FIELDS
from i18n.catalog import LOCALES_DIR, STRINGS_FILE
from i18n.catalogs import write_catalog

ROOT = LOCALES_DIR.parent
DOMAIN_DIR = ROOT / "bot" / "domain"
TABLES_DIR = ROOT / "entitlements"


def _rel(path: Path) -> str:
    """The location translators see: relative to the project, else as given."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# strings.yml keys shown as button titles (WhatsApp allows 20 characters).
BUTTON_KEYS = ("branch.", "button.", "status.", "sector.")
BUTTON_NOTE = "Button title: at most 20 characters (WhatsApp)."


def _flags(message: str | tuple[str, str]) -> list[str]:
    """Brace placeholders are checked by msgfmt; `%` in a text ("5% of wages") is not a format."""
    texts = message if isinstance(message, tuple) else (message,)
    flags = ["python-brace-format"] if any("{" in text for text in texts) else []
    return [*flags, "no-python-format"]


def response_messages(
    domain_dir: Path = DOMAIN_DIR,
) -> Iterator[tuple[str, str, str, int, bool]]:
    """(context, msgid, file, line, is_button) for every response text and button title."""
    for path in sorted(domain_dir.glob("*.yml")):
        document, _ = read_document(path)
        if document is None or not isinstance(document.data, dict):
            continue
        for name, variations in (document.data.get("responses") or {}).items():
            for i, variation in enumerate(variations):
                if isinstance(variation.get("text"), str):
                    line, _ = document.where(("responses", name, i, "text"))
                    yield name, variation["text"], _rel(path), line, False
                for j, button in enumerate(variation.get("buttons") or []):
                    line, _ = document.where(("responses", name, i, "buttons", j, "title"))
                    yield name, button["title"], _rel(path), line, True


def string_messages(
    path: Path = STRINGS_FILE,
) -> Iterator[tuple[str, str | tuple[str, str], str, int]]:
    document, _ = read_document(path)
    assert document is not None
    for key, value in document.data.items():
        line, _ = document.where((key,))
        message = (value["one"], value["other"]) if isinstance(value, dict) else value
        yield key, message, _rel(path), line


def _translatable(data: Any, at: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in TRANSLATABLE_FIELDS:
                if isinstance(value, str):
                    yield (*at, key), value
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, str):
                            yield (*at, key, i), item
            else:
                yield from _translatable(value, (*at, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _translatable(item, (*at, i))


def table_messages(root: Path = TABLES_DIR) -> Iterator[tuple[str, str, int]]:
    for path in table_files(root):
        document, _ = read_document(path)
        if document is None:
            continue
        for at, text in _translatable(document.data):
            yield text, _rel(path), document.where(at)[0]


def bot_catalog() -> Catalog:
    catalog = Catalog(project="migrant-protection-assistant", domain="bot")
    for context, message, file, line, is_button in response_messages():
        catalog.add(
            message,
            locations=[(file, line)],
            context=context,
            flags=_flags(message),
            auto_comments=[BUTTON_NOTE] if is_button else [],
        )
    for context, message, file, line in string_messages():
        catalog.add(
            message,
            locations=[(file, line)],
            context=context,
            flags=_flags(message),
            auto_comments=[BUTTON_NOTE] if context.startswith(BUTTON_KEYS) else [],
        )
    return catalog


def tables_catalog() -> Catalog:
    catalog = Catalog(project="migrant-protection-assistant", domain="tables")
    for message, file, line in table_messages():
        existing = catalog.get(message)
        if existing:
            existing.locations.append((file, line))
        else:
            catalog.add(message, locations=[(file, line)], flags=["no-python-format"])
    return catalog


def main() -> int:
    LOCALES_DIR.mkdir(exist_ok=True)
    for name, catalog in (("bot", bot_catalog()), ("tables", tables_catalog())):
        write_catalog(LOCALES_DIR / f"{name}.pot", catalog)
        print(f"locales/{name}.pot: {len(catalog)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
