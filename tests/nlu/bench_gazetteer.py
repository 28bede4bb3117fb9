"""Micro-benchmark of the gazetteer (not a test: run it by hand).

    PYTHONPATH=. python tests/nlu/bench_gazetteer.py

Measures what matters for a Rasa server: the one-off build (in a fresh interpreter, since the
process cache would hide it) for English and for all twelve languages, and the per-message cost
of `extract` over 1,000 generated sentences (realistic lengths, cities, demonyms, misspellings,
several scripts), with and without a known message language.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nlu.gazetteer import SUPPORTED_LANGUAGES, get_gazetteer  # noqa: E402

BUILD = """
import time
t0 = time.perf_counter()
from nlu.gazetteer import Gazetteer
t1 = time.perf_counter()
Gazetteer({langs!r})
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""

COUNTRIES = [
    "Nepal",
    "Qatar",
    "Saudi Arabia",
    "Malaysia",
    "the UAE",
    "Bangladesh",
    "Kuwait",
    "Jordan",
    "Lebanon",
    "the Philippines",
    "Indonesia",
    "Hong Kong",
    "Sri Lanka",
]
CITIES = ["Dubai", "Doha", "Riyadh", "Kuala Lumpur", "Amman", "Beirut", "Jeddah", "Muscat"]
DEMONYMS = ["Nepali", "Filipino", "Indonesian", "Bangladeshi", "Ethiopian", "Kenyan"]
SECTORS = ["construction", "a housemaid", "a driver", "a factory", "a farm", "a hotel"]
ISSUES = [
    "my visa expired",
    "I was injured at work",
    "I lost my job",
    "I am pregnant",
    "what about my pension",
    "my employer took my passport",
    "I am sick",
]
FILLER = (
    "and I do not know what to do because my employer does not pay me for three months "
    "and the agency in my country does not answer my calls"
).split()
OTHER = [
    ("म नेपालबाट हुँ, कतारमा काम गर्छु", "ne"),
    ("أنا من مصر وأعمل في السعودية", "ar"),
    ("taga Nepal ako, kasambahay sa Hong Kong", "fil"),
    ("Saya dari Indonesia, bekerja di Malaysia sebagai pembantu", "id"),
    ("আমি বাংলাদেশ থেকে, সৌদি আরবে কাজ করি", "bn"),
    ("Je viens du Népal et je travaille au Qatar", "fr"),
]  # fmt: skip


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


def sentences(n: int, seed: int = 7) -> list[tuple[str, str | None]]:
    rng = random.Random(seed)
    out: list[tuple[str, str | None]] = []
    while len(out) < n:
        kind = rng.random()
        if kind < 0.1:
            out.append(rng.choice(OTHER))
            continue
        origin, dest = rng.choice(COUNTRIES), rng.choice(COUNTRIES + CITIES)
        if rng.random() < 0.2:
            dest = typo(dest, rng)
        parts = [
            rng.choice([f"I'm from {origin},", f"I am {rng.choice(DEMONYMS)},", "Hello,"]),
            f"working as {rng.choice(SECTORS)} in {dest}.",
            rng.choice(ISSUES),
            " ".join(FILLER[: rng.randrange(0, len(FILLER))]),
        ]
        out.append((" ".join(parts), "en" if rng.random() < 0.8 else None))
    return out


def build_times(langs: tuple[str, ...], runs: int = 3) -> tuple[float, float]:
    imports, builds = [], []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", BUILD.format(langs=langs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(ROOT)},
        )
        imp, build = map(float, proc.stdout.split())
        imports.append(imp)
        builds.append(build)
    return statistics.median(imports), statistics.median(builds)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    for label, langs in (("en", ("en",)), ("all 12", SUPPORTED_LANGUAGES)):
        imp, build = build_times(langs)
        print(f"build {label:7s}: import {imp * 1000:6.0f} ms, build {build * 1000:6.0f} ms")
    gaz = get_gazetteer(SUPPORTED_LANGUAGES)
    corpus = sentences(1000)
    for text, lang in corpus[:50]:  # warm the normalisation caches, as a running server has
        gaz.extract(text, lang)
    timings, found = [], 0
    for text, lang in corpus:
        start = time.perf_counter()
        found += len(gaz.extract(text, lang))
        timings.append((time.perf_counter() - start) * 1000)
    words = statistics.mean(len(t.split()) for t, _ in corpus)
    print(
        f"extract (12 languages loaded, {len(corpus)} sentences, mean {words:.0f} words, "
        f"{found} entities): p50 {percentile(timings, 0.5):.3f} ms, "
        f"p95 {percentile(timings, 0.95):.3f} ms, max {max(timings):.3f} ms"
    )


if __name__ == "__main__":
    main()
