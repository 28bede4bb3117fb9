"""Which language to answer in, which way it is written, and the language picker.

The rule, in order: the language the person chose (the `language` slot, kept across sessions),
else the language the channel sent as metadata (a web chat sends the browser's language: a
default, not a decision), else English. The identifier's guess on free text never decides: it
only puts the likely language first in the picker, because romanized Nepali or Urdu cannot be
told from Tagalog by any identifier.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from i18n.catalog import SOURCE_LANGUAGE, available_languages, normalise_language
from i18n.names import is_rtl, language_name

METADATA_KEYS = ("language", "languages", "lang", "locale")
RLM = "\u200f"  # RIGHT-TO-LEFT MARK
LRM = "\u200e"  # LEFT-TO-RIGHT MARK


def supported(code: str | None) -> str | None:
    """The catalog language for a code or browser tag ("ar-EG" → "ar", "tl" → "fil"), or None."""
    if not code or not isinstance(code, str):
        return None
    language = normalise_language(code)
    return language if language in available_languages() else None


def metadata_language(metadata: Mapping[str, Any] | None) -> str | None:
    """The language a channel declared in a message's metadata, if we have it."""
    if not isinstance(metadata, Mapping):
        return None
    for key in METADATA_KEYS:
        value = metadata.get(key)
        # navigator.languages is a list: ["ar-EG", "ar", "en"]; the first we have wins
        for item in value if isinstance(value, list) else [value]:
            language = supported(item)
            if language:
                return language
    return None


def user_language(slot: str | None, metadata: Mapping[str, Any] | None = None) -> str:
    """The language to answer in: chosen > declared by the channel > English."""
    return supported(slot) or metadata_language(metadata) or SOURCE_LANGUAGE


def direction(language: str | None) -> str:
    """ "rtl" or "ltr", from CLDR's character order (Arabic and Urdu are right-to-left)."""
    return "rtl" if is_rtl(language) else "ltr"


def mark(text: str, language: str | None) -> str:
    """Text that renders right-to-left even where the channel cannot set `dir`.

    Plain-text channels (WhatsApp, SMS) pick each paragraph's direction from its first strong
    character; a line starting with a digit, a Latin name ("GOSI …") or an emoji would come out
    left-to-right. A RIGHT-TO-LEFT MARK at the start of every line fixes that. Idempotent.
    """
    if not text or direction(language) != "rtl":
        return text
    return "\n".join(line if line.startswith(RLM) else RLM + line for line in text.split("\n"))


def channel_fields(language: str | None) -> dict[str, str]:
    """What every bot message carries for the channels: its language and direction."""
    language = supported(language) or SOURCE_LANGUAGE
    return {"language": language, "direction": direction(language)}


def choose_payload(language: str) -> str:
    return f"/choose_language{json.dumps({'language': language}, separators=(',', ':'))}"


def picker_languages(first: Iterable[str | None] = ()) -> list[str]:
    """Every available language, the likely ones first, then English, then by code."""
    ordered: list[str] = []
    for code in (*first, SOURCE_LANGUAGE):
        language = supported(code)
        if language and language not in ordered:
            ordered.append(language)
    ordered += [code for code in available_languages() if code not in ordered]
    return ordered


def picker_buttons(first: Iterable[str | None] = ()) -> list[dict[str, str]]:
    """One button per language, each named in itself (CLDR): "नेपाली", "العربية", "Kiswahili"."""
    return [
        {"title": language_name(code), "payload": choose_payload(code)}
        for code in picker_languages(first)
    ]


def names_line(languages: Iterable[str]) -> str:
    """ "English · नेपाली · العربية": each name isolated so mixed directions do not scramble."""
    return " · ".join(f"\u2068{language_name(code)}\u2069" for code in languages)


__all__ = [
    "LRM",
    "RLM",
    "channel_fields",
    "choose_payload",
    "direction",
    "mark",
    "metadata_language",
    "names_line",
    "picker_buttons",
    "picker_languages",
    "supported",
    "user_language",
]
