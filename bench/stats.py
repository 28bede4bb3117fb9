"""Percentiles and summaries shared by the bench modules."""

from __future__ import annotations

import statistics


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty sample."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float], digits: int = 1) -> dict[str, float]:
    """p50/p95/p99/mean/n of a sample in milliseconds."""
    return {
        "p50_ms": round(percentile(values, 0.50), digits),
        "p95_ms": round(percentile(values, 0.95), digits),
        "p99_ms": round(percentile(values, 0.99), digits),
        "mean_ms": round(statistics.mean(values), digits),
        "n": len(values),
    }
