"""Is a message made of letters the bot has never seen together? A guard against gibberish.

A softmax classifier gives every input some intent, often confidently: measured, DIET called
"qzxv blorp wuggle" `choose_language` (0.77) and "blorp" alone `affirm` (0.98), so keyboard
mashes got a language picker or a "yes". This module gives the missing signal, learned from the
same training data as the classifier plus the gazetteer's lexicons:

* **novelty**: the share of the message's letter n-grams (trigrams; bigrams in the Ethiopic
  syllabary, where one letter is a whole syllable) that occur in no training example and no
  lexicon entry of any language, after collapsing elongations ("ouiii" → "oui");
* **resemblance**: whether any word is, or is close to (rapidfuzz ratio ≥ 85), a known word, so a
  misspelt real word ("aftrnoon") never counts as gibberish.

A message is gibberish when no word resembles a known word *and* its novelty is at least 0.3.
Chosen on the held-out sets (2,086 messages in 12 languages) against generated keyboard mashes
and random letter strings in the five scripts we ship; `make nlu-eval` reports both rates.
A message of punctuation only ("?", "...") is treated the same way.
Messages in scripts we do not ship are left alone (the language picker serves them better), and
so are messages with entities, commands and emergencies (decided by the caller).
Plain Python: no Rasa import, tested on its own.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from nlu.langid import scripts
from nlu.textnorm import script_of, tokenize

__all__ = ["MIN_NOVELTY", "RESEMBLANCE", "Vocabulary"]

MIN_NOVELTY = 0.3
RESEMBLANCE = 85.0
# Scripts of the languages we ship; other scripts are never judged.
JUDGED_SCRIPTS = frozenset({"LATIN", "ARABIC", "DEVANAGARI", "BENGALI", "ETHIOPIC"})
# One Ethiopic letter is a syllable (consonant + vowel): bigrams there span what trigrams span
# in alphabets; trigrams made 25 of 183 Amharic held-out messages look novel, bigrams 2.
SYLLABIC_SCRIPTS = frozenset({"ETHIOPIC"})
_ELONGATION = re.compile(r"(.)\1{2,}")


def _word_form(norm: str) -> str:
    """The word as compared: elongations collapsed ("nooo" → "no")."""
    return _ELONGATION.sub(r"\1", norm)


def letter_grams(word: str) -> list[str]:
    """The word's letter n-grams with boundary spaces, as a char_wb featurizer sees them."""
    word = _word_form(word)
    if not word:
        return []
    n = 2 if any(script_of(c) in SYLLABIC_SCRIPTS for c in word) else 3
    padded = f" {word} "
    if len(padded) <= n:
        return [padded]
    return [padded[i : i + n] for i in range(len(padded) - n + 1)]


def _words(text: str) -> list[str]:
    return [t.norm for t in tokenize(text) if any(c.isalpha() for c in t.norm)]


def _dominant_script(words: Iterable[str]) -> str | None:
    counts = scripts(" ".join(words))
    return max(counts, key=counts.__getitem__) if counts else None


def only_punctuation(text: str) -> bool:
    """Punctuation and spaces only (emoji, digits and letters say something; these do not)."""
    chars = [c for c in text if not c.isspace()]
    return bool(chars) and all(unicodedata.category(c).startswith("P") for c in chars)


@dataclass
class Vocabulary:
    """The letter n-grams and words the bot knows, and the test built on them."""

    grams: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    _word_list: list[str] = field(default_factory=list, repr=False)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """Learn from training examples and lexicon phrases."""
        vocabulary = cls()
        vocabulary.add(texts)
        return vocabulary

    def add(self, texts: Iterable[str]) -> None:
        for text in texts:
            for word in _words(text):
                self.words.add(_word_form(word))
                self.grams.update(letter_grams(word))
        self._word_list = sorted(self.words)

    def novelty(self, text: str) -> float:
        """Share of the text's letter n-grams never seen (0 when it has no letters)."""
        grams = [g for word in _words(text) for g in letter_grams(word)]
        if not grams:
            return 0.0
        return sum(g not in self.grams for g in grams) / len(grams)

    def resembles_known(self, word: str) -> bool:
        """True when the word is known or a close spelling of a known word."""
        word = _word_form(word)
        if word in self.words:
            return True
        if len(word) < 3:
            return False
        match = process.extractOne(
            word, self._word_list, scorer=fuzz.ratio, score_cutoff=RESEMBLANCE
        )
        return match is not None

    def is_gibberish(self, text: str) -> bool:
        """No word resembles a known one and at least MIN_NOVELTY of the n-grams are unseen;
        or nothing but punctuation ("?", "...": measured, DIET read "..." as `affirm`)."""
        if only_punctuation(text):
            return True
        words = _words(text)
        if not words or _dominant_script(words) not in JUDGED_SCRIPTS:
            return False
        if self.novelty(text) < MIN_NOVELTY:
            return False
        return not any(self.resembles_known(word) for word in words)

    def to_json(self) -> str:
        return json.dumps(
            {"grams": sorted(self.grams), "words": sorted(self.words)}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, data: str) -> Vocabulary:
        raw = json.loads(data)
        vocabulary = cls(grams=set(raw["grams"]), words=set(raw["words"]))
        vocabulary._word_list = sorted(vocabulary.words)
        return vocabulary
