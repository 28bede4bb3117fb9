"""Translate one of the domain's responses (text and button titles) into a language.

Kept free of Rasa so it can be tested and reused by any channel; `i18n.nlg` plugs it into Rasa.
"""

from __future__ import annotations

import copy
from typing import Any

from i18n.catalog import Translator
from i18n.names import is_rtl

TRANSLATED_KEYS = ("text",)


def translate_response(name: str, response: dict[str, Any], language: str | None) -> dict[str, Any]:
    """A copy of `response` in `language`; untranslated parts stay in English, nothing is lost."""
    t = Translator(language)
    result = copy.deepcopy(response)
    for key in TRANSLATED_KEYS:
        if isinstance(result.get(key), str):
            result[key] = t.response(name, result[key])
    for button in result.get("buttons") or []:
        if isinstance(button.get("title"), str):
            button["title"] = t.response(name, button["title"])
    return result


def direction(language: str | None) -> str:
    return "rtl" if is_rtl(language) else "ltr"
