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

import importlib.util
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

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
    needs_cue: bool = False  # only counts with a role cue or as the whole message


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
    lang_final: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    prefixes: list[_Affix] = field(default_factory=list)
    suffixes: list[_Affix] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)
    conjunctions: set[str] = field(default_factory=set)
    filler: set[str] = field(default_factory=set)


# libyaml's loader is ten times faster than the pure-Python one; start-up time matters here.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_YamlLoader) or {}
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
        self._stop: set[str] = set()  # normalised stop words of all languages
        self._stop_by_lang: dict[str, set[str]] = {}
        self._known_words: set[str] = set()  # lexicon words that must never fuzzy-match a name
        self._cues: dict[str, _Cues] = {}
        # Fuzzy buckets: (script, n_tokens, length) -> keys; short forms also keyed by first char.
        self._fuzzy_long: dict[tuple[str, int, int], list[str]] = {}
        self._fuzzy_short: dict[tuple[str, int, str, int], list[str]] = {}
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

    def _build(self) -> None:
        self._load_countries()
        self._load_lexicons()
        self._load_language_names()
        self._load_roles()
        self._load_stopwords()
        self._finish()

    def _load_countries(self) -> None:
        for lang in self.languages:
            locale = self._locale(lang)
            if locale is None:
                continue
            for code, name in locale.territories.items():
                if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                    continue
                for variant in _name_variants(name, lang):
                    self._add(variant, "country", code, _NAME, (lang,))
        data = _load_yaml(self._dir / "country_aliases.yml")
        for section, kind in (("aliases", _ALIAS), ("demonyms", _DEMONYM)):
            for code, names in (data.get(section) or {}).items():
                code = str(code).upper()
                if len(code) != 2 or not code.isalpha():
                    raise ValueError(f"country_aliases.yml: {code!r} is not an ISO alpha-2 code")
                for name in names or ():
                    self._add(str(name), "country", code, kind, ())
        for name in data.get("blocked") or ():
            self._add(str(name), "_blocked", "", _BLOCKED, ())
        for raw in data.get("case_sensitive") or ():
            letters = "".join(ch for ch in str(raw) if ch.isalnum())
            self._case_sensitive.setdefault(norm_key(str(raw)), set()).add(letters)
        for lang, forms in (data.get("ambiguous") or {}).items():
            code = canonical_language(str(lang)) or ""
            self._ambiguous.setdefault(code, set()).update(norm_key(str(f)) for f in forms or ())

    def _load_lexicons(self) -> None:
        allowed = _contract_values()
        for lang in self.languages:
            data = _load_yaml(self._dir / f"{lang}.yml")
            for entity in ("status", "sector", "branch"):
                for value, synonyms in (data.get(entity) or {}).items():
                    if allowed and value not in allowed[entity]:
                        raise ValueError(f"{lang}.yml: {value!r} is not a contract {entity} value")
                    phrases = list(synonyms or ())
                    if "_" in value:  # "domestic_work" as typed from a button payload
                        phrases.append(value.replace("_", " "))
                    for phrase in phrases:
                        self._add(str(phrase), entity, value, _TERM, (lang,))
                        self._known_words.update(_as_tokens(str(phrase)))
            for code, names in (data.get("language") or {}).items():
                value = canonical_language(str(code))
                if value not in SUPPORTED_LANGUAGES:
                    raise ValueError(f"{lang}.yml: {code!r} is not a supported language")
                for name in names or ():
                    self._add(str(name), "language", value, _LANGNAME, (lang,))

    def _load_language_names(self) -> None:
        """Names of the supported languages in every loaded locale, plus their endonyms."""
        for lang in self.languages:
            locale = self._locale(lang)
            if locale is None:
                continue
            for code in SUPPORTED_LANGUAGES:
                for babel_key in (code, "tl") if code == "fil" else (code,):
                    name = locale.languages.get(babel_key)
                    if name:
                        for variant in _name_variants(name, lang):
                            self._add(variant, "language", code, _LANGNAME, (lang,))
        for code in SUPPORTED_LANGUAGES:
            locale = self._locale(code)
            if locale is None:
                continue
            endonym = locale.get_display_name(locale)
            if endonym:
                for variant in _name_variants(endonym, code):
                    self._add(variant, "language", code, _LANGNAME, ())

    def _load_roles(self) -> None:
        data = _load_yaml(self._dir / "roles.yml")
        by_code = {canonical_language(str(k)): v for k, v in data.items()}
        for lang in self.languages:
            conf = by_code.get(lang) or {}
            cues = _Cues()
            words: list[str] = []
            for role in (ORIGIN, DESTINATION):
                section = conf.get(role) or {}
                _index_phrases(section.get("before") or (), role, cues.before, -1)
                _index_phrases(section.get("after") or (), role, cues.after, 0)
                words += list(section.get("before") or ()) + list(section.get("after") or ())
                cues.prefixes += _affixes(section.get("prefixes"), role)
                cues.suffixes += _affixes(section.get("suffixes"), role)
            neutral = conf.get("neutral") or {}
            cues.prefixes += _affixes(neutral.get("prefixes"), None)
            cues.suffixes += _affixes(neutral.get("suffixes"), None)
            cues.prefixes.sort(key=lambda a: -len(a.affix))
            cues.suffixes.sort(key=lambda a: -len(a.affix))
            language = conf.get("language") or {}
            for phrase in language.get("before") or ():
                toks = _as_tokens(str(phrase))
                if toks:
                    cues.lang_before.setdefault(toks[-1], []).append(toks)
            for phrase in language.get("after") or ():
                toks = _as_tokens(str(phrase))
                if toks:
                    cues.lang_after.setdefault(toks[0], []).append(toks)
            for phrase in language.get("before_final") or ():
                toks = _as_tokens(str(phrase))
                if toks:
                    cues.lang_final.setdefault(toks[-1], []).append(toks)
            for attr in ("skip", "conjunctions", "filler"):
                target: set[str] = getattr(cues, attr)
                for phrase in conf.get(attr) or ():
                    target.update(_as_tokens(str(phrase)))
            for part in ("before", "after", "before_final"):
                words += list(language.get(part) or ())
            for phrase in words:
                self._known_words.update(_as_tokens(str(phrase)))
            self._cues[lang] = cues

    def _load_stopwords(self) -> None:
        """Stop words, per language and all together.

        Fuzzy matching is guarded by the stop words of every supported language at once: people
        mix languages, and an Indonesian "sekarang" (now) in an English-tagged message must not
        become a city. Lower-case short forms are checked against the message's languages only
        ("usa" is a Tagalog word, but "i work in usa" is English).
        """
        extra = {
            canonical_language(str(k)): v
            for k, v in _load_yaml(self._dir / "stopwords.yml").items()
        }
        for lang in SUPPORTED_LANGUAGES:
            words = set(_spacy_stop_words(lang)) | {str(w) for w in extra.get(lang) or ()}
            self._stop_by_lang[lang] = {normalize(w) for w in words if w}
        self._stop = set().union(*self._stop_by_lang.values())

    def _finish(self) -> None:
        # A language name that is also a country's own name ("Indonesia" is what Babel calls the
        # Indonesian language in Indonesian) is the country. Nationality words that are also
        # language names ("Nepali", "Filipino") keep both; cues decide per message.
        for entries in self._exact.values():
            if any(e.entity == "country" and e.kind in (_NAME, _ALIAS) for e in entries):
                entries[:] = [e for e in entries if e.entity != "language"]
        every_ambiguous = set().union(*self._ambiguous.values()) if self._ambiguous else set()
        for key, entries in self._exact.items():
            if key in self._case_sensitive or key in every_ambiguous:
                continue
            if not any(_max_distance(e, _letters(key)) for e in entries):
                continue
            script = script_of(key[0])
            n_tokens = key.count(" ") + 1
            if _letters(key) <= 7:
                self._fuzzy_short.setdefault((script, n_tokens, key[0], len(key)), []).append(key)
            else:
                self._fuzzy_long.setdefault((script, n_tokens, len(key)), []).append(key)
        self._choices_cache: dict[tuple[str, int, str, int], list[str]] = {}
        self._unions: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        # Every proper word-prefix of every key: lets the matcher stop growing a window as soon
        # as no name or synonym can start with it (most windows stop after one word).
        self._prefixes: set[str] = set()
        for key in self._exact:
            words = key.split(" ")
            for k in range(1, len(words)):
                self._prefixes.add(" ".join(words[:k]))

    @staticmethod
    def _locale(lang: str) -> Locale | None:
        try:
            return Locale.parse(_babel_code(lang))
        except (ValueError, TypeError) as exc:  # babel.UnknownLocaleError is a ValueError
            logger.warning("No CLDR data for language %r: %s", lang, exc)
            return None

    def phrases(self) -> list[str]:
        """Every phrase the gazetteer knows (normalised), filler and stop words included: what
        `nlu.novelty` counts as known letters besides the training examples."""
        return sorted(set(self._exact) | self._stop | self._known_words)

    def values(self, entity: str) -> set[str]:
        """Every canonical value the index can produce for `entity` (for checks and menus)."""
        return {e.value for entries in self._exact.values() for e in entries if e.entity == entity}

    # ------------------------------------------------------------------ matching

    def extract(self, text: str, lang: str | None = None) -> list[Match]:
        """All entities in `text`, in text order, without overlaps.

        `lang` is the language of the message if known (contract code; "tl" is accepted). With a
        known language, only that language's CLDR names and lexicon (plus English, plus the
        language-independent aliases) are used, which avoids cross-language false hits such as
        French "Maurice" in an English sentence. With `None` (or a language not loaded),
        everything loaded is used, the cautious rules of all languages apply, and every
        language's role cues apply (English first): measured on the held-out sets, limiting
        unknown-language messages to English and non-Latin cues lost the role of ~30 % of the
        countries in French, Spanish, Tagalog, Indonesian and Swahili messages (entity F1
        0.70-0.76 → 0.97-1.00 with all cues).
        """
        if not text or not text.strip():
            return []
        tokens = tokenize(text)
        if not tokens:
            return []
        code = canonical_language(lang)
        known = code in self.languages
        active = frozenset({code, "en"}) if known else frozenset(self.languages)
        if known:
            cue_langs = [code] if code == "en" else [code, "en"]
        else:
            cue_langs = ["en"] + [lg for lg in self.languages if lg != "en"]
        stop = self._stop
        short_stop: set[str] = set().union(*(self._stop_by_lang.get(lg, set()) for lg in active))
        if known:
            ambiguous = self._ambiguous.get(code, set()) | self._ambiguous.get("en", set())
        else:
            ambiguous = set().union(*self._ambiguous.values()) if self._ambiguous else set()

        candidates = self._exact_candidates(text, tokens, active, cue_langs, short_stop)
        if self.fuzzy:
            candidates += self._fuzzy_candidates(tokens, candidates, active, stop)
        chosen = _select(candidates)
        return self._interpret(text, tokens, chosen, code if known else None, cue_langs, ambiguous)

    def only_entities(self, text: str, spans: Sequence[tuple[int, int]]) -> bool:
        """True when `text` is nothing but the (start, end) `spans` of entities, give or take
        filler words ("please", "opo", "tafadhali") and punctuation: a bare answer such as
        "Qatar", "housemaid", "नेपाल please". Used to classify such answers without a model."""
        if not spans:
            return False
        filler = self._union("filler", tuple(self.languages))
        for token in tokenize(text):
            if any(start <= token.start and token.end <= end for start, end in spans):
                continue
            if token.norm in filler:
                continue
            return False
        return True

    def _exact_candidates(
        self,
        text: str,
        tokens: Sequence[Token],
        active: frozenset[str],
        cue_langs: Sequence[str],
        stop: set[str],
    ) -> list[_Candidate]:
        norms = [t.norm for t in tokens]
        n = len(norms)
        prefixes = [a for lg in cue_langs for a in self._cues[lg].prefixes]
        suffixes = [a for lg in cue_langs for a in self._cues[lg].suffixes]
        all_caps = text.upper() == text and any(ch.isalpha() for ch in text)
        out: list[_Candidate] = []

        def consider(i: int, j: int, key: str, score: float, role: str | None, affix: bool):
            entries = self._exact.get(key)
            if not entries:
                return
            usable = [e for e in entries if not e.langs or e.langs & active]
            if not usable:
                return
            raw = text[tokens[i].start : tokens[j - 1].end]
            letters = "".join(ch for ch in raw if ch.isalnum())
            needs_cue = False
            if key in self._case_sensitive:
                # "US" yes, "us" no; and in a message typed in capitals ("HELP US") the
                # capitals mean nothing, so the form then needs a cue ("IN THE US").
                if letters not in self._case_sensitive[key] and not letters.isupper():
                    return
                needs_cue = all_caps
            elif _letters(key) <= _SHORT_FORM and is_latin_text(key):
                # Latin two- and three-letter forms ("UK", "KSA"): whole words only, never
                # reached by stripping a clitic, and in lower case only when they are not a
                # word of the message's languages ("uae" yes).
                if affix or (not letters.isupper() and key in stop):
                    return
                if not letters.isupper():
                    score = min(score, 0.9)
            elif key in stop:
                needs_cue = True  # a name that is also a function word ("hindi" in Tagalog)
            out.append(_Candidate(i, j, usable, score, key, role, affix, needs_cue))

        for i in range(n):
            heads: list[tuple[str, str | None, bool, float]] = [(norms[i], None, False, 1.0)]
            heads += [
                (a.restore + norms[i][len(a.affix) :], a.role, True, 0.95)
                for a in prefixes
                if norms[i].startswith(a.affix) and len(norms[i]) - len(a.affix) >= 2
            ]
            for head, role, affix, score in heads:
                key, j = head, i + 1
                while True:
                    consider(i, j, key, score, role, affix)
                    if suffixes and not affix:
                        last = norms[j - 1]
                        stem_of = key[: len(key) - len(last)]
                        for a in suffixes:
                            if last.endswith(a.affix) and len(last) - len(a.affix) >= 2:
                                stem = last[: len(last) - len(a.affix)] + a.restore
                                consider(i, j, stem_of + stem, 0.95, a.role, True)
                    if j >= n or key not in self._prefixes:
                        break
                    key, j = f"{key} {norms[j]}", j + 1
        return out

    def _fuzzy_candidates(
        self,
        tokens: Sequence[Token],
        exact: Sequence[_Candidate],
        active: frozenset[str],
        stop: set[str],
    ) -> list[_Candidate]:
        norms = [t.norm for t in tokens]
        n = len(norms)
        # Token -> the exact candidates on it. Fuzzy windows normally stay off those tokens; they
        # may only swallow an exact match of the same entity and value, which is how "Saudia
        # Arabia" becomes one match (Saudia is itself a name) instead of Saudi + "Arabia".
        on_token: list[list[_Candidate]] = [[] for _ in range(n)]
        for cand in exact:
            for k in range(cand.start, cand.end):
                on_token[k].append(cand)
        out: list[_Candidate] = []
        for i in range(n):
            for length in range(1, _MAX_FUZZY_WINDOW + 1):
                j = i + length
                if j > n or not self._fuzzable(norms[j - 1], stop, bool(on_token[j - 1])):
                    break
                if not self._fuzzable(norms[i], stop, bool(on_token[i])):
                    break
                inside = {id(c): c for k in range(i, j) for c in on_token[k]}
                if any(c.start < i or c.end > j for c in inside.values()):
                    continue  # would cut an exact match in two
                if inside and max(c.end - c.start for c in inside.values()) >= length:
                    continue  # the exact match already covers this window
                query = " ".join(norms[i:j])
                if _letters(query) < 4:
                    continue
                script = script_of(query[0])
                if any(script_of(ch) != script for ch in query if ch != " "):
                    break
                found = self._fuzzy_lookup(query, length, script, active)
                if found is None:
                    continue
                key, entries, score = found
                if inside:
                    values = {(e.entity, e.value) for c in inside.values() for e in c.entries}
                    if not values <= {(e.entity, e.value) for e in entries}:
                        continue
                out.append(_Candidate(i, j, entries, score, key))
        return out

    def _fuzzable(self, word: str, stop: set[str], is_name: bool = False) -> bool:
        """May this word be part of a fuzzy window? Never stop words, lexicon words or numbers;
        a word that already matched exactly is fine (it can only be extended, see above)."""
        if is_name:
            return True
        return (
            len(word) >= 2
            and word not in stop
            and word not in self._known_words
            and not any(ch.isdigit() for ch in word)
        )

    def _choices(self, script: str, n_tokens: int, first: str, length: int) -> list[str]:
        cache_key = (script, n_tokens, first, length)
        cached = self._choices_cache.get(cache_key)
        if cached is None:
            cached = []
            for size in range(length - 1, length + 2):
                cached += self._fuzzy_short.get((script, n_tokens, first, size), [])
            for size in range(length - 3, length + 4):
                cached += self._fuzzy_long.get((script, n_tokens, size), [])
            self._choices_cache[cache_key] = cached
        return cached

    def _fuzzy_lookup(
        self, query: str, n_tokens: int, script: str, active: frozenset[str]
    ) -> tuple[str, list[_Entry], float] | None:
        choices = self._choices(script, n_tokens, query[0], len(query))
        if not choices:
            return None
        results = process.extract(query, choices, scorer=OSA.distance, score_cutoff=3, limit=8)
        hits: list[tuple[int, str, list[_Entry]]] = []
        for key, dist, _ in results:
            letters = _letters(key)
            entries = [
                e
                for e in self._exact[key]
                if (not e.langs or e.langs & active)
                and 0 < dist <= _max_distance(e, letters)
                and _plausible_typo(query, key, int(dist), e)
            ]
            if any(e.entity == "country" for e in entries):
                # "Nepall" is one edit from "Nepali" (nationality and language) and "Nepal": a
                # misspelt word is a country far more often than a language choice.
                entries = [e for e in entries if e.entity == "country"]
            if entries and abs(len(key) - len(query)) <= dist:
                hits.append((int(dist), key, entries))
        if not hits:
            return None
        best = min(h[0] for h in hits)
        top = [h for h in hits if h[0] == best]
        if len({(e.entity, e.value) for h in top for e in h[2]}) > 1 and len(top) > 1:
            return None  # equally close to two different things: do not guess
        dist, key, entries = top[0]
        return key, entries, round(1.0 - dist / max(len(key), len(query)), 3)

    # ------------------------------------------------------------------ interpretation

    def _interpret(
        self,
        text: str,
        tokens: Sequence[Token],
        chosen: Sequence[_Candidate],
        lang: str | None,
        cue_langs: Sequence[str],
        ambiguous: set[str],
    ) -> list[Match]:
        norms = [t.norm for t in tokens]
        results: list[Match] = []
        prev_country: tuple[int, str | None] | None = None  # (end token, role)
        for cand in chosen:
            entries = cand.entries
            if any(e.kind == _BLOCKED for e in entries):
                continue
            countries = [e for e in entries if e.entity == "country"]
            languages = [e for e in entries if e.entity == "language"]
            terms = [e for e in entries if e.entity not in ("country", "language")]
            lang_cue = self._language_cue(norms, cand, cue_langs)
            is_ambiguous = cand.needs_cue or cand.key in ambiguous
            bare = self._is_bare(norms, cand, cue_langs)
            start, end = tokens[cand.start].start, tokens[cand.end - 1].end

            def emit(
                entry: _Entry,
                role: str | None,
                s: int = start,
                e: int = end,
                sc: float = cand.score,
            ) -> None:
                results.append(Match(entry.entity, entry.value, s, e, text[s:e], role, sc))

            if languages and (lang_cue or not countries):
                if is_ambiguous and not (lang_cue or bare):
                    continue
                emit(_pick(languages, lang), None)
                continue
            if countries:
                if lang_cue and all(e.kind == _DEMONYM for e in countries):
                    continue  # "I speak Russian": a language we do not offer, not a nationality
                entry = _pick(countries, lang)
                role = cand.affix_role
                cued = role is not None
                if role is None:
                    role = self._before_cue(norms, cand.start, cue_langs)
                    if role == DESTINATION and entry.kind == _DEMONYM:
                        # "in a Filipino restaurant": a nationality word after "in" is an
                        # adjective, not a place; only an after-cue ("Qatari sponsor") makes
                        # a nationality the destination.
                        role = None
                    if role is None:
                        role = self._after_cue(norms, cand.end, cue_langs)
                    cued = role is not None
                if is_ambiguous and not (cued or bare):
                    continue
                if role is None and entry.kind == _DEMONYM:
                    role = ORIGIN
                if role is None and prev_country is not None:
                    if self._joined(text, tokens, prev_country[0], cand.start, cue_langs):
                        role = prev_country[1]
                emit(entry, role)
                prev_country = (cand.end, role)
                continue
            if terms:
                if is_ambiguous and not bare:
                    continue
                emit(_pick(terms, lang), None)
        return results

    def _before_cue(self, norms: Sequence[str], start: int, cue_langs: Sequence[str]) -> str | None:
        pos, skips = start - 1, 0
        while pos >= 0:
            best: tuple[int, str] | None = None  # the longest cue of any language wins
            for lg in cue_langs:
                for phrase, role in self._cues[lg].before.get(norms[pos], ()):
                    first = pos - len(phrase) + 1
                    if first >= 0 and tuple(norms[first : pos + 1]) == phrase:
                        if best is None or len(phrase) > best[0]:
                            best = (len(phrase), role)
            if best is not None:
                return best[1]
            if skips < _MAX_SKIPS and any(norms[pos] in self._cues[lg].skip for lg in cue_langs):
                pos, skips = pos - 1, skips + 1
                continue
            return None
        return None

    def _after_cue(self, norms: Sequence[str], end: int, cue_langs: Sequence[str]) -> str | None:
        pos, skips = end, 0
        while pos < len(norms):
            best: tuple[int, str] | None = None  # the longest cue of any language wins
            for lg in cue_langs:
                for phrase, role in self._cues[lg].after.get(norms[pos], ()):
                    if tuple(norms[pos : pos + len(phrase)]) == phrase:
                        if best is None or len(phrase) > best[0]:
                            best = (len(phrase), role)
            if best is not None:
                return best[1]
            if skips < 1 and (norms[pos] == "s" or norms[pos] in self._cues["en"].skip):
                pos, skips = pos + 1, skips + 1
                continue
            return None
        return None

    def _language_cue(
        self, norms: Sequence[str], cand: _Candidate, cue_langs: Sequence[str]
    ) -> bool:
        """Does the text around the match make it a language ("speak Nepali", "Nepali please")?

        `before_final` cues ("in") only count at the end of the message: "answer in Nepali" is
        a language, "I work in Nepalese company" is not.
        """
        filler = self._union("filler", cue_langs)
        at_end = all(word in filler for word in norms[cand.end :])
        for lg in cue_langs:
            cues = self._cues[lg]
            tables = [cues.lang_before, cues.lang_final] if at_end else [cues.lang_before]
            pos = cand.start - 1
            for _ in range(2):  # the cue, or the cue and one skipped word ("in the Nepali")
                if pos < 0:
                    break
                for table in tables:
                    for phrase in table.get(norms[pos], ()):
                        first = pos - len(phrase) + 1
                        if first >= 0 and tuple(norms[first : pos + 1]) == phrase:
                            return True
                if norms[pos] not in cues.skip:
                    break
                pos -= 1
            if cand.end < len(norms):
                for phrase in cues.lang_after.get(norms[cand.end], ()):
                    if tuple(norms[cand.end : cand.end + len(phrase)]) == phrase:
                        return True
        return False

    def _union(self, attr: str, cue_langs: Sequence[str]) -> frozenset[str]:
        """Union of one word list over the cue languages, cached per language combination."""
        key = (attr, tuple(cue_langs))
        cached = self._unions.get(key)
        if cached is None:
            cached = frozenset().union(*(getattr(self._cues[lg], attr) for lg in cue_langs))
            self._unions[key] = cached
        return cached

    def _is_bare(self, norms: Sequence[str], cand: _Candidate, cue_langs: Sequence[str]) -> bool:
        """True when the match is the whole message, give or take "please", "ok", "yes"."""
        filler = self._union("filler", cue_langs)
        outside = norms[: cand.start] + norms[cand.end :]
        return all(word in filler for word in outside)

    def _joined(
        self,
        text: str,
        tokens: Sequence[Token],
        prev_end: int,
        start: int,
        cue_langs: Sequence[str],
    ) -> bool:
        """True for "Qatar, Dubai" or "Qatar and Oman": a list that shares one role."""
        if prev_end > start:
            return False
        conj = self._union("conjunctions", cue_langs)
        between = tokens[prev_end:start]
        if any(t.norm not in conj for t in between):
            return False
        gap_start = tokens[prev_end - 1].end
        gap = text[gap_start : tokens[start].start]
        return bool(between) or any(ch in gap for ch in ",;/&+")


def _affixes(items: Any, role: str | None) -> list[_Affix]:
    out: list[_Affix] = []
    for item in items or ():
        if isinstance(item, dict):
            affix, restore = str(item.get("affix", "")), str(item.get("restore", "") or "")
        else:
            affix, restore = str(item), ""
        if affix:
            out.append(_Affix(normalize(affix), normalize(restore) if restore else "", role))
    return out


def _max_distance(entry: _Entry, letters: int) -> int:
    """Edit budget for fuzzy matching, by kind and length of the indexed form.

    Built from a collision run over ~23,000 English words (see tests/nlu): country names get one
    edit from 5 letters ("Malaysa"), two from 10 ("Phillipines"); city aliases are only fuzzy
    from 8 letters ("Kuala Lumpor"), because short city names sit one edit away from ordinary
    words ("heat" / Herat, "soul" / Seoul); synonyms only from 8 letters and one edit
    ("constrcution"), because their neighbours are their own inflections ("reported").
    """
    if entry.kind in (_NAME, _DEMONYM):
        if letters >= 10:
            return 2
        return 1 if letters >= 5 else 0
    if entry.kind == _ALIAS:
        if letters >= 10:
            return 2
        return 1 if letters >= 8 else 0
    if entry.kind == _TERM:
        return 1 if letters >= 8 else 0
    if entry.kind == _LANGNAME:
        return 1 if letters >= 7 else 0
    return 0


_VOWELS = frozenset("aeiouy")


def _plausible_typo(query: str, key: str, dist: int, entry: _Entry) -> bool:
    """Shape rules on top of the edit budget: the typos people make, not other words.

    The first letter is kept (two for synonyms); a one-letter substitution in a short name must
    swap vowels ("Jordon"), since consonant swaps make real words ("stain" / Spain, "nicer" /
    Niger); synonyms allow substitutions only from 10 letters ("displayed" is not "displaced").
    """
    if len(query.replace(" ", "")) < 5:
        return False
    head = 2 if entry.kind == _TERM else 1
    if query[:head] != key[:head]:
        return False
    letters = _letters(key)
    substitution = dist == 1 and len(query) == len(key) and Levenshtein.distance(query, key) == 1
    if not substitution:
        return True
    if entry.kind == _TERM:
        return letters >= 10
    if entry.kind == _LANGNAME:
        return False
    if letters >= 8:
        return True
    diff = [(a, b) for a, b in zip(query, key, strict=True) if a != b]
    return letters >= 6 and all(a in _VOWELS and b in _VOWELS for a, b in diff)


def _pick(entries: Sequence[_Entry], lang: str | None) -> _Entry:
    """The entry to report when one form has several: the message language's own lexicon
    first, then language-independent entries, then by kind (name before alias before demonym)."""

    def rank(entry: _Entry) -> tuple[int, int, str]:
        if lang is not None and lang in entry.langs:
            origin_rank = 0
        elif not entry.langs:
            origin_rank = 1
        else:
            origin_rank = 2
        return origin_rank, _KIND_PRIORITY[entry.kind], entry.value

    return min(entries, key=rank)


def _select(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """Longest (in words) non-overlapping candidates, then best score, then leftmost."""
    taken: list[_Candidate] = []
    used: set[int] = set()
    for cand in sorted(candidates, key=lambda c: (-(c.end - c.start), -c.score, c.start)):
        span = set(range(cand.start, cand.end))
        if span & used:
            continue
        used |= span
        taken.append(cand)
    return sorted(taken, key=lambda c: c.start)


@cache
def _spacy_stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for `lang`, if spaCy has one.

    The module file is loaded on its own: `import spacy.lang.en.stop_words` would import spaCy
    itself first, which costs well over a second and is not needed for a list of words.
    """
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    module = "tl" if lang == "fil" else lang
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / module / "stop_words.py"
    if not path.is_file():
        return frozenset()
    file_spec = importlib.util.spec_from_file_location(f"_nlu_spacy_stop_words_{module}", path)
    if file_spec is None or file_spec.loader is None:
        return frozenset()
    loaded = importlib.util.module_from_spec(file_spec)
    file_spec.loader.exec_module(loaded)
    return frozenset(getattr(loaded, "STOP_WORDS", ()))


def _contract_values() -> dict[str, frozenset[str]]:
    """The contract's vocabularies from engine/vocab.py (the source of truth), if importable."""
    try:
        from engine import vocab
    except ImportError:  # pragma: no cover - the NLU package used on its own
        logger.warning("engine.vocab not importable: lexicon values are not checked")
        return {}
    return {
        "status": frozenset(vocab.STATUSES),
        "sector": frozenset(vocab.SECTORS),
        "branch": frozenset(vocab.BRANCHES),
    }


_LOCK = threading.Lock()
_INSTANCES: dict[tuple[tuple[str, ...], bool], Gazetteer] = {}


def get_gazetteer(
    languages: Iterable[str] = SUPPORTED_LANGUAGES, *, fuzzy: bool = True
) -> Gazetteer:
    """The process-wide Gazetteer for these languages, built on first use.

    Rasa builds components several times (training graph, prediction graph, each loaded model);
    sharing one index keeps start-up cost and memory to a single build.
    """
    langs = tuple(sorted({canonical_language(lang) or "en" for lang in languages} | {"en"}))
    key = (langs, fuzzy)
    with _LOCK:
        instance = _INSTANCES.get(key)
        if instance is None:
            instance = Gazetteer(langs, fuzzy=fuzzy)
            _INSTANCES[key] = instance
        return instance
