"""Tokenisation and normalisation shared by the gazetteer's index and its matcher.

The index (names, synonyms, cue words) and the user's message go through exactly the same two
functions, so a key built from "Côte d’Ivoire" and a user's "cote d'ivoire" meet on the same
string. Tokens keep their character offsets into the original text because Rasa entities must
point at what the user actually typed, whatever the normalisation did to it.

Plain Python on purpose: it must run without Rasa or spaCy and stay cheap enough to call on
every message.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Token", "is_latin_text", "norm_key", "normalize", "script_of", "tokenize"]


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the original text.

    `norm` is what the index is keyed on; `start`/`end` point into the original text.
    """

    text: str
    norm: str
    start: int
    end: int


# Arabic-script letters that users type interchangeably (Arabic vs Urdu keyboards, hamza forms,
# taa marbuta written as haa). Folding them both in the index and the message lets "السعودیه",
# "السعودية" and "السعوديه" meet; it never merges two different country names we ship.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ې": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "ہ": "ه",
        "ـ": None,  # tatweel: decoration only
    }
)
# Diacritics users rarely type but CLDR sometimes carries: Arabic harakat, Devanagari and
# Bengali nukta, the chandrabindu/anusvara spelling variation, and zero-width (non-)joiners.
_DROP_MARKS = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u093c", "\u09bc", "\u0a3c", "\u200c", "\u200d", "\u200b", "\ufeff"]
)
_CHANDRABINDU_FOLD = str.maketrans({"\u0901": "\u0902"})


@lru_cache(maxsize=4096)
def _is_word_char(ch: str) -> bool:
    """Letters, marks and digits make words; everything else (punctuation, spaces) splits.

    Marks must count as word characters: Devanagari and Bengali vowel signs are combining marks,
    and Python's `str.isalnum()` (and so `re`'s `\\w`) would cut "नेपाल" into pieces. Zero-width
    joiners (category Cf) stay inside the word and are dropped later by `normalize`.
    """
    cat = unicodedata.category(ch)
    return cat[0] in "LMN" or ch in "\u200c\u200d"


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    """A coarse script name for one character ("LATIN", "ARABIC", "DEVANAGARI", ...).

    Used to keep fuzzy matching inside one script: an edit distance between a Latin typo and an
    Ethiopic name means nothing.
    """
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _strip_latin_accents(text: str) -> str:
    """Drop combining accents that sit on a Latin letter and only there.

    "Népal" and "Nepal" must meet, but the vowel signs of Devanagari, Bengali or Ethiopic are
    combining marks too and carry meaning, so a blanket "remove all Mn" would destroy them.
    """
    out: list[str] = []
    base_is_latin = False
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if base_is_latin:
                continue
        else:
            base_is_latin = _is_latin(ch)
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=200_000)
def normalize(word: str) -> str:
    """Normalise one token: NFKC, casefold, Latin accents off, script-specific folding.

    Cached because the same few thousand words make up almost every message.
    """
    text = unicodedata.normalize("NFKC", word).casefold()
    if any(ord(ch) > 0x7F for ch in text):
        text = _strip_latin_accents(text)
        text = text.translate(_ARABIC_FOLD).translate(_CHANDRABINDU_FOLD)
        text = "".join(ch for ch in text if ch not in _DROP_MARKS)
        # "ß".casefold() is "ss" already; "ı" (dotless i) is left alone on purpose.
    return text


def tokenize(text: str) -> list[Token]:
    """Split on anything that is not a letter, mark or digit, keeping original offsets.

    Apostrophes and hyphens split too ("d’Ivoire", "Guinea-Bissau", "taga-Nepal"): names and
    cue phrases in the lexicon go through the same function, so they split the same way.
    """
    tokens: list[Token] = []
    start = -1
    for i, ch in enumerate(text):
        if _is_word_char(ch):
            if start < 0:
                start = i
        elif start >= 0:
            raw = text[start:i]
            norm = normalize(raw)
            if norm:
                tokens.append(Token(raw, norm, start, i))
            start = -1
    if start >= 0:
        raw = text[start:]
        norm = normalize(raw)
        if norm:
            tokens.append(Token(raw, norm, start, len(text)))
    return tokens


def norm_key(text: str) -> str:
    """The index key of a phrase: its normalised tokens joined by single spaces."""
    return " ".join(t.norm for t in tokenize(text))


def is_latin_text(text: str) -> bool:
    """True when every letter of `text` is Latin (used to decide where case means anything)."""
    return all(_is_latin(ch) for ch in text if ch.isalpha())
