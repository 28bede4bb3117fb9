"""Conversation turns over REST against the real servers: latency and throughput.

Latency: an entitlement-answer turn and a plain greet turn, interleaved in the same run (one
conversation per round: greet, the profile, the question) so that their ratio is not skewed by
the machine being busier during one of them. Both are typed text that goes through the NLU;
the profile is sent as button payloads, as the web chat's quick replies send it. Every
entitlement answer is checked to carry the live table's content hash, i.e. it really is an
answer from the engine.

Throughput: 1, 10 and 50 concurrent senders (threads, each its own conversation and HTTP
session) sending the same script; messages per second over the wall time, and p95 latency.

Run alone: `python -m bench.turns` (starts the servers itself).
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from bench.stats import summary
from tests.integration.servers import Servers, running_servers

ROUNDS = 60
WARM_UP = 5  # the first turns load the model's graphs and the store
GREET = "hello"
QUESTION = "what are my rights"
PROFILE = [
    '/inform{"status":"migrant_worker"}',
    '/inform{"sector":"construction"}',
    '/inform{"country":"NP"}',
    '/inform{"country":"QA"}',
]
SCRIPT = [GREET, *PROFILE, QUESTION]
SENDER_LEVELS = (1, 10, 50)
MESSAGES_PER_LEVEL = 120  # at least; 50 senders send one script each (300 messages)


def _post(session: requests.Session, url: str, sender: str, message: str) -> list[dict]:
    response = session.post(url, json={"sender": sender, "message": message}, timeout=120)
    response.raise_for_status()
    return response.json()


def table_hash(servers: Servers) -> str:
    """The content hash of the table the action server serves: every answer ends with it."""
    return requests.get(f"{servers.action_url}/tables", timeout=10).json()["content_hash"]


def latency(servers: Servers, rounds: int = ROUNDS, run_id: str = "") -> dict[str, Any]:
    """p50/p95 of greet and entitlement turns, interleaved, with the p95 ratio."""
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    expected = table_hash(servers)
    greet, answer = [], []
    with requests.Session() as session:
        for i in range(rounds):
            sender = f"bench-latency-{run_id}-{i}"
            start = time.perf_counter()
            reply = _post(session, url, sender, GREET)
            greet.append((time.perf_counter() - start) * 1000)
            if not reply:
                raise RuntimeError("no answer to the greeting")
            for message in PROFILE:
                _post(session, url, sender, message)
            start = time.perf_counter()
            reply = _post(session, url, sender, QUESTION)
            answer.append((time.perf_counter() - start) * 1000)
            text = "\n".join(m.get("text") or "" for m in reply)
            if expected not in text:
                raise RuntimeError(f"the answer to {QUESTION!r} is not an entitlement answer")
    report = {
        "greet_turn": summary(greet[WARM_UP:]),
        "entitlement_turn": summary(answer[WARM_UP:]),
    }
    report["p95_ratio_entitlement_vs_greet"] = round(
        report["entitlement_turn"]["p95_ms"] / report["greet_turn"]["p95_ms"], 2
    )
    return report


def _sender(url: str, sender: str, messages: int) -> tuple[list[float], int]:
    """One sender's conversation: the script again and again; latencies and failures."""
    times: list[float] = []
    failures = 0
    with requests.Session() as session:
        for i in range(messages):
            message = SCRIPT[i % len(SCRIPT)]
            start = time.perf_counter()
            try:
                if not _post(session, url, sender, message):
                    failures += 1
            except requests.RequestException:
                failures += 1
            times.append((time.perf_counter() - start) * 1000)
    return times, failures


def throughput(servers: Servers, senders: int, run_id: str = "") -> dict[str, Any]:
    """Messages per second and p95 latency with `senders` concurrent conversations."""
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    per_sender = max(len(SCRIPT), -(-MESSAGES_PER_LEVEL // senders))
    per_sender = -(-per_sender // len(SCRIPT)) * len(SCRIPT)  # whole scripts
    start_line = threading.Barrier(senders)

    def run(index: int) -> tuple[list[float], int]:
        start_line.wait()
        return _sender(url, f"bench-load-{run_id}-{senders}-{index}", per_sender)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        results = list(pool.map(run, range(senders)))
    wall = time.perf_counter() - started
    times = [t for result in results for t in result[0]]
    return {
        "senders": senders,
        "messages": len(times),
        "failures": sum(result[1] for result in results),
        "wall_s": round(wall, 2),
        "messages_per_s": round(len(times) / wall, 1),
        **{k: v for k, v in summary(times).items() if k in ("p50_ms", "p95_ms")},
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, running_servers(Path(tmp)) as servers:
        report = {
            "latency": latency(servers),
            "throughput": [throughput(servers, n) for n in SENDER_LEVELS],
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
