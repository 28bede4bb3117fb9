"""Per-language NLU evaluation on held-out sets the model never trained on (`make nlu-eval`).

    python -m nlu.evaluate [--model models/] [--data tests/nlu_eval] [--min 0.90] [--out FILE]

For each `tests/nlu_eval/<lang>.yml` it parses every example with the trained model, twice:
as a channel that declares nothing (the realistic worst case: WhatsApp sends no language), and
with the language in the message metadata (a web chat or a chosen language). It reports intent
accuracy and entity precision/recall/F1 on (entity, value, role) — and without roles, to tell a
missed country from a missed role. `--min` fails (exit 1) when any language's intent accuracy or
entity F1 without a declared language is below the threshold.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "tests" / "nlu_eval"
DEFAULT_MODELS = ROOT / "models"


@dataclass
class Scores:
    examples: int
    intent_accuracy: float
    entity_precision: float
    entity_recall: float
    entity_f1: float
    entity_f1_no_roles: float
    errors: list[dict[str, Any]]


def _entities(items: list[dict[str, Any]], roles: bool = True) -> Counter:
    return Counter(
        (e.get("entity"), str(e.get("value")), e.get("role") if roles else None)
        for e in items
        if e.get("entity")
    )


def _prf(gold: Counter, found: Counter) -> tuple[float, float, float]:
    hit = sum((gold & found).values())
    precision = hit / sum(found.values()) if found else (1.0 if not gold else 0.0)
    recall = hit / sum(gold.values()) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(cases: list[tuple[str, str, list[dict]]], parsed: list[dict[str, Any]]) -> Scores:
    correct = 0
    gold_all, found_all, gold_nr, found_nr = Counter(), Counter(), Counter(), Counter()
    errors: list[dict[str, Any]] = []
    for (text, intent, gold), result in zip(cases, parsed, strict=True):
        predicted = (result.get("intent") or {}).get("name")
        entities = result.get("entities") or []
        g, f = _entities(gold), _entities(entities)
        gold_all += g
        found_all += f
        gold_nr += _entities(gold, roles=False)
        found_nr += _entities(entities, roles=False)
        ok = predicted == intent
        correct += ok
        if not ok or g != f:
            errors.append(
                {
                    "text": text,
                    "intent": intent,
                    "predicted": predicted,
                    "missing": sorted(map(list, (g - f).elements())),
                    "extra": sorted(map(list, (f - g).elements())),
                }
            )
    p, r, f1 = _prf(gold_all, found_all)
    _, _, f1_nr = _prf(gold_nr, found_nr)
    n = len(cases)
    return Scores(n, correct / n if n else 0.0, p, r, f1, f1_nr, errors)


def load_cases(path: Path) -> list[tuple[str, str, list[dict]]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        (m.get("text"), m.get("intent"), list(m.get("entities") or []))
        for m in data.intent_examples
    ]


async def _parse_all(agent: Any, texts: list[str], language: str | None) -> list[dict[str, Any]]:
    from rasa.core.channels.channel import UserMessage

    results = []
    for text in texts:
        metadata = {"language": language} if language else None
        message = UserMessage(text, sender_id="nlu-eval", metadata=metadata)
        results.append(await agent.processor.parse_message(message))
    return results


def gazetteer_parse(texts: list[str], language: str | None) -> list[dict[str, Any]]:
    """Entities only, through the same components as the model (identifier hint, gazetteer):
    seconds instead of a training run, for editing lexicons."""
    from rasa.shared.nlu.training_data.message import Message

    from nlu.components import GazetteerEntityExtractor, LanguageIdentifier

    identifier = LanguageIdentifier({})
    extractor = GazetteerEntityExtractor({})
    results = []
    for text in texts:
        data: dict[str, Any] = {"text": text}
        if language:
            data["metadata"] = {"language": language}
        message = Message(data=data)
        identifier.process([message])
        extractor.process([message])
        results.append({"intent": {}, "entities": message.get("entities") or []})
    return results


def evaluate_gazetteer(data: Path) -> dict[str, dict[str, Scores]]:
    report: dict[str, dict[str, Scores]] = {}
    for path in sorted(data.glob("*.yml")):
        cases = load_cases(path)
        texts = [text for text, _, _ in cases]
        report[path.stem] = {
            "undeclared": score(cases, gazetteer_parse(texts, None)),
            "declared": score(cases, gazetteer_parse(texts, path.stem)),
        }
    return report


def latest_model(models: Path) -> Path:
    if models.is_file():
        return models
    found = sorted(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit(f"no model in {models}: run `make train`")
    return found[-1]


# Letters of the five scripts we ship, for generated gibberish (consonants only where a script
# has vowel signs, so every generated "word" is a run of plain letters).
_ALPHABETS = {
    "latin": "abcdefghijklmnopqrstuvwxyz",
    "arabic": "".join(chr(c) for c in range(0x0628, 0x064B) if chr(c).isalpha()),
    "devanagari": "".join(chr(c) for c in range(0x0915, 0x093A)),
    "bengali": "".join(chr(c) for c in range(0x0995, 0x09BA) if chr(c).isalpha()),
    "ethiopic": "".join(chr(c) for c in range(0x1200, 0x1358) if chr(c).isalpha()),
}
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def gibberish_cases(per_kind: int = 60, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, text): random letter strings in each script we ship and keyboard-row mashes.
    Deterministic, so the rate is comparable from run to run."""
    import random

    rnd = random.Random(seed)
    cases = []
    for kind, alphabet in _ALPHABETS.items():
        for _ in range(per_kind):
            words = [
                "".join(rnd.choice(alphabet) for _ in range(rnd.randint(3, 8)))
                for _ in range(rnd.randint(1, 4))
            ]
            cases.append((kind, " ".join(words)))
    for _ in range(per_kind):
        row = rnd.choice(_KEYBOARD_ROWS)
        words = []
        for _ in range(rnd.randint(1, 3)):
            start = rnd.randint(0, len(row) - 3)
            words.append(row[start : start + rnd.randint(3, 6)] * rnd.randint(1, 2))
        cases.append(("keyboard", " ".join(words)))
    return cases


def evaluate_gibberish(agent: Any) -> dict[str, Any]:
    """Share of generated gibberish answered with nlu_fallback, per kind and overall."""
    cases = gibberish_cases()
    parsed = asyncio.run(_parse_all(agent, [text for _, text in cases], None))
    by_kind: dict[str, list[int]] = {}
    missed = []
    for (kind, text), result in zip(cases, parsed, strict=True):
        caught = (result.get("intent") or {}).get("name") == "nlu_fallback"
        hits = by_kind.setdefault(kind, [0, 0])
        hits[0] += caught
        hits[1] += 1
        if not caught:
            missed.append({"kind": kind, "text": text, "predicted": result["intent"].get("name")})
    total = sum(h[0] for h in by_kind.values()) / len(cases)
    return {
        "examples": len(cases),
        "fallback_rate": total,
        "by_kind": {k: h[0] / h[1] for k, h in by_kind.items()},
        "missed": missed,
    }


def evaluate(model: Path, data: Path) -> dict[str, dict[str, Scores]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    report: dict[str, dict[str, Scores]] = {}
    for path in sorted(data.glob("*.yml")):
        language = path.stem
        cases = load_cases(path)
        texts = [text for text, _, _ in cases]
        report[language] = {
            "undeclared": score(cases, asyncio.run(_parse_all(agent, texts, None))),
            "declared": score(cases, asyncio.run(_parse_all(agent, texts, language))),
        }
    GIBBERISH.update(evaluate_gibberish(agent))
    return report


# Filled by evaluate(): the gibberish rates of the same model (kept out of the per-language
# report so its shape stays what CI and the tests read).
GIBBERISH: dict[str, Any] = {}


def table(report: dict[str, dict[str, Scores]]) -> str:
    lines = [
        "language  examples  intent acc  entity P / R / F1     F1 no roles | declared: acc  F1",
    ]
    for language, by_mode in report.items():
        u, d = by_mode["undeclared"], by_mode["declared"]
        lines.append(
            f"{language:<9} {u.examples:>8}  {u.intent_accuracy:>10.3f}  "
            f"{u.entity_precision:.3f} / {u.entity_recall:.3f} / {u.entity_f1:.3f}  "
            f"{u.entity_f1_no_roles:>11.3f} |          {d.intent_accuracy:.3f}  {d.entity_f1:.3f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu.evaluate", description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--min", type=float, default=None, dest="minimum")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--min-gibberish",
        type=float,
        default=None,
        help="fail when less than this share of generated gibberish gets nlu_fallback",
    )
    parser.add_argument("--errors", action="store_true", help="print misclassified examples")
    parser.add_argument(
        "--gazetteer-only", action="store_true", help="entities only, without a trained model"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    import structlog  # Rasa logs every parse through structlog at debug level

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if args.gazetteer_only:
        report = evaluate_gazetteer(args.data)
    else:
        report = evaluate(latest_model(args.model), args.data)
    print(table(report))
    if GIBBERISH:
        kinds = ", ".join(f"{k} {v:.2f}" for k, v in GIBBERISH["by_kind"].items())
        print(
            f"generated gibberish answered 'I did not understand': "
            f"{GIBBERISH['fallback_rate']:.3f} of {GIBBERISH['examples']} ({kinds})"
        )
    if args.errors:
        for language, by_mode in report.items():
            for error in by_mode["undeclared"].errors:
                print(language, json.dumps(error, ensure_ascii=False))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps(
                {
                    **{
                        lang: {mode: asdict(s) for mode, s in modes.items()}
                        for lang, modes in report.items()
                    },
                    **({"_gibberish": GIBBERISH} if GIBBERISH else {}),
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    if args.minimum is not None:
        failing = [
            f"{lang}: intent {m['undeclared'].intent_accuracy:.3f}, "
            f"entity F1 {m['undeclared'].entity_f1:.3f}"
            for lang, m in report.items()
            if min(m["undeclared"].intent_accuracy, m["undeclared"].entity_f1) < args.minimum
        ]
        if failing:
            print(f"below {args.minimum}: " + "; ".join(failing), file=sys.stderr)
            return 1
    if args.min_gibberish is not None and GIBBERISH:
        if GIBBERISH["fallback_rate"] < args.min_gibberish:
            print(
                f"gibberish fallback rate {GIBBERISH['fallback_rate']:.3f} "
                f"below {args.min_gibberish}",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
