"""The closed vocabularies every part of the product shares.

They are the YAML schema's enumerations, the NLU entities' canonical values and the keys of the
translated labels, so a value added here is added everywhere at once.
"""

from __future__ import annotations

STATUSES: tuple[str, ...] = (
    "migrant_worker",
    "undocumented",
    "refugee",
    "asylum_seeker",
    "family_member",
    "returnee",
    "prospective_migrant",
)

SECTORS: tuple[str, ...] = (
    "domestic_work",
    "agriculture",
    "construction",
    "manufacturing",
    "hospitality",
    "care",
    "fishing",
    "transport",
    "platform",
    "other",
)

# The nine branches of social security of ILO Convention 102, in the order answers list them:
# the risks migrants ask about first come first.
BRANCHES: tuple[str, ...] = (
    "employment_injury",
    "health_care",
    "sickness",
    "maternity",
    "unemployment",
    "old_age",
    "invalidity",
    "survivors",
    "family",
)

# "unknown" is a value of its own: the table does not know, which is not "not covered".
COVERAGE_LEVELS: tuple[str, ...] = (
    "covered",
    "employer_pays",
    "partial",
    "voluntary",
    "not_covered",
    "unknown",
)

# Shown instead of the table's level when the fact behind it is weak: a low-confidence fact must
# never read as "you are covered".
UNCERTAIN = "uncertain"

CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")

# ILO instruments the engine derives principles from.
CONVENTIONS: tuple[str, ...] = ("C19", "C97", "C102", "C118", "C143", "C157", "C189")
RATIFICATION_STATES: tuple[str, ...] = ("ratified", "not_ratified", "unknown")

LEGAL_BASES: tuple[str, ...] = (
    "national_law",
    "agreement",
    "ilo_convention",
    "origin_scheme",
)

AGREEMENT_KINDS: tuple[str, ...] = (
    "social_security_agreement",
    "labour_agreement",
)

SCHEME_KINDS: tuple[str, ...] = ("welfare_fund", "social_insurance", "insurance")
MEMBERSHIP: tuple[str, ...] = ("mandatory", "voluntary")

INSTITUTION_KINDS: tuple[str, ...] = (
    "labour_ministry",
    "social_security",
    "health",
    "insurance",
    "welfare_fund",
    "embassy",
    "labour_attache",
    "hotline",
    "ngo",
    "union",
    "court",
    "emergency",
)

# What a person can do with an institution; answers pick institutions by role.
ROLES: tuple[str, ...] = ("register", "complain", "help", "emergency")

YES_NO_UNKNOWN: tuple[str, ...] = ("yes", "no", "unknown")

ANY = "any"
