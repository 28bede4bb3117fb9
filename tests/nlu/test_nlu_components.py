"""The Rasa components: called directly on Messages, validated as a graph, and run in a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("rasa")

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components import (
    GazetteerEntityExtractor,
    SpacyBlankTokenizer,
    message_language,
)

NAME = "GazetteerEntityExtractor"


@pytest.fixture(scope="module")
def tokenizer() -> SpacyBlankTokenizer:
    return SpacyBlankTokenizer.create({}, None, None, None)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def extractor() -> GazetteerEntityExtractor:
    return GazetteerEntityExtractor.create({}, None, None, None)  # type: ignore[arg-type]


def message(text: str, language: str | None = None) -> Message:
    data: dict[str, Any] = {TEXT: text}
    if language:
        data["metadata"] = {"language": language}
    return Message(data=data)


def tokens(msg: Message) -> list[tuple[str, int, int]]:
    return [(t.text, t.start, t.end) for t in msg.get(TOKENS_NAMES[TEXT])]


# ------------------------------------------------------------------------- language lookup


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({TEXT: "x"}, None),
        ({TEXT: "x", "language": "tl"}, "fil"),
        ({TEXT: "x", "metadata": {"language": "ne"}}, "ne"),
        ({TEXT: "x", "metadata": {"lang": "fr-FR"}}, "fr"),
        ({TEXT: "x", "metadata": {"example": {"language": "ar"}}}, "ar"),
        ({TEXT: "x", "metadata": "not a mapping"}, None),
    ],
)
def test_message_language(data: dict[str, Any], expected: str | None) -> None:
    assert message_language(Message(data=data)) == expected


# ------------------------------------------------------------------------- tokenizer


def test_tokenizer_english(tokenizer: SpacyBlankTokenizer) -> None:
    msg = message("I'm from Nepal, working in Qatar.")
    tokenizer.process([msg])
    assert tokens(msg) == [
        ("I", 0, 1), ("'m", 1, 3), ("from", 4, 8), ("Nepal", 9, 14), (",", 14, 15),
        ("working", 16, 23), ("in", 24, 26), ("Qatar", 27, 32), (".", 32, 33),
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["ne", "fil", "tl", "sw", "am", "zz"])
def test_tokenizer_other_languages(tokenizer: SpacyBlankTokenizer, lang: str) -> None:
    # "fil" and "tl" use spaCy's Tagalog; "sw" has no spaCy class and "zz" is no language:
    # both fall back to the multi-language tokenizer instead of failing.
    text = {"ne": "म नेपालबाट हुँ", "am": "ከኢትዮጵያ ነኝ"}.get(lang, "taga Nepal ako, sa Dubai")
    msg = message(text, lang)
    tokenizer.process([msg])
    toks = tokens(msg)
    assert toks and all(text[s:e] == t for t, s, e in toks)
    assert "Nepal" in [t for t, _, _ in toks] or lang in ("ne", "am")
    if lang == "ne":
        assert [t for t, _, _ in toks] == ["म", "नेपालबाट", "हुँ"]


def test_tokenizer_training_data(tokenizer: SpacyBlankTokenizer) -> None:
    example = Message(data={TEXT: "I work in Dubai", "intent": "inform"})
    tokenizer.process_training_data(TrainingData([example]))
    assert [t for t, _, _ in tokens(example)] == ["I", "work", "in", "Dubai"]


def test_tokenizer_load_without_persisted_state() -> None:
    loaded = SpacyBlankTokenizer.load({"language": "fr"}, None, None, None)  # type: ignore[arg-type]
    assert isinstance(loaded, SpacyBlankTokenizer)
    assert loaded.default_language == "fr"
    assert "spacy" in SpacyBlankTokenizer.required_packages()


# ------------------------------------------------------------------------- extractor


def test_extractor_sets_entities_with_roles(
    tokenizer: SpacyBlankTokenizer, extractor: GazetteerEntityExtractor
) -> None:
    msg = message("I'm from Nepal, working in construction in Qatar", "en")
    tokenizer.process([msg])
    extractor.process([msg])
    entities = msg.get(ENTITIES)
    assert [(e["entity"], e["value"], e.get("role")) for e in entities] == [
        ("country", "NP", "origin"),
        ("sector", "construction", None),
        ("country", "QA", "destination"),
    ]
    assert all(e["extractor"] == NAME for e in entities)
    assert all(e["confidence_entity"] == 1.0 for e in entities)
    assert "role" not in entities[1]
    assert (entities[0]["start"], entities[0]["end"]) == (9, 14)


def test_extractor_keeps_other_extractors_entities(extractor: GazetteerEntityExtractor) -> None:
    diet = {"entity": "country", "start": 0, "end": 5, "value": "Nepal", "extractor": "DIET"}
    msg = message("Nepal is my home, I work in Dubai", "en")
    msg.set(ENTITIES, [diet])
    extractor.process([msg])
    extractor.process([msg])  # idempotent: a second pass adds nothing
    entities = msg.get(ENTITIES)
    assert entities[0] == diet
    assert [(e["value"], e.get("role")) for e in entities[1:]] == [
        ("NP", None),
        ("AE", "destination"),
    ]


def test_extractor_uses_the_message_language(extractor: GazetteerEntityExtractor) -> None:
    msg = message("taga Nepal ako, kasambahay sa Dubai", "tl")
    extractor.process([msg])
    assert [(e["value"], e.get("role")) for e in msg.get(ENTITIES)] == [
        ("NP", "origin"),
        ("domestic_work", None),
        ("AE", "destination"),
    ]


def test_extractor_entity_filter_and_empty_messages() -> None:
    only_countries = GazetteerEntityExtractor.load(
        {"entities": ["country"]},
        None,
        None,
        None,  # type: ignore[arg-type]
    )
    msg = message("I am a housemaid in Dubai")
    empty = Message(data={TEXT: "   "})
    no_text = Message(data={"intent": "greet"})
    only_countries.process([msg, empty, no_text])
    assert [e["value"] for e in msg.get(ENTITIES)] == ["AE"]
    assert empty.get(ENTITIES) in (None, [])
    assert no_text.get(ENTITIES) in (None, [])


def test_extractor_shares_one_gazetteer() -> None:
    one = GazetteerEntityExtractor.create({}, None, None, None)  # type: ignore[arg-type]
    two = GazetteerEntityExtractor.load({}, None, None, None)  # type: ignore[arg-type]
    assert one.gazetteer is two.gazetteer


# ------------------------------------------------------------------------- graph and model

PIPELINE = [
    {"name": "nlu.components.SpacyBlankTokenizer", "language": "en"},
    {"name": "KeywordIntentClassifier"},
    {"name": "nlu.components.GazetteerEntityExtractor"},
]


def test_recipe_builds_a_valid_graph() -> None:
    """Rasa's own validation (type hints, constructors, needs) accepts both components."""
    from rasa.engine.validation import validate

    config = {"recipe": "default.v1", "language": "en", "pipeline": PIPELINE, "policies": []}
    model_config = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validate(model_config)
    predict = model_config.predict_schema.nodes
    assert any(node.uses is GazetteerEntityExtractor for node in predict.values())
    train = model_config.train_schema.nodes
    assert not any(node.uses is GazetteerEntityExtractor for node in train.values())


def test_trained_model_parses_with_roles(tmp_path: Path) -> None:
    """`rasa train nlu` then parse: the components work inside a real model."""
    import asyncio

    import yaml
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.model_training import train_nlu

    config = {
        "recipe": "default.v1",
        "assistant_id": "nlu-test",
        "language": "en",
        "pipeline": PIPELINE,
        "policies": [],
    }
    (tmp_path / "config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: greet\n  examples: |\n    - hello\n    - hi\n"
        "- intent: inform\n  examples: |\n    - I work in Qatar\n    - I am from Nepal\n",
        encoding="utf-8",
    )
    model = train_nlu(
        str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models")
    )
    assert model

    async def parse(text: str, language: str) -> dict[str, Any]:
        agent = Agent.load(model)
        return await agent.processor.parse_message(
            UserMessage(text, metadata={"language": language})
        )

    result = asyncio.run(parse("I'm from Nepal, working as a maid in Dubai", "en"))
    assert [(e["entity"], e["value"], e.get("role")) for e in result["entities"]] == [
        ("country", "NP", "origin"),
        ("sector", "domestic_work", None),
        ("country", "AE", "destination"),
    ]
