"""A corridor preset from a briefing handout: web chat URL parameters or a WhatsApp start text.

The handout's QR code opens the web chat with `?origin=NP&destination=QA&sector=…&lang=ne`; its
wa.me link pre-fills "START NP QA construction ne". Either way the channel turns the preset into
message metadata `{"corridor": {...}}` (canonical values only, anything else dropped) that the
profile form reads, so the bot asks only what it does not know yet. No personal data is involved.
"""

from __future__ import annotations

import re
from typing import Any

from engine import vocab
from i18n.languages import supported
from i18n.names import is_country

CORRIDOR_KEY = "corridor"
START = re.compile(r"^\s*start\s+([a-z]{2})\s+([a-z]{2})((?:\s+[a-z_]+){0,2})\s*$", re.IGNORECASE)
START_PAYLOAD = "/greet"


def corridor_metadata(value: Any) -> dict[str, str] | None:
    """The corridor preset of a deep link, reduced to canonical values (else None)."""
    if not isinstance(value, dict):
        return None
    kept: dict[str, str] = {}
    for key in ("origin", "destination"):
        code = value.get(key)
        if isinstance(code, str) and is_country(code.upper()):
            kept[key] = code.upper()
    sector = value.get("sector")
    if isinstance(sector, str) and sector in vocab.SECTORS:
        kept["sector"] = sector
    language = supported(value.get("language"))
    if language and kept:
        kept["language"] = language
    return kept or None


def parse_start(text: str | None) -> dict[str, str] | None:
    """The corridor of a start text "START NP QA [sector] [language]", else None."""
    match = START.match(text or "")
    if not match:
        return None
    value: dict[str, str] = {"origin": match.group(1), "destination": match.group(2)}
    for word in match.group(3).split():
        if word.lower() in vocab.SECTORS:
            value["sector"] = word.lower()
        elif supported(word):
            value["language"] = word
    return corridor_metadata(value)
