"""Resident memory of the servers this process started, read from /proc.

Why /proc and not psutil: it is all that is needed (VmRSS now, VmHWM the peak) and adds no
dependency. The servers are found among this process's children by their command line, so a
`make run` or another session's servers on the same machine are never measured by mistake.
A server's own children (if it forks workers) are added to it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
SERVERS = {"action_server": "actions.server", "rasa_server": "rasa"}


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of one process in kB (empty if it is gone)."""
    try:
        lines = (PROC / str(pid) / "status").read_text().splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids, for every process we may read."""
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _descendants(pid: int, tree: dict[int, list[int]]) -> list[int]:
    found = [pid]
    for child in tree.get(pid, []):
        found.extend(_descendants(child, tree))
    return found


def server_memory(parent: int | None = None) -> dict[str, dict[str, float]]:
    """RSS and peak RSS (MB) of the action server and the Rasa server started by `parent`."""
    tree = _children()
    report: dict[str, dict[str, float]] = {}
    for pid in tree.get(parent or os.getpid(), []):
        command = _cmdline(pid)
        name = next(
            (n for n, marker in SERVERS.items() if marker in command and n not in report), None
        )
        if name is None:
            continue
        pids = _descendants(pid, tree)
        statuses = [_status(p) for p in pids]
        report[name] = {
            "pid": pid,
            "processes": len(pids),
            "rss_mb": round(sum(s.get("VmRSS", 0) for s in statuses) / 1024, 1),
            "peak_rss_mb": round(sum(s.get("VmHWM", 0) for s in statuses) / 1024, 1),
        }
    return report
