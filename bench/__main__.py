"""`make bench`: the numbers of issue 6, written to test-artifacts/bench.json and printed.

Numbers, not a timed test: nothing here fails the build. Each target is printed next to its
number with pass/miss. Order: `resolve()` on synthetic tables first (no servers running, so
they do not compete for the CPUs), then the recorded training time, then the real servers:
latency (greet and entitlement turns interleaved), throughput with 1, 10 and 50 concurrent
senders, and the servers' resident memory after that load.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import resolve, training, turns
from bench.memory import server_memory
from engine.settings import PROJECT_ROOT
from tests.integration.servers import running_servers

OUTPUTS = (PROJECT_ROOT / "test-artifacts" / "bench.json", PROJECT_ROOT / "var" / "bench.json")
TARGETS = {
    "p95_ratio_entitlement_vs_greet": 1.3,
    "resolve_p99_ms_at_10000": 1.0,
    "resolve_p99_growth": 2.0,
    "rasa_rss_mb": 1536.0,
}


def run() -> dict[str, Any]:
    report: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "targets": TARGETS,
    }
    _progress("resolve() on synthetic tables of 100, 1,000 and 10,000 corridors")
    report["resolve"] = resolve.run()
    report["training"] = training.training_time()
    _progress("starting the servers")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, running_servers(Path(tmp)) as s:
        _progress("latency: greet and entitlement turns, interleaved")
        report["latency"] = turns.latency(s)
        _progress(f"throughput with {', '.join(map(str, turns.SENDER_LEVELS))} senders")
        report["throughput"] = [turns.throughput(s, n) for n in turns.SENDER_LEVELS]
        report["memory"] = server_memory()
    report["load_average_end"] = float(Path("/proc/loadavg").read_text().split()[0])
    report["verdicts"] = verdicts(report)
    return report


def _progress(step: str) -> None:
    print(f"bench: {step}...", file=sys.stderr, flush=True)


def verdicts(report: dict[str, Any]) -> dict[str, bool]:
    largest = report["resolve"]["sizes"][-1]
    rasa = report["memory"].get("rasa_server", {})
    return {
        "p95_ratio_entitlement_vs_greet": report["latency"]["p95_ratio_entitlement_vs_greet"]
        <= TARGETS["p95_ratio_entitlement_vs_greet"],
        "resolve_p99_ms_at_10000": largest["corridors"] >= 10_000
        and largest["p99_ms"] <= TARGETS["resolve_p99_ms_at_10000"],
        "resolve_p99_growth": report["resolve"]["p99_growth"] <= TARGETS["resolve_p99_growth"],
        "rasa_rss_mb": bool(rasa) and rasa["peak_rss_mb"] <= TARGETS["rasa_rss_mb"],
    }


def table(report: dict[str, Any]) -> list[str]:
    """The short table `make bench` prints."""
    ok = report["verdicts"]

    def mark(name: str) -> str:
        return "pass" if ok[name] else "MISS"

    lat = report["latency"]
    ratio = "p95_ratio_entitlement_vs_greet"
    greet, answer = lat["greet_turn"], lat["entitlement_turn"]
    rows = [
        ("greet turn p50 / p95", f"{greet['p50_ms']} / {greet['p95_ms']} ms (n={greet['n']})", ""),
        (
            "entitlement turn p50 / p95",
            f"{answer['p50_ms']} / {answer['p95_ms']} ms (n={answer['n']})",
            "",
        ),
        (
            "p95 entitlement / greet",
            f"{lat[ratio]}",
            f"<= {TARGETS[ratio]}  {mark(ratio)}",
        ),
    ]
    for level in report["throughput"]:
        rows.append(
            (
                f"throughput, {level['senders']} sender(s)",
                f"{level['messages_per_s']} msg/s, p95 {level['p95_ms']} ms, "
                f"{level['messages']} msgs, {level['failures']} failed",
                "",
            )
        )
    for size in report["resolve"]["sizes"]:
        target = ""
        if size["corridors"] >= 10_000:
            target = f"p99 <= 1 ms  {mark('resolve_p99_ms_at_10000')}"
        rows.append(
            (
                f"resolve() {size['corridors']:,} corridors",
                f"p50 {size['p50_ms']} / p99 {size['p99_ms']} ms (best of {size['repeats']}; "
                f"1 run p99 {size['single_run_p99_ms']}, cpu p99 {size['cpu_p99_ms']})",
                target,
            )
        )
    res = report["resolve"]
    rows.append(
        (
            "resolve() p99 growth 10,000/100",
            f"{res['p99_growth']}x (1 run {res['single_run_p99_growth']}x, "
            f"cpu {res['cpu_p99_growth']}x)",
            f"<= 2x  {mark('resolve_p99_growth')}",
        )
    )
    train = report["training"]
    if train["source"] == "none":
        rows.append(("training time", train["note"], ""))
    else:
        when = train.get("finished_at", "?")
        model = Path(train.get("model", "")).name
        how = train.get("how", train["source"]).split(":")[0]  # recorded / observed / measured
        cached = ", reused Rasa's training cache" if train.get("cache") else ""
        rows.append(
            (
                "training time",
                f"{train['seconds']} s ({how} {when}{', ' + model if model else ''}{cached})",
                "",
            )
        )
    for name, label in (("rasa_server", "Rasa server"), ("action_server", "action server")):
        memory = report["memory"].get(name)
        value = f"RSS {memory['rss_mb']} MB, peak {memory['peak_rss_mb']} MB" if memory else "?"
        target = f"peak <= 1.5 GB  {mark('rasa_rss_mb')}" if name == "rasa_server" else ""
        rows.append((f"{label} memory after load", value, target))
    width = max(len(r[0]) for r in rows) + 2
    value_width = max(len(r[1]) for r in rows) + 2
    lines = [
        f"make bench {report['started_at']} - {report['cpus']} CPUs, load average "
        f"{report['resolve']['load_average']} (resolve) / {report['load_average_end']} (end)",
        f"{'measure':<{width}}{'value':<{value_width}}target",
    ]
    lines += [f"{a:<{width}}{b:<{value_width}}{c}".rstrip() for a, b, c in rows]
    return lines


def main() -> int:
    report = run()
    text = json.dumps(report, indent=2) + "\n"
    for out in OUTPUTS:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    print("\n".join(table(report)))
    print(f"written to {', '.join(str(o.relative_to(PROJECT_ROOT)) for o in OUTPUTS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
