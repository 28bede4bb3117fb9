"""Country names, language names and dates from Babel's CLDR data, never hand-written lists."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from i18n.catalog import SOURCE_LANGUAGE, normalise_language


@cache
def locale(language: str | None) -> Locale:
    try:
        return Locale.parse(normalise_language(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def country_name(code: str | None, language: str | None) -> str:
    """The country's name in the user's language (the code itself if CLDR has none)."""
    if not code:
        return ""
    return locale(language).territories.get(code.upper(), code.upper())


def language_name(code: str, in_language: str | None = None, title: bool = True) -> str:
    """A language named in `in_language`, or in itself (for the language picker).

    `title=True` capitalises the first letter, as on a button ("Français"); inside a sentence
    pass `title=False` and CLDR's own casing is kept ("je vais parler français").
    """
    target = locale(code)
    shown_in = locale(in_language) if in_language else target
    name = target.get_display_name(shown_in) or code
    return name[:1].upper() + name[1:] if title else name


def is_rtl(language: str | None) -> bool:
    return locale(language).character_order == "right-to-left"


def date(value: dt.date | None, language: str | None) -> str:
    if value is None:
        return ""
    return format_date(value, format="medium", locale=locale(language))


def is_country(code: str | None) -> bool:
    """A real ISO 3166-1 alpha-2 country CLDR knows (not a region such as 'EU' or '001')."""
    return bool(code) and len(code) == 2 and code.isalpha() and code.upper() in _countries("en")


@cache
def _countries(language: str) -> dict[str, str]:
    excluded = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}
    return {
        code: name
        for code, name in locale(language).territories.items()
        if len(code) == 2 and code.isalpha() and code not in excluded
    }


def match_country(text: str, language: str | None, limit: int = 3, cutoff: float = 60) -> list[str]:
    """Country codes whose name (in the user's language or English) is closest to `text`."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.utils import default_process

    names: dict[str, str] = {}
    for lang in {normalise_language(language), SOURCE_LANGUAGE}:
        for code, name in _countries(lang).items():
            names[f"{lang}:{code}"] = name
    found = process.extract(
        text.strip(),
        names,
        scorer=fuzz.ratio,
        processor=default_process,
        limit=limit * 3,
        score_cutoff=cutoff,
    )
    codes: list[str] = []
    for _name, _score, key in found:
        code = key.split(":")[1]
        if code not in codes:
            codes.append(code)
    return codes[:limit]
