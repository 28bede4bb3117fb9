"""Which language a message is probably in: a hint, never a decision.

Two signals, both offline and packaged: the writing system (Bengali, Ethiopic, Arabic and
Devanagari letters say a lot; Urdu has letters Arabic lacks) and py3langid 0.2.2 restricted to
the languages we ship (0.4 needs numpy ≥ 2, which Rasa's pins forbid). Romanized Nepali, Hindi,
Urdu, Bengali or Arabic look like any Latin-script language to every identifier (measured:
"mero adhikar k k chan" → Tagalog 0.98), so a Latin-script guess is never `sure`: the bot asks
instead of switching. A native-script guess is `sure` when the script leaves one candidate.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

# Script (first word of the Unicode character name) → languages we ship written in it.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "ARABIC": ("ar", "ur"),
    "DEVANAGARI": ("ne", "hi"),
    "BENGALI": ("bn",),
    "ETHIOPIC": ("am",),
    "LATIN": ("en", "fil", "id", "sw", "fr", "es"),
}
# Letters Urdu uses and Arabic does not (ٹ ڈ ڑ ں ھ ے ۓ).
URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06be\u06d2\u06d3")
# A native script wins when it holds at least this share of the letters ("Qatar मा काम").
NATIVE_SHARE = 0.2
# A language among several sharing a script needs this probability to be `sure`.
SURE = 0.9
# Scripts whose languages py3langid confuses on short texts (measured: Nepali "मेरो अधिकार के
# के छन्" → Hindi 0.95): a guess in these is never sure; the gazetteer applies both languages.
NEVER_SURE = frozenset({"DEVANAGARI"})
# py3langid codes that differ from ours.
TO_OURS = {"tl": "fil"}
TO_LANGID = {"fil": "tl"}


@dataclass(frozen=True, slots=True)
class Guess:
    """`language`: the best candidate (or None); `sure`: safe to use for understanding the text;
    `script`: the dominant writing system; `confidence`: the identifier's probability."""

    language: str | None
    sure: bool
    script: str | None
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "sure": self.sure,
            "script": self.script,
            "confidence": round(self.confidence, 3),
        }


def scripts(text: str) -> dict[str, int]:
    """Letters per script."""
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        try:
            script = unicodedata.name(char).split(" ")[0]
        except ValueError:
            continue
        counts[script] = counts.get(script, 0) + 1
    return counts


@cache
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages([TO_LANGID.get(lang, lang) for lang in languages])
    return identifier


def _rank(text: str, languages: tuple[str, ...]) -> tuple[str, float]:
    if len(languages) == 1:
        return languages[0], 1.0
    code, probability = _identifier(languages).classify(text)
    return TO_OURS.get(code, code), float(probability)


def guess(text: str) -> Guess:
    """The probable language of `text`; `sure` only where the writing system settles it."""
    counts = scripts(text or "")
    letters = sum(counts.values())
    if not letters:
        return Guess(None, False, None, 0.0)
    native = [
        (n, s)
        for s, n in counts.items()
        if s in SCRIPTS and s != "LATIN" and n / letters >= NATIVE_SHARE
    ]
    if native:
        _, script = max(native)
        candidates = SCRIPTS[script]
        if script == "ARABIC" and any(char in URDU_LETTERS for char in text):
            return Guess("ur", True, script, 1.0)
        language, probability = _rank(text, candidates)
        sure = probability >= SURE and script not in NEVER_SURE
        return Guess(language, sure, script, probability)
    script = max(counts, key=counts.__getitem__)
    if script != "LATIN":
        return Guess(None, False, script, 0.0)  # a script we do not ship (Thai, Cyrillic…)
    language, probability = _rank(text, SCRIPTS["LATIN"])
    return Guess(language, False, script, probability)
