"""Latency of conversation turns over REST against the real servers (`make bench`).

Numbers, not a timed test: p50/p95 of an entitlement-answer turn and of a greet turn, measured in
the same run so their ratio means something, written to var/bench.json and printed as a table.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.integration.servers import ROOT, running_servers

ROUNDS = 60
PROFILE = [
    '/inform{"status":"migrant_worker"}',
    '/inform{"sector":"construction"}',
    '/inform{"country":"NP"}',
    '/inform{"country":"QA"}',
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(say, sender: str, message: str) -> float:
    start = time.perf_counter()
    reply = say(sender, message)
    elapsed = (time.perf_counter() - start) * 1000
    if not reply:
        raise RuntimeError(f"no answer to {message!r}")
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, running_servers(Path(tmp)) as servers:
        say = servers.say
        greet, answer = [], []
        for i in range(ROUNDS):
            sender = f"bench-{i}"
            greet.append(measure(say, sender, "hello"))
            for message in PROFILE:
                say(sender, message)
            answer.append(measure(say, sender, "/ask_entitlements"))
        warm = slice(5, None)  # the first turns load the model and the store
        report = {
            name: {
                "p50_ms": round(percentile(values[warm], 0.5), 1),
                "p95_ms": round(percentile(values[warm], 0.95), 1),
                "mean_ms": round(statistics.mean(values[warm]), 1),
                "n": len(values[warm]),
            }
            for name, values in (("greet_turn", greet), ("entitlement_turn", answer))
        }
        report["p95_ratio_entitlement_vs_greet"] = round(
            report["entitlement_turn"]["p95_ms"] / report["greet_turn"]["p95_ms"], 2
        )
    out = ROOT / "var" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'turn':<20}{'p50 ms':>10}{'p95 ms':>10}{'n':>6}")
    for name in ("greet_turn", "entitlement_turn"):
        row = report[name]
        print(f"{name:<20}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['n']:>6}")
    print(f"p95 ratio entitlement/greet: {report['p95_ratio_entitlement_vs_greet']}")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
