"""Dictionary entity extraction for countries, statuses, sectors, branches and languages.

Why a gazetteer and not only DIET: country names come in hundreds of spellings across twelve
languages, cities stand for countries ("Dubai"), and users misspell ("Malaysa"). A model learns
none of that from a few hundred examples, while CLDR (through Babel) already knows every country
name in every supported language. The gazetteer turns those names, plus hand-written aliases and
synonyms in `nlu/lexicon/`, into canonical values (ISO codes, the contract's vocabularies) and
reads the role of a country (origin / destination) from the words around it.

Plain Python on purpose (no Rasa import): the same object serves the Rasa component, the action
server's "did you mean" and offline tests, and it is built once per process (`get_gazetteer`).

Matching rules, each of which exists because of a real false hit:
- whole words only, on tokens of 1..N words: "Ghana" never fires inside "maghanap", "UK" never
  inside "alichukua", "Mali" never inside "Malik";
- two- and three-letter forms ("UK", "KSA") are exact only, and case-sensitive where the lower-case
  form is a word ("us");
- forms that are everyday words in the message's language ("mali" in Tagalog) need a role cue or
  must be the whole message;
- fuzzy matching (OSA edit distance, so "Bangaldesh" is one edit) only for forms of 5+ letters,
  with a tight distance budget, the same first letter for short forms, and never on stop words or
  on words the lexicon already knows ("woman" must not become Oman, "to go" never Togo);
- the longest match wins, then the best score.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from rapidfuzz import process
from rapidfuzz.distance import OSA

from nlu.textnorm import Token, is_latin_text, norm_key, normalize, script_of, tokenize

__all__ = [
    "ENTITY_TYPES",
    "LEXICON_DIR",
    "SUPPORTED_LANGUAGES",
    "Gazetteer",
    "Match",
    "canonical_language",
    "get_gazetteer",
]

logger = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"

# The assistant's languages (docs/contract.md: ISO 639-1, "fil" for Filipino, "tl" mapped to it).
SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "ar", "ur", "ne", "hi", "bn", "fil", "id", "am", "sw", "fr", "es", "en",
)  # fmt: skip
ENTITY_TYPES: tuple[str, ...] = ("country", "status", "sector", "branch", "language")
ORIGIN = "origin"
DESTINATION = "destination"

# Kinds of index entries. The kind decides the default role and which entry wins when one
# form means several things.
_NAME = "name"  # CLDR country name: neutral, role from cues
_ALIAS = "alias"  # city, short form...: neutral
_DEMONYM = "demonym"  # nationality: origin unless a cue says otherwise
_TERM = "term"  # status / sector / branch synonym
_LANGNAME = "language"
_BLOCKED = "blocked"  # "South America": consumes the span, yields nothing
_KIND_PRIORITY = {_BLOCKED: 0, _NAME: 1, _ALIAS: 2, _DEMONYM: 3, _TERM: 4, _LANGNAME: 5}

# CLDR region codes that are not ISO 3166-1 countries or that nobody migrates to: Babel lists
# them next to real countries ("EU", "UN", "ZZ", pseudo-locales, Clipperton, Antarctica...).
_NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "XK", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
    | {"AQ", "BV", "HM", "UM", "TF", "IO", "GS"}
)

_MAX_FUZZY_WINDOW = 4  # tokens
_MAX_SKIPS = 2  # words allowed between a cue and the country ("in the beautiful UAE")
_SHORT_FORM = 3  # forms of at most this many letters are exact-only


def canonical_language(code: str | None) -> str | None:
    """Map "tl", "fil-PH", "EN_us" to the contract's codes ("fil", "en"); None stays None."""
    if not code:
        return None
    base = str(code).strip().replace("_", "-").split("-", 1)[0].lower()
    if not base:
        return None
    return "fil" if base in ("tl", "fil") else base


def _babel_code(lang: str) -> str:
    return "fil" if lang == "fil" else lang


@dataclass(frozen=True, slots=True)
class Match:
    """One entity found in a text.

    `start`/`end` are character offsets into the text given to `extract` (not the normalised
    text), so Rasa can highlight exactly what the user typed. `score` is 1.0 for an exact match
    and lower for fuzzy or morphological ones.
    """

    entity: str
    value: str
    start: int
    end: int
    text: str
    role: str | None
    score: float


@dataclass(frozen=True, slots=True)
class _Entry:
    entity: str
    value: str
    kind: str
    langs: frozenset[str]  # lexicons that produced it; empty = any language


@dataclass(slots=True)
class _Candidate:
    start: int  # token index
    end: int  # token index, exclusive
    entries: list[_Entry]
    score: float
    key: str
    affix_role: str | None = None
    affix: bool = False


@dataclass(slots=True)
class _Affix:
    affix: str
    restore: str
    role: str | None


@dataclass(slots=True)
class _Cues:
    """Role and language cues of one language, as token tuples (see roles.yml)."""

    before: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    after: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    lang_before: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    lang_after: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    prefixes: list[_Affix] = field(default_factory=list)
    suffixes: list[_Affix] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)
    conjunctions: set[str] = field(default_factory=set)
    filler: set[str] = field(default_factory=set)


def _load_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _as_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(t.norm for t in tokenize(str(phrase)))


def _letters(key: str) -> int:
    return len(key.replace(" ", ""))


def _index_phrases(
    phrases: Iterable[str], role: str, into: dict[str, list[tuple[tuple[str, ...], str]]], at: int
) -> None:
    """Index cue phrases by their last (`at=-1`) or first (`at=0`) token, longest first."""
    for phrase in phrases:
        toks = _as_tokens(phrase)
        if toks:
            into.setdefault(toks[at], []).append((toks, role))
    for items in into.values():
        items.sort(key=lambda item: -len(item[0]))


def _name_variants(name: str, lang: str) -> set[str]:
    """Spellings people use for one CLDR name.

    "Myanmar (Burma)" -> also "Myanmar" and "Burma"; "Bosnia & Herzegovina" -> also "... and ...";
    "St. Lucia" -> also "Saint Lucia"; "Hong Kong SAR China" -> also "Hong Kong".
    """
    variants = {name}
    if "(" in name and ")" in name:
        outer = (name[: name.index("(")] + name[name.index(")") + 1 :]).strip()
        inner = name[name.index("(") + 1 : name.index(")")].strip()
        variants.add(outer)
        if name.rstrip().endswith(")") and inner:
            variants.add(inner)
    for variant in list(variants):
        if lang == "en":
            if "&" in variant:
                variants.add(variant.replace("&", "and"))
            if variant.startswith("St. "):
                variants.add("Saint " + variant[4:])
        if " SAR China" in variant:
            variants.add(variant.replace(" SAR China", ""))
    return {v for v in variants if v.strip()}


class Gazetteer:
    """Finds countries (with roles), statuses, sectors, branches and languages in a text.

    Build it once per process (`get_gazetteer`): construction reads Babel's CLDR data for every
    language given and the YAML lexicons; `extract` is then a few dictionary look-ups per word.

    `languages` chooses which CLDR names, lexicons and cue lists are loaded. English is always
    loaded too, because users mix it into every other language ("taga Nepal ako, working in
    Qatar"). Language codes follow the contract ("tl" is read as "fil").
    """

    def __init__(
        self,
        languages: Iterable[str] = ("en",),
        *,
        lexicon_dir: Path | str | None = None,
        fuzzy: bool = True,
    ) -> None:
        langs = {canonical_language(lang) for lang in languages} | {"en"}
        self.languages: tuple[str, ...] = tuple(sorted(lang for lang in langs if lang))
        self.fuzzy = fuzzy
        self._dir = Path(lexicon_dir) if lexicon_dir else LEXICON_DIR
        # key -> entries; a key is normalised tokens joined by one space.
        self._exact: dict[str, list[_Entry]] = {}
        self._case_sensitive: dict[str, set[str]] = {}  # key -> accepted raw spellings
        self._ambiguous: dict[str, set[str]] = {}  # lang -> keys
        self._stop: dict[str, set[str]] = {}  # lang -> normalised stop words
        self._known_words: set[str] = set()  # lexicon words that must never fuzzy-match a name
        self._cues: dict[str, _Cues] = {}
        # Fuzzy buckets: (script, n_tokens, length) -> keys; short forms also keyed by first char.
        self._fuzzy_long: dict[tuple[str, int, int], list[str]] = {}
        self._fuzzy_short: dict[tuple[str, int, str, int], list[str]] = {}
        self._max_tokens = 1
        self._build()

    # ------------------------------------------------------------------ building

    def _add(self, phrase: str, entity: str, value: str, kind: str, langs: Iterable[str]) -> None:
        key = norm_key(phrase)
        if not key:
            return
        entry = _Entry(entity, value, kind, frozenset(langs))
        bucket = self._exact.setdefault(key, [])
        for i, old in enumerate(bucket):
            if (old.entity, old.value, old.kind) == (entry.entity, entry.value, entry.kind):
                if old.langs and entry.langs:
                    bucket[i] = _Entry(entity, value, kind, old.langs | entry.langs)
                elif entry.langs != old.langs:  # one of them is universal: universal wins
                    bucket[i] = _Entry(entity, value, kind, frozenset())
                return
        bucket.append(entry)
        # Space-less spelling of multi-word names: "Saudiarabia", "Srilanka", "Hongkong".
        if entity == "country" and " " in key and kind in (_NAME, _ALIAS) and _letters(key) >= 6:
            joined = key.replace(" ", "")
            if joined not in self._exact:
                self._exact[joined] = [entry]

