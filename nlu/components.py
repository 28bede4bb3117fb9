"""Rasa 3.6 graph components: a spaCy blank tokenizer and the gazetteer entity extractor.

Use in config.yml:

    pipeline:
      - name: nlu.components.SpacyBlankTokenizer
        language: en            # fallback when a message carries no language
      - ...featurizers, DIETClassifier...
      - name: nlu.components.GazetteerEntityExtractor

Both stay thin: the matching logic lives in `nlu.gazetteer` (plain Python, tested on its own).
Both read the message's language from `message.get("language")` or its metadata (the channel
passes the language the user chose), because one model serves twelve languages.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_ROLE, ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_RANKING_KEY,
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.gazetteer import ENTITY_TYPES, SUPPORTED_LANGUAGES, canonical_language, get_gazetteer
from nlu.langid import guess

__all__ = [
    "BareAnswerClassifier",
    "EmergencyWords",
    "ForeignScript",
    "GazetteerEntityExtractor",
    "GibberishGuard",
    "LanguageCommand",
    "LanguageIdentifier",
    "SafetyCommands",
    "SpacyBlankTokenizer",
    "message_language",
]

logger = logging.getLogger(__name__)

LANGUAGE_KEYS = ("language", "lang", "locale")
LANGUAGE_HINT = "language_hint"


def message_language(message: Message, use_hint: bool = True) -> str | None:
    """The language a message says it is in, as a contract code ("tl" -> "fil"), or None.

    Looked up on the message itself, then in its metadata: at prediction time the channel's
    metadata (`{"language": "ne"}`), in training data the example's or intent's metadata
    (Rasa nests those under "example" / "intent"). Failing those, the identifier's hint when
    the writing system made it sure (a Bengali-script message is Bengali).
    """
    declared = _declared_language(message)
    if declared or not use_hint:
        return declared
    hint = message.get(LANGUAGE_HINT)
    if isinstance(hint, Mapping) and hint.get("sure") and hint.get("language"):
        return canonical_language(str(hint["language"]))
    return None


def _declared_language(message: Message) -> str | None:
    for key in LANGUAGE_KEYS:
        value = message.get(key)
        if isinstance(value, str) and value:
            return canonical_language(value)
    metadata = message.get(METADATA)
    if not isinstance(metadata, Mapping):
        return None
    for scope in (metadata, metadata.get("example"), metadata.get("intent")):
        if isinstance(scope, Mapping):
            for key in LANGUAGE_KEYS:
                value = scope.get(key)
                if isinstance(value, str) and value:
                    return canonical_language(value)
    return None


# ---------------------------------------------------------------------------------- tokenizer

_NLP_LOCK = threading.Lock()
_NLP_CACHE: dict[str, Any] = {}  # spaCy code -> blank Language, shared by every instance


def _spacy_code(lang: str | None, fallback: str) -> str:
    """The spaCy language class to use: "fil" -> "tl"; no spaCy class (e.g. "sw") -> fallback."""
    code = canonical_language(lang) or fallback
    code = "tl" if code == "fil" else code
    import spacy.util

    try:
        spacy.util.get_lang_class(code)
    except ImportError:
        return fallback
    return code


def _blank(code: str) -> Any:
    """A blank spaCy pipeline for `code`, built once per process.

    Building one is expensive for some languages (about five seconds for "id" and "fr", which
    compile large tokenizer-exception tables), so the object is cached at module level: Rasa
    instantiates components several times (training, prediction, each loaded model).
    """
    nlp = _NLP_CACHE.get(code)
    if nlp is not None:
        return nlp
    with _NLP_LOCK:
        nlp = _NLP_CACHE.get(code)
        if nlp is None:
            import spacy

            nlp = spacy.blank(code)
            _NLP_CACHE[code] = nlp
            logger.debug("Built blank spaCy tokenizer for %r", code)
        return nlp


class _NothingToTrain:
    """create/load for components that learn nothing: loading a model is creating them."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Any:
        return cls(config)  # type: ignore[call-arg]

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Any:
        return cls.create(config, model_storage, resource, execution_context)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class SpacyBlankTokenizer(_NothingToTrain, Tokenizer):
    """Tokenizes with `spacy.blank(lang)` in the message's own language.

    Rasa's `SpacyNLP` only loads installed model packages and cannot use blank pipelines, and no
    spaCy model exists for most of our languages; the blank tokenizers still know each
    language's punctuation, clitics and exceptions, which whitespace splitting does not.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults: English when the message has no language, spaCy's multi-language otherwise.

        `preload` lists languages whose tokenizer is built at start-up instead of on the first
        message in that language (building "id" or "fr" takes seconds).
        """
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            "language": "en",
            "fallback_language": "xx",
            "preload": [],
        }

    @staticmethod
    def required_packages() -> list[str]:
        """spaCy itself; no model package is needed."""
        return ["spacy"]

    def __init__(self, config: dict[str, Any]) -> None:
        """Build (or reuse) the default language's tokenizer and any preloaded ones."""
        config = {**self.get_default_config(), **config}
        super().__init__(config)
        self.fallback = str(config.get("fallback_language") or "xx")
        self.default_language = canonical_language(config.get("language")) or "en"
        for lang in [self.default_language, *(config.get("preload") or [])]:
            _blank(_spacy_code(lang, self.fallback))

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokens of one attribute, with start offsets into the original text."""
        text = message.get(attribute)
        if not isinstance(text, str) or not text:
            return []
        lang = message_language(message) or self.default_language
        nlp = _blank(_spacy_code(lang, self.fallback))
        tokens = [
            Token(t.text, t.idx, lemma=t.lemma_ or None)
            for t in nlp.make_doc(text)
            if t.text and not t.text.isspace()
        ]
        if not tokens:  # only whitespace: keep Rasa's invariant of at least one token
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)


# ---------------------------------------------------------------------------------- extractor


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class GazetteerEntityExtractor(_NothingToTrain, GraphComponent, EntityExtractorMixin):
    """Adds country (with role), status, sector, branch and language entities from the lexicon.

    Not trainable: the lexicon is the model. Entities other extractors found (DIET, regexes) are
    kept; ours are appended with `extractor: GazetteerEntityExtractor` and canonical values, so
    slot mappings can prefer them by role.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Which languages to index, which entities to emit and the message-language fallback.

        `language: null` means "unknown": every loaded language's cautious rules apply to a
        message that carries no language, which is safer than assuming English.
        """
        return {
            "languages": list(SUPPORTED_LANGUAGES),
            "language": None,
            "entities": list(ENTITY_TYPES),
            "fuzzy": True,
            "min_score": 0.0,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Babel for CLDR names, rapidfuzz for misspellings, PyYAML for the lexicon."""
        return ["babel", "rapidfuzz", "yaml"]

    def __init__(self, config: dict[str, Any]) -> None:
        """Get the process-wide gazetteer (built on the first instance only)."""
        self._config = {**self.get_default_config(), **config}
        self.default_language = canonical_language(self._config.get("language"))
        self.entity_types = frozenset(self._config.get("entities") or ENTITY_TYPES)
        self.min_score = float(self._config.get("min_score") or 0.0)
        self.gazetteer = get_gazetteer(
            self._config.get("languages") or SUPPORTED_LANGUAGES,
            fuzzy=bool(self._config.get("fuzzy", True)),
        )

    def process(self, messages: list[Message]) -> list[Message]:
        """Append gazetteer entities to each message's entities."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            lang = message_language(message) or self.default_language
            found = self.extract_entities(text, lang)
            existing = list(message.get(ENTITIES) or [])
            seen = {_identity(e) for e in existing}
            new = [e for e in found if _identity(e) not in seen]
            message.set(ENTITIES, existing + new, add_to_output=True)
        return messages

    def extract_entities(self, text: str, lang: str | None) -> list[dict[str, Any]]:
        """Rasa entity dicts for `text` (exposed for tests and for the action server)."""
        entities: list[dict[str, Any]] = []
        for match in self.gazetteer.extract(text, lang):
            if match.entity not in self.entity_types or match.score < self.min_score:
                continue
            entity: dict[str, Any] = {
                ENTITY_ATTRIBUTE_TYPE: match.entity,
                ENTITY_ATTRIBUTE_START: match.start,
                ENTITY_ATTRIBUTE_END: match.end,
                ENTITY_ATTRIBUTE_VALUE: match.value,
                ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: match.score,  # "confidence_entity", as DIET
                "text": match.text,
            }
            if match.role is not None:
                entity[ENTITY_ATTRIBUTE_ROLE] = match.role
                entity[ENTITY_ATTRIBUTE_CONFIDENCE_ROLE] = match.score
            entities.append(entity)
        return self.add_extractor_name(entities)


def _identity(entity: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        entity.get(ENTITY_ATTRIBUTE_TYPE),
        entity.get(ENTITY_ATTRIBUTE_START),
        entity.get(ENTITY_ATTRIBUTE_END),
        entity.get(ENTITY_ATTRIBUTE_VALUE),
        entity.get(ENTITY_ATTRIBUTE_ROLE),
        entity.get(EXTRACTOR),
    )


# ---------------------------------------------------------------------------------- language


def set_certain_intent(message: Message, name: str) -> None:
    """A command-like override: this intent with confidence 1, and nothing else ranked."""
    intent = {"name": name, "confidence": 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)


class _Optionless(_NothingToTrain):
    """A component with no options (GraphComponent's default config is empty)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class LanguageIdentifier(_Optionless, GraphComponent):
    """Guesses each message's language (`nlu.langid`) and records it as `language_hint`.

    First in the pipeline, so the tokenizer and the gazetteer can use a sure guess (native
    script) when the channel declared no language. The hint is an output property: the action
    server reads it to offer the likely language first in the picker. It never switches the
    conversation's language: romanized text cannot be identified, so the bot asks.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Attach the hint to every message (at training time too, so the tokenizer agrees)."""
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text.strip():
                message.set(LANGUAGE_HINT, guess(text).as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Hints for training examples, as for messages at prediction time."""
        self.process(training_data.training_examples)
        return training_data


_COMMAND = re.compile(
    r"^\s*/(?:lang|language|langue|lengua|idioma|lugha|bahasa|wika|bhasha|bhasa|lugha)\b\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageCommand(_Optionless, GraphComponent):
    """`/lang ne`, `/language`, `/idioma es`…: a command, not something to classify.

    Sets the intent `choose_language` with confidence 1 and, when the argument names a language
    we know (an ISO code, `tl`, or a language name the gazetteer knows in any language), the
    `language` entity. Placed after the gazetteer and before the FallbackClassifier.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Turn command messages into `choose_language`."""
        for message in messages:
            text = message.get(TEXT)
            match = _COMMAND.match(text) if isinstance(text, str) else None
            if match:
                self._apply(message, match.group(1).strip())
        return messages

    def _apply(self, message: Message, argument: str) -> None:
        set_certain_intent(message, "choose_language")
        code = command_language(argument)
        entities = [
            e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != "language"
        ]
        if code:
            start = max(message.get(TEXT).rfind(argument), 0)
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: "language",
                    ENTITY_ATTRIBUTE_VALUE: code,
                    ENTITY_ATTRIBUTE_START: start,
                    ENTITY_ATTRIBUTE_END: start + len(argument),
                    "text": argument,
                    EXTRACTOR: self.__class__.__name__,
                }
            )
        message.set(ENTITIES, entities, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ForeignScript(_Optionless, GraphComponent):
    """A message written mostly in a script none of our languages uses (Cyrillic, Thai, Han…)
    is `choose_language` with confidence 1: the picker, which names every language in itself,
    is the one answer such a person can read. Measured before: DIET called "Привет" `inform`
    (1.0). Mixed messages count by letters ("Привет, I need help" is Latin). After
    LanguageCommand, before EmergencyWords (which knows no such script anyway)."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Turn messages in scripts we do not ship into `choose_language`."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.lstrip().startswith("/"):
                continue
            if foreign_script(text):
                set_certain_intent(message, "choose_language")
        return messages


def foreign_script(text: str) -> str | None:
    """The dominant script of `text` when no shipped language is written in it, else None."""
    from nlu.langid import SCRIPTS, scripts

    counts = scripts(text)
    if not counts:
        return None
    script = max(counts, key=counts.__getitem__)
    return None if script in SCRIPTS else script


def command_language(argument: str) -> str | None:
    """The language an argument of `/lang` names: "ne", "tl", "nepali", "नेपाली"…"""
    if not argument:
        return None
    word = argument.split()[0].strip().lower()
    code = canonical_language(word)
    if code in SUPPORTED_LANGUAGES:
        return code
    code = _language_names().get(argument.strip().lower())
    if code:
        return code
    for match in get_gazetteer().extract(argument, None):
        if match.entity == "language":
            return match.value
    return None


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Every shipped language's name in every shipped language (CLDR), lower case → code."""
    from babel import Locale

    names: dict[str, str] = {}
    for code in SUPPORTED_LANGUAGES:
        target = Locale.parse("fil" if code == "fil" else code)
        for shown_in in SUPPORTED_LANGUAGES:
            name = target.get_display_name(Locale.parse(shown_in))
            if name:
                names.setdefault(name.lower(), code)
    return names


# ---------------------------------------------------------------------------------- bare answers

BARE_INTENTS = (
    # (entity types the message consists of, intent)
    (frozenset({"language"}), "choose_language"),
    (frozenset({"branch"}), "ask_benefit"),
)
INFORM_ENTITIES = frozenset({"country", "status", "sector"})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BareAnswerClassifier(_NothingToTrain, GraphComponent):
    """A message that is nothing but entities is an answer, whatever the classifier thought.

    "Qatar", "kasambahay", "नेपाल please", "شغالة" answer the form's questions (`inform`); a bare
    language name chooses the language; a bare branch ("pension") asks about it. Such one- or
    two-word messages are where the intent model is weakest (measured on the held-out sets:
    single job titles and place names classified as greet, affirm or emergency), while the
    gazetteer reads them reliably. Placed after the gazetteer, before LanguageCommand and the
    FallbackClassifier; it only acts when the entities cover the whole text.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`confidence` given to the overriding intent."""
        return {"confidence": 0.99}

    def __init__(self, config: dict[str, Any]) -> None:
        """Shares the process-wide gazetteer for its filler words."""
        self.confidence = float({**self.get_default_config(), **config}["confidence"])

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of bare answers."""
        gazetteer = get_gazetteer()
        for message in messages:
            text = message.get(TEXT)
            entities = [e for e in message.get(ENTITIES) or [] if e.get(EXTRACTOR) == _GAZ]
            if not isinstance(text, str) or not entities:
                continue
            intent = bare_intent(text, entities, gazetteer)
            if intent:
                chosen = {"name": intent, "confidence": self.confidence}
                # The others are scaled below the chosen one: left as the classifier had them
                # ("goodbye" 1.0), the FallbackClassifier's ambiguity check would see two
                # intents within 0.05 and answer "I did not understand" to a plain "خدامة".
                rest = 1.0 - self.confidence
                ranking = [chosen] + [
                    {**r, "confidence": float(r.get("confidence") or 0.0) * rest}
                    for r in message.get(INTENT_RANKING_KEY) or []
                    if r.get("name") != intent
                ]
                message.set(INTENT, chosen, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


_GAZ = GazetteerEntityExtractor.__name__


def bare_intent(text: str, entities: list[dict[str, Any]], gazetteer: Any) -> str | None:
    """The intent of a message made only of these entities, or None if it says more."""
    spans = [(e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END]) for e in entities]
    if not gazetteer.only_entities(text, spans):
        return None
    kinds = frozenset(e[ENTITY_ATTRIBUTE_TYPE] for e in entities)
    for wanted, intent in BARE_INTENTS:
        if kinds == wanted:
            return intent
    if kinds & INFORM_ENTITIES and "language" not in kinds:
        return "inform"
    return None


# Words that work in every language, whatever the classifier thinks: a person in danger or
# worried about their data must not depend on a model's confidence. Keys are compared after
# case folding, without the leading "/" and surrounding punctuation.
SAFETY_COMMANDS: dict[str, str] = {
    **dict.fromkeys(["sos", "s.o.s", "s o s", "911", "999", "112"], "emergency"),
    **dict.fromkeys(
        [
            "privacy",
            "privacidad",
            "confidentialité",
            "confidentialite",
            "vie privée",
            "faragha",
            "privasi",
            "kerahasiaan",
            "pribado",
            "privado",
            "gopaniyata",
            "خصوصية",
            "الخصوصية",
            "رازداری",
            "प्राइभेसी",
            "गोपनीयता",
            "গোপনীয়তা",
            "ግላዊነት",
        ],
        "ask_privacy",
    ),
    **dict.fromkeys(
        [
            "forget",
            "forgetme",
            "forget_me",
            "forget me",
            "olvidar",
            "oublier",
            "sahau",
            "lupakan",
            "kalimutan",
            "hapus",
            "delete",
        ],
        "forget_me",
    ),
}
_SLASH_ONLY = frozenset({"911", "999", "112", "delete", "hapus", "forget", "privado"})
_EDGE_PUNCTUATION = " \t\n!?.。!؟।:;,'\"()"


def safety_command(text: str) -> str | None:
    """The intent a safety word or command asks for ("SOS", "/privacy", "/olvidar"), or None.

    A bare word counts only when it is the whole message and unambiguous ("SOS!", "privacy");
    numbers and common verbs ("delete", "999") count only as slash commands ("/999").
    """
    stripped = text.strip()
    slash = stripped.startswith("/")
    word = stripped.lstrip("/").strip(_EDGE_PUNCTUATION).casefold()
    if not word or len(word) > 20 or (not slash and word in _SLASH_ONLY):
        return None
    return SAFETY_COMMANDS.get(word)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyCommands(_Optionless, GraphComponent):
    """ "SOS", "/privacy", "/forget": emergency, ask_privacy, forget_me with confidence 1.

    Placed after the classifiers and before the FallbackClassifier, like LanguageCommand.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Turn safety words into their intent."""
        for message in messages:
            text = message.get(TEXT)
            intent_name = safety_command(text) if isinstance(text, str) else None
            if intent_name:
                set_certain_intent(message, intent_name)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyWords(_Optionless, GraphComponent):
    """A message with an emergency phrase ("raped", "took my passport", "اغتصبني") is an
    emergency with confidence 1, whatever the classifier said (`nlu.emergency_words`).

    After SafetyCommands and before GibberishGuard and the FallbackClassifier; commands ("/…")
    are left to their own components.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Raise messages with an emergency phrase to `emergency`."""
        from nlu.emergency_words import emergency_phrase

        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.lstrip().startswith("/"):
                continue
            if (message.get(INTENT) or {}).get("name") == "emergency":
                continue
            if emergency_phrase(text) is None:
                continue
            chosen = {"name": "emergency", "confidence": 1.0}
            ranking = [chosen] + [
                {**r, "confidence": 0.0}
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get("name") != "emergency"
            ]
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class GibberishGuard(GraphComponent):
    """Keyboard mashes and random letters get "I did not understand", not a confident guess.

    The classifier gives every input an intent; `nlu.novelty` learns, from the same training
    examples plus the gazetteer's phrases, which letter sequences and words the bot knows. A
    message none of whose words resembles a known word and whose letters are mostly unseen has
    its intent confidences set to 0, so the FallbackClassifier (next) answers `nlu_fallback`.
    Left alone: messages with entities, commands ("/lang", "SOS") and anything classified as an
    emergency (a person in danger must never depend on our vocabulary).
    """

    FILE = "vocabulary.json"
    SPARED_INTENTS = frozenset({"emergency"})

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Any | None = None,
    ) -> None:
        self._storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GibberishGuard:
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GibberishGuard:
        from nlu.novelty import Vocabulary

        try:
            with model_storage.read_from(resource) as directory:
                data = (directory / cls.FILE).read_text(encoding="utf-8")
        except (ValueError, OSError):
            logger.warning("GibberishGuard: no vocabulary in the model; the guard is off.")
            return cls(model_storage, resource)
        return cls(model_storage, resource, Vocabulary.from_json(data))

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the known letters and words from the examples and the gazetteer."""
        from nlu.novelty import Vocabulary

        texts = [m.get(TEXT) for m in training_data.training_examples if m.get(TEXT)]
        self.vocabulary = Vocabulary.from_texts(texts + get_gazetteer().phrases())
        with self._storage.write_to(self._resource) as directory:
            (directory / self.FILE).write_text(self.vocabulary.to_json(), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Make the classifier unsure of gibberish."""
        if self.vocabulary is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.lstrip().startswith("/"):
                continue
            if message.get(ENTITIES) or safety_command(text):
                continue
            intent = message.get(INTENT) or {}
            if intent.get("name") in self.SPARED_INTENTS:
                continue
            if not self.vocabulary.is_gibberish(text):
                continue
            message.set(INTENT, {**intent, "confidence": 0.0}, add_to_output=True)
            ranking = [{**r, "confidence": 0.0} for r in message.get(INTENT_RANKING_KEY) or []]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
