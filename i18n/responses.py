"""Translate one of the domain's responses (text and button titles) into a language.

Kept free of Rasa so it can be tested and reused by any channel; `i18n.nlg` plugs it into Rasa.
"""

from __future__ import annotations

import copy
from typing import Any

from i18n.catalog import Translator
from i18n.languages import channel_fields, mark
from i18n.names import is_rtl

TRANSLATED_KEYS = ("text",)


def translate_response(name: str, response: dict[str, Any], language: str | None) -> dict[str, Any]:
    """A copy of `response` in `language`; untranslated parts stay in English, nothing is lost.

    The copy also carries `language` and `direction` for the channels, and right-to-left text is
    marked so that plain-text channels render it right (see `i18n.languages.mark`).
    """
    t = Translator(language)
    result = copy.deepcopy(response)
    for key in TRANSLATED_KEYS:
        if isinstance(result.get(key), str):
            result[key] = mark(t.response(name, result[key]), t.language)
    for button in result.get("buttons") or []:
        if isinstance(button.get("title"), str):
            button["title"] = t.response(name, button["title"])
    result.update(channel_fields(t.language))
    return result


def direction(language: str | None) -> str:
    return "rtl" if is_rtl(language) else "ltr"
