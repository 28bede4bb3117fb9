"""Read the entitlement YAML, remember where every value stands, and check it.

Staff who edit these files are not programmers: every problem is reported with `file:line:column`,
plain words and a hint ("did you mean employment_injury?"), and all problems are reported at once.
Nothing here touches the live store; `engine.store.compile_tables` only runs on a clean result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from rapidfuzz import process

from engine import schema, vocab

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a table file."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}{hint}"


@dataclass
class Document:
    """One YAML file: its data and the position of each value in it."""

    path: Path
    data: Any
    positions: dict[Path_, tuple[int, int]]
    kind: str  # "country" or "agreements"

    def where(self, at: Path_) -> tuple[int, int]:
        """Line and column (1-based) of the value at `at`, or of its nearest parent."""
        for cut in range(len(at), -1, -1):
            if at[:cut] in self.positions:
                return self.positions[at[:cut]]
        return (1, 1)


@dataclass
class Tables:
    """Every document of a table folder, with what validation found."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def countries(self) -> Iterator[Document]:
        return (d for d in self.documents if d.kind == "country")

    def agreements(self) -> Iterator[Document]:
        return (d for d in self.documents if d.kind == "agreements")

    def content_hash(self) -> str:
        """Hash of all file contents: the table version that answers carry."""
        digest = hashlib.sha256()
        for document in sorted(self.documents, key=lambda d: d.path.name):
            digest.update(document.path.name.encode())
            digest.update(document.path.read_bytes())
        return digest.hexdigest()[:12]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates and yes/no as text, so the schema (not YAML 1.1) decides.

    Plain YAML turns `yes` into True and `2026-11-22` into a date object; a clerk who writes
    `totalization: yes` means the word.
    """


_Loader.yaml_implicit_resolvers = {
    key: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct(node: yaml.Node, at: Path_, positions: dict[Path_, tuple[int, int]]) -> Any:
    positions[at] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            positions[(*at, key, "__key__")] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = _construct(value_node, (*at, key), positions)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*at, i), positions) for i, item in enumerate(node.value)]
    loader = _Loader("")
    return loader.construct_object(node, deep=True)


def read_document(path: Path) -> tuple[Document | None, list[Problem]]:
    """Parse one file; a YAML syntax error becomes a Problem at its line."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [
            Problem(
                path.name,
                line,
                column,
                f"this is not valid YAML ({exc.problem})",
                "check the indentation (spaces, not tabs) and that every `key:` has a value; "
                "put text containing `:` or `#` in quotes",
            )
        ]
    positions: dict[Path_, tuple[int, int]] = {}
    data = _construct(node, (), positions) if node is not None else None
    kind = "agreements" if path.parent.name == "agreements" else "country"
    return Document(path, data, positions, kind), []


def _suggest(value: Any, choices: Iterable[str]) -> str:
    if not isinstance(value, str):
        return ""
    found = process.extractOne(value, list(choices), score_cutoff=60)
    return f"did you mean `{found[0]}`?" if found else ""


def _describe(error: ValidationError, document: Document) -> Problem:
    """Turn a JSON Schema error into words a clerk can act on."""
    at: Path_ = tuple(error.absolute_path)
    line, column = document.where(at)
    name = document.path.name
    field_name = next((str(p) for p in reversed(at) if isinstance(p, str)), "this entry")
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1]
        hints = {
            "sources": "add `sources:` with the document or web page this fact comes from",
            "last_reviewed": "add `last_reviewed: YYYY-MM-DD`, the day you checked the fact",
        }
        return Problem(
            name,
            line,
            column,
            f"`{missing}` is missing here",
            hints.get(missing, f"add `{missing}:`"),
        )
    if validator == "additionalProperties":
        extra = [p for p in error.instance if p not in error.schema.get("properties", {})]
        unknown = extra[0] if extra else "?"
        line, column = document.where((*at, unknown, "__key__"))
        known = error.schema.get("properties", {}).keys()
        hint = _suggest(unknown, known) or f"allowed fields: {', '.join(sorted(known))}"
        return Problem(name, line, column, f"`{unknown}` is not a field the table knows", hint)
    if validator == "enum":
        return Problem(
            name,
            line,
            column,
            f"`{error.instance}` is not a valid {field_name}",
            _suggest(error.instance, error.validator_value)
            or f"use one of: {', '.join(error.validator_value)}",
        )
    if validator == "oneOf":
        # `statuses: any` or a list: report the bad list item if there is one.
        choices = (error.schema.get("oneOf") or [{}, {}])[1].get("items", {}).get("enum", [])
        bad = (
            [v for v in error.instance if v not in choices]
            if isinstance(error.instance, list)
            else [error.instance]
        )
        value = bad[0] if bad else error.instance
        if isinstance(error.instance, list) and bad:
            line, column = document.where((*at, error.instance.index(value)))
        return Problem(
            name,
            line,
            column,
            f"`{value}` is not a valid value for {field_name}",
            _suggest(value, [*choices, vocab.ANY])
            or f"write `any` or a list of: {', '.join(choices)}",
        )
    if validator == "pattern" and error.validator_value == schema.DATE_PATTERN:
        return Problem(
            name, line, column, f"`{error.instance}` is not a date", "write dates as YYYY-MM-DD"
        )
    if validator == "pattern" and error.validator_value == schema.COUNTRY_PATTERN:
        return Problem(
            name,
            line,
            column,
            f"`{error.instance}` is not a country code",
            "use the two capital letters of ISO 3166-1, e.g. QA for Qatar, NP for Nepal",
        )
    if validator == "type" and error.validator_value == "string":
        return Problem(name, line, column, f"{field_name} must be text", "put the value in quotes")
    if validator == "minItems":
        return Problem(name, line, column, f"{field_name} is empty", "add at least one entry")
    return Problem(name, line, column, error.message)


_VALIDATORS = {
    "country": Draft202012Validator(schema.COUNTRY_FILE),
    "agreements": Draft202012Validator(schema.AGREEMENTS_FILE),
}


def walk_facts(data: Any, at: Path_ = ()) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Every mapping with `last_reviewed`: that is what makes something a reviewable fact."""
    if isinstance(data, dict):
        if "last_reviewed" in data:
            yield at, data
        for key, value in data.items():
            yield from walk_facts(value, (*at, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from walk_facts(item, (*at, i))


def _check_semantics(tables: Tables, today: dt.date) -> None:
    """Cross-file checks the schema cannot express."""
    country_codes = {d.data.get("country") for d in tables.countries() if isinstance(d.data, dict)}
    institution_ids: set[str] = set()
    for document in tables.countries():
        for item in document.data.get("institutions", []) or []:
            institution_ids.add(item.get("id"))

    for document in tables.documents:
        name = document.path.name
        data = document.data
        if document.kind == "country":
            code = data.get("country")
            if code and document.path.stem != code:
                line, column = document.where(("country",))
                tables.problems.append(
                    Problem(
                        name,
                        line,
                        column,
                        f"this file says `country: {code}` but is named {name}",
                        f"rename the file to {code}.yaml or fix the code",
                    )
                )
        for at, fact in walk_facts(data):
            reviewed = fact.get("last_reviewed")
            try:
                when = dt.date.fromisoformat(str(reviewed))
            except ValueError:
                continue  # the schema already reported it
            line, column = document.where((*at, "last_reviewed"))
            if when > today:
                tables.problems.append(
                    Problem(
                        name,
                        line,
                        column,
                        f"`last_reviewed: {reviewed}` is in the future",
                        "write the day you actually checked the fact",
                    )
                )
            elif (today - when).days > 365:
                tables.problems.append(
                    Problem(
                        name,
                        line,
                        column,
                        f"this fact was last reviewed on {reviewed}, more than 12 months ago",
                        "check it against its sources and update `last_reviewed`",
                        "warning",
                    )
                )
            if fact.get("confidence") == "low":
                tables.problems.append(
                    Problem(
                        name,
                        line,
                        column,
                        "low-confidence fact: the bot shows it as uncertain",
                        "find an official source to raise its confidence",
                        "warning",
                    )
                )
        for at, reference in _institution_references(data):
            if reference not in institution_ids:
                line, column = document.where(at)
                tables.problems.append(
                    Problem(
                        name,
                        line,
                        column,
                        f"no institution has the id `{reference}`",
                        _suggest(reference, institution_ids)
                        or "define it under `institutions:` in a country file",
                    )
                )
        if document.kind == "agreements":
            for i, agreement in enumerate(data.get("agreements", []) or []):
                for j, party in enumerate(agreement.get("parties", []) or []):
                    if party not in country_codes:
                        line, column = document.where(("agreements", i, "parties", j))
                        tables.problems.append(
                            Problem(
                                name,
                                line,
                                column,
                                f"the agreement names {party}, which has no country file",
                                f"add countries/{party}.yaml (copy an existing one)",
                            )
                        )


def _institution_references(data: Any, at: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*at, key)
            if key in ("institution", "where") and isinstance(value, str):
                yield here, value
            elif key == "complain" and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*here, i), item
            else:
                yield from _institution_references(value, here)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _institution_references(item, (*at, i))


def table_files(root: Path) -> list[Path]:
    """The YAML files of a table folder: countries/*.yaml and agreements/*.yaml."""
    files = [
        *sorted((root / "countries").glob("*.y*ml")),
        *sorted((root / "agreements").glob("*.y*ml")),
    ]
    return [f for f in files if f.suffix in (".yaml", ".yml")]


def load_tables(root: Path | str, today: dt.date | None = None) -> Tables:
    """Read, validate and cross-check every table file under `root`."""
    root = Path(root)
    tables = Tables(root)
    files = table_files(root)
    if not files:
        tables.problems.append(
            Problem(str(root), 1, 1, "no table files found", "expected countries/XX.yaml files")
        )
        return tables
    for path in files:
        document, problems = read_document(path)
        tables.problems.extend(problems)
        if document is None:
            continue
        if not isinstance(document.data, dict):
            tables.problems.append(
                Problem(path.name, 1, 1, "the file is empty or not a mapping", "start from a copy")
            )
            continue
        errors = sorted(
            _VALIDATORS[document.kind].iter_errors(document.data),
            key=lambda e: document.where(tuple(e.absolute_path)),
        )
        described = [_describe(e, document) for e in errors]
        tables.problems.extend(described)
        if not described:
            tables.documents.append(document)
    _check_semantics(tables, today or dt.date.today())
    tables.problems.sort(key=lambda p: (p.severity != "error", p.file, p.line, p.column))
    return tables
