"""A synthetic entitlement table of N corridors, grown from the real tables' shapes.

Why: the real tables have 8 destinations and about 80 corridors; the engine must stay fast when
staff add many more. Each synthetic country is a copy of a real file (round robin) under a new
two-letter code, with its institution and scheme ids renamed and every reference to them
rewritten, so the result passes the same validation as the real tables:

- destinations copy the real destination files (rules, institutions, conventions, leaving);
- origins copy the real origin files (schemes, institutions, conventions); an origin whose
  template has offices abroad (the Philippines' labour offices, India's resource centre) gets
  one such office in every destination;
- about a third of the corridors get an agreement copied from a real one (the real share is
  14 agreements over 80 corridors, some corridors have two).

Corridors = destinations × origins, exactly N (the factor pair closest to a square).
"""

from __future__ import annotations

import copy
import itertools
import math
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.loader import Tables, load_tables, read_document, table_files
from engine.settings import PROJECT_ROOT

AGREEMENT_SHARE = 1 / 3


@dataclass(frozen=True)
class Grown:
    """Where the synthetic table was written and what it holds."""

    root: Path
    destinations: tuple[str, ...]
    origins: tuple[str, ...]
    agreements: int
    templates: dict[str, str]  # synthetic code -> the real country it copies

    @property
    def corridors(self) -> int:
        return len(self.destinations) * len(self.origins)


def factor(n: int) -> tuple[int, int]:
    """(destinations, origins) with destinations × origins = n, as close to a square as can be."""
    if n < 1:
        raise ValueError("need at least one corridor")
    destinations = max(d for d in range(1, math.isqrt(n) + 1) if n % d == 0)
    return destinations, n // destinations


def _templates(root: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """The real files as the loader reads them: destinations, origins, agreements."""
    destinations, origins, agreements = [], [], []
    for path in table_files(root):
        document, problems = read_document(path)
        if document is None or problems:
            raise ValueError(f"{path} does not parse: {problems}")
        data = document.data
        if document.kind == "agreements":
            agreements.extend(data["agreements"])
        elif data.get("destination"):
            destinations.append(data)
        elif (data.get("origin") or {}).get("schemes"):
            origins.append(data)
    if not (destinations and origins and agreements):
        raise ValueError(f"{root} lacks a destination, an origin or an agreement to copy")
    return destinations, origins, agreements


def _new_codes(taken: set[str]) -> Iterator[str]:
    """Two-letter codes that no real table uses, in a fixed order."""
    for first, second in itertools.product(string.ascii_uppercase, repeat=2):
        if first + second not in taken:
            yield first + second


def _rename_references(data: Any, renamed: dict[str, str]) -> Any:
    """Rewrite institution references (`institution`, `where`, `complain`) to the new ids."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if key in ("institution", "where") and isinstance(value, str):
                result[key] = renamed.get(value, value)
            elif key == "complain" and isinstance(value, list):
                result[key] = [renamed.get(v, v) for v in value]
            else:
                result[key] = _rename_references(value, renamed)
        return result
    if isinstance(data, list):
        return [_rename_references(item, renamed) for item in data]
    return data


def _copy_country(template: dict, code: str, keep: tuple[str, ...]) -> tuple[dict, list[dict]]:
    """A copy of `template` as country `code`; also the template's offices located abroad."""
    prefix = code.lower()
    data = {key: copy.deepcopy(value) for key, value in template.items() if key in keep}
    data["country"] = code
    own, abroad = [], []
    for item in template.get("institutions") or []:
        (abroad if item.get("located_in") else own).append(copy.deepcopy(item))
    renamed = {item["id"]: f"{prefix}-{item['id']}" for item in own}
    for item in own:
        item["id"] = renamed[item["id"]]
    if own:
        data["institutions"] = own
    else:
        data.pop("institutions", None)
    for scheme in (data.get("origin") or {}).get("schemes") or []:
        scheme["id"] = f"{prefix}-{scheme['id']}"
    # A reference to an office abroad that is not copied would not validate: point it home.
    home = own[0]["id"] if own else None
    for item in abroad:
        renamed.setdefault(item["id"], home or item["id"])
    return _rename_references(data, renamed), abroad


def grow(
    n: int, out: Path, source: Path | None = None, seed: int = 6, share: float = AGREEMENT_SHARE
) -> Grown:
    """Write a table folder of exactly `n` corridors under `out` (countries/, agreements/)."""
    source = source or PROJECT_ROOT / "entitlements"
    dest_templates, origin_templates, agreement_templates = _templates(source)
    n_dest, n_orig = factor(n)
    codes = _new_codes({p.stem for p in table_files(source)})
    try:
        destinations = tuple(next(codes) for _ in range(n_dest))
        origins = tuple(next(codes) for _ in range(n_orig))
    except StopIteration:
        raise ValueError(f"{n} corridors need more two-letter codes than there are") from None
    (out / "countries").mkdir(parents=True, exist_ok=True)
    (out / "agreements").mkdir(parents=True, exist_ok=True)

    templates: dict[str, str] = {}
    for i, code in enumerate(destinations):
        template = dest_templates[i % len(dest_templates)]
        templates[code] = template["country"]
        data, _ = _copy_country(
            template, code, ("conventions", "institutions", "destination", "leaving")
        )
        _write(out / "countries" / f"{code}.yaml", data)
    for i, code in enumerate(origins):
        template = origin_templates[i % len(origin_templates)]
        templates[code] = template["country"]
        data, abroad = _copy_country(template, code, ("conventions", "institutions", "origin"))
        if abroad:  # one office of this origin in every destination, shaped like the real one
            shape = abroad[0]
            for destination in destinations:
                office = copy.deepcopy(shape)
                office["id"] = f"{code.lower()}-office-{destination.lower()}"
                office["located_in"] = destination
                data.setdefault("institutions", []).append(office)
        _write(out / "countries" / f"{code}.yaml", data)

    rng = random.Random(seed)
    count = 0
    for destination in destinations:
        chosen = []
        for origin in origins:
            if rng.random() < share:
                agreement = copy.deepcopy(rng.choice(agreement_templates))
                agreement["id"] = f"{origin.lower()}-{destination.lower()}-{agreement['id']}"
                agreement["parties"] = [origin, destination]
                chosen.append(agreement)
        if chosen:
            count += len(chosen)
            _write(out / "agreements" / f"{destination}.yaml", {"agreements": chosen})
    return Grown(out, destinations, origins, count, templates)


def _write(path: Path, data: dict) -> None:
    # libyaml's emitter when present: the pure-Python one takes most of the time at 10,000.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def load(grown: Grown) -> Tables:
    """Validate the grown folder like any table folder; raises on the first error."""
    tables = load_tables(grown.root)
    if not tables.ok:
        raise ValueError("\n".join(str(p) for p in tables.errors[:20]))
    return tables
