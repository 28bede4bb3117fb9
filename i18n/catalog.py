"""Translations of bot text and table text, read from standard gettext catalogs.

Two catalog domains live under `locales/<lang>/LC_MESSAGES/`: `bot.po` (the domain's responses
and `strings.yml`, with the key as msgctxt) and `tables.po` (the entitlement tables' text). The
.po files are read directly with Babel, so a translator's edit needs no build step to show up.
A missing translation falls back to the English source text with nothing lost.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
PACKAGE_DIR = Path(__file__).resolve().parent
LOCALES_DIR = PACKAGE_DIR.parent / "locales"
STRINGS_FILE = PACKAGE_DIR / "strings.yml"

# Babel has no `tl` locale; Filipino catalogs live under `fil`.
ALIASES = {"tl": "fil"}


def normalise_language(code: str | None) -> str:
    code = (code or SOURCE_LANGUAGE).strip().replace("-", "_").split("_")[0].lower()
    return ALIASES.get(code, code)


@lru_cache(maxsize=1)
def strings() -> dict[str, Any]:
    """The English source of every composed text, by key."""
    with STRINGS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass
class Catalog:
    """One language's messages of one domain: (msgctxt, msgid) → msgstr (or plural forms)."""

    messages: dict[tuple[str | None, str], str | tuple[str, ...]] = field(default_factory=dict)
    plural: Callable[[int], int] = field(default=lambda n: int(n != 1))

    @classmethod
    def read(cls, path: Path) -> Catalog:
        with path.open("rb") as handle:
            po = read_po(handle)
        messages: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
        for message in po:
            if not message.id or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, tuple | list) else message.id
            value = message.string
            if isinstance(value, tuple | list):
                if all(value):
                    messages[(message.context, key)] = tuple(value)
            elif value:
                messages[(message.context, key)] = value
        return cls(messages, gettext.c2py(po.plural_expr))


@cache
def catalog(language: str, domain: str) -> Catalog:
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if language == SOURCE_LANGUAGE or not path.exists():
        return Catalog()
    return Catalog.read(path)


@cache
def available_languages() -> list[str]:
    """Languages with a bot catalog, plus the source language.

    Asked on every message (which language to answer in), so the folder is listed once per
    process, like the catalogs themselves (`catalog`): a new language needs a restart anyway.
    """
    found = {p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/bot.po")}
    return sorted(found | {SOURCE_LANGUAGE})


class Translator:
    """Everything one user reads, in their language, falling back to English."""

    def __init__(self, language: str | None) -> None:
        self.language = normalise_language(language)
        self._bot = catalog(self.language, "bot")
        self._tables = catalog(self.language, "tables")

    def text(self, key: str, **params: Any) -> str:
        """A composed text from strings.yml, translated and filled."""
        source = strings()[key]
        if isinstance(source, dict):
            count = int(params.pop("count", 0))
            return self.plural(key, count, **params)
        translated = self._bot.messages.get((key, source), source)
        return _fill(str(translated), source, params)

    def plural(self, key: str, count: int, **params: Any) -> str:
        forms = strings()[key]
        translated = self._bot.messages.get((key, forms["one"]))
        if isinstance(translated, tuple):
            index = min(self._bot.plural(count), len(translated) - 1)
            chosen = translated[index]
        else:
            chosen = forms["one"] if count == 1 else forms["other"]
        return _fill(chosen, forms["other"], {**params, "count": count})

    def response(self, name: str, source: str) -> str:
        """A domain response's text (or button title), keyed by the response name."""
        translated = self._bot.messages.get((name, source), source)
        return str(translated)

    def table(self, source: str | None) -> str:
        """Text from the entitlement tables."""
        if not source:
            return ""
        return str(self._tables.messages.get((None, source), source))


def _fill(template: str, source: str, params: dict[str, Any]) -> str:
    """Fill placeholders; a broken translation falls back to the English source, logged."""
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        logger.warning("broken placeholder in a translation of %r; using the source text", source)
        return source.format(**params)
