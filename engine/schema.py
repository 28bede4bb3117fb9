"""JSON Schema of the entitlement tables.

The schema is built from `engine.vocab`, so the YAML enumerations can never drift from the NLU's
canonical values. `make schema` also writes it to `entitlements/schema.json`, which lets a staff
member's editor (VS Code's YAML extension, for instance) complete field names and flag mistakes
while typing.
"""

from __future__ import annotations

from typing import Any

from engine import vocab

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def _enum(values: tuple[str, ...], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values), "description": description}


def _list_or_any(values: tuple[str, ...], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "oneOf": [
            {"const": vocab.ANY},
            {"type": "array", "items": {"enum": list(values)}, "minItems": 1, "uniqueItems": True},
        ],
    }


TEXT = {"type": "string", "minLength": 1}
TEXT_LIST = {"type": "array", "items": TEXT, "minItems": 1}
LANGUAGES = {"type": "array", "items": {"type": "string", "pattern": r"^[a-z]{2,3}$"}}

# Every fact carries where it comes from and when someone last checked it.
FACT_PROPERTIES: dict[str, Any] = {
    "sources": {
        "type": "array",
        "items": TEXT,
        "minItems": 1,
        "description": "Documents or web pages this fact comes from (title, date, URL).",
    },
    "last_reviewed": {
        "type": "string",
        "pattern": DATE_PATTERN,
        "description": "When a person last checked this fact against its sources (YYYY-MM-DD).",
    },
    "as_of": {"type": ["string", "integer"], "description": "Date of the source, if any."},
    "confidence": _enum(
        vocab.CONFIDENCES,
        "high = official text or two reputable reports; medium = one reputable secondary source; "
        "low = blog, forum, undated page or partly inferred. Default: high.",
    ),
    "note": TEXT,
}
FACT_REQUIRED = ["sources", "last_reviewed"]


def _fact(properties: dict[str, Any], required: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {**properties, **FACT_PROPERTIES},
        "required": [*required, *FACT_REQUIRED],
        "additionalProperties": False,
    }


CONVENTION = _fact(
    {
        "convention": _enum(vocab.CONVENTIONS, "ILO convention"),
        "status": _enum(vocab.RATIFICATION_STATES, "ratified, not_ratified or unknown"),
        "year": {"type": "integer", "minimum": 1919, "maximum": 2100},
        "branches": {
            "type": "array",
            "items": {"enum": list(vocab.BRANCHES)},
            "description": "C102 parts / C118 branches accepted. Leave out when not known.",
        },
        "scope": TEXT,
        "territory": {
            **TEXT,
            "description": "Only if the ratification covers part of the country, e.g. Sabah.",
        },
    },
    ["convention", "status"],
    "An ILO convention and whether this country ratified it.",
)

INSTITUTION = _fact(
    {
        "id": {"type": "string", "pattern": ID_PATTERN, "description": "Short id, e.g. qa-mol"},
        "name": TEXT,
        "kind": _enum(vocab.INSTITUTION_KINDS, "What kind of body this is"),
        "roles": {
            "type": "array",
            "items": {"enum": list(vocab.ROLES)},
            "minItems": 1,
            "uniqueItems": True,
        },
        "description": TEXT,
        "phone": TEXT,
        "sms": TEXT,
        "whatsapp": TEXT,
        "url": TEXT,
        "email": TEXT,
        "app": TEXT,
        "languages": LANGUAGES,
        "hours": TEXT,
        "located_in": {
            "type": "string",
            "pattern": COUNTRY_PATTERN,
            "description": "Where the office is, if not in this country (an embassy abroad).",
        },
    },
    ["id", "name", "kind", "roles"],
    "A place to register, complain or get help.",
)

REGISTER = {
    "type": "object",
    "properties": {
        "steps": TEXT_LIST,
        "documents": TEXT_LIST,
        "where": {"type": "string", "pattern": ID_PATTERN},
    },
    "additionalProperties": False,
}

RULE = _fact(
    {
        "statuses": _list_or_any(vocab.STATUSES, "Who this rule is for, or `any`"),
        "sectors": _list_or_any(vocab.SECTORS, "Which sectors, or `any`"),
        "except_sectors": {
            "type": "array",
            "items": {"enum": list(vocab.SECTORS)},
            "uniqueItems": True,
        },
        "coverage": _enum(vocab.COVERAGE_LEVELS, "What the person gets"),
        "scheme": TEXT,
        "institution": {"type": "string", "pattern": ID_PATTERN},
        "summary": TEXT,
        "conditions": TEXT_LIST,
        "qualifying_period": TEXT,
        "who_pays": TEXT,
        "register": REGISTER,
        "complain": {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
        "legal_basis": TEXT_LIST,
    },
    ["statuses", "coverage", "summary"],
    "What one branch gives to some statuses (and sectors) in this destination.",
)

LEAVING = _fact(
    {
        "statuses": _list_or_any(vocab.STATUSES, "Who this applies to, or `any`"),
        "sectors": _list_or_any(vocab.SECTORS, "Which sectors, or `any`"),
        "except_sectors": {"type": "array", "items": {"enum": list(vocab.SECTORS)}},
        "summary": TEXT,
        "steps": TEXT_LIST,
        "institution": {"type": "string", "pattern": ID_PATTERN},
        "legal_basis": TEXT_LIST,
    },
    ["statuses", "summary"],
    "What happens to contributions and entitlements when a person leaves this country.",
)

SCHEME = _fact(
    {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "name": TEXT,
        "kind": _enum(vocab.SCHEME_KINDS, "welfare_fund, social_insurance or insurance"),
        "membership": _enum(vocab.MEMBERSHIP, "mandatory or voluntary"),
        "institution": {"type": "string", "pattern": ID_PATTERN},
        "statuses": _list_or_any(vocab.STATUSES, "Who can be a member, or `any`"),
        "branches": {
            "type": "array",
            "items": {"enum": list(vocab.BRANCHES)},
            "minItems": 1,
            "uniqueItems": True,
        },
        "summary": TEXT,
        "benefits": TEXT_LIST,
        "how_to_join": TEXT_LIST,
        "contribution": TEXT,
    },
    ["id", "name", "kind", "membership", "statuses", "branches", "summary"],
    "A welfare fund or scheme of the origin country for its nationals abroad.",
)

DESTINATION = {
    "type": "object",
    "description": "For each branch, the rules that apply in this country, by status and sector.",
    "properties": {branch: {"type": "array", "items": RULE} for branch in vocab.BRANCHES},
    "additionalProperties": False,
}

# Who keeps a file up to date: `entitlements stale` groups what to re-check by it.
OWNER: dict[str, Any] = {
    "type": "string",
    "description": "The team or office that keeps this file up to date (no personal phone numbers)",
}

COUNTRY_FILE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Entitlement table of one country",
    "type": "object",
    "properties": {
        "country": {"type": "string", "pattern": COUNTRY_PATTERN, "description": "ISO code"},
        "owner": OWNER,
        "conventions": {"type": "array", "items": CONVENTION},
        "institutions": {"type": "array", "items": INSTITUTION},
        "destination": DESTINATION,
        "leaving": {"type": "array", "items": LEAVING},
        "origin": {
            "type": "object",
            "properties": {"schemes": {"type": "array", "items": SCHEME}},
            "additionalProperties": False,
        },
    },
    "required": ["country"],
    "additionalProperties": False,
}

AGREEMENT = _fact(
    {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "kind": _enum(vocab.AGREEMENT_KINDS, "social_security_agreement or labour_agreement"),
        "parties": {
            "type": "array",
            "items": {"type": "string", "pattern": COUNTRY_PATTERN},
            "minItems": 2,
            "maxItems": 2,
            "uniqueItems": True,
        },
        "title": TEXT,
        "signed": {"type": ["string", "integer"]},
        "in_force": {"type": ["string", "integer"]},
        "social_security": _enum(vocab.YES_NO_UNKNOWN, "Does it contain social security rules?"),
        "branches": {"type": "array", "items": {"enum": list(vocab.BRANCHES)}, "uniqueItems": True},
        "statuses": _list_or_any(vocab.STATUSES, "Who it covers, or `any`"),
        "export_of_benefits": _enum(vocab.YES_NO_UNKNOWN, "Are benefits paid abroad?"),
        "totalization": _enum(vocab.YES_NO_UNKNOWN, "Do periods in both countries add up?"),
        "summary": TEXT,
    },
    ["id", "kind", "parties", "title", "social_security", "summary"],
    "An agreement between two countries.",
)

AGREEMENTS_FILE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Agreements between two countries",
    "type": "object",
    "properties": {
        "owner": OWNER,
        "agreements": {"type": "array", "items": AGREEMENT, "minItems": 1},
    },
    "required": ["agreements"],
    "additionalProperties": False,
}

# Fields whose text a person reads: the catalog extractor and the translator use this list.
TRANSLATABLE_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "description",
        "hours",
        "scheme",
        "summary",
        "conditions",
        "qualifying_period",
        "who_pays",
        "steps",
        "documents",
        "benefits",
        "how_to_join",
        "contribution",
        "title",
        "scope",
        "territory",
        "note",
    }
)
