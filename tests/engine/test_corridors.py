# ruff: noqa: E501  (the corridor table keeps one row and its citation on one line)
"""The seed corridors, pinned to the fact sheet.

Every row is (origin, destination, status, sector, branch, expected level) and cites the line of
/work/shared/reference/facts.md (compiled 2026-11-22; "L85" = line 85, "§6.2" = gap 2 of section 6)
that the answer comes from. When a row fails, first ask whether the table or the engine changed;
never edit a row to make it pass without a source.
"""

from __future__ import annotations

import itertools

import pytest

from engine import settings, vocab
from engine.resolve import Profile, resolve
from engine.store import Store

REVIEWED = "2026-11-22"


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.from_tables(settings.PROJECT_ROOT / "entitlements")


def _resolve(store, origin, destination, status, sector):
    return resolve(
        store, Profile(status=status, sector=sector, origin=origin, destination=destination)
    )


# fmt: off
CORRIDOR_ROWS = [
    # --- Nepal → Qatar ------------------------------------------------------------------------
    ("NP", "QA", "migrant_worker", "construction", "employment_injury", "employer_pays"),  # L31 GCC employer liability; QA.yaml Labour Law 14/2004
    ("NP", "QA", "migrant_worker", "construction", "health_care", "employer_pays"),  # L81 Law 22/2021, employer pays basic cover
    ("NP", "QA", "prospective_migrant", "construction", "health_care", "employer_pays"),  # L81, same as a migrant worker
    ("NP", "QA", "migrant_worker", "construction", "old_age", "not_covered"),  # L31 old age "almost entirely unaddressed"
    ("NP", "QA", "migrant_worker", "construction", "invalidity", "not_covered"),  # L31 disability
    ("NP", "QA", "migrant_worker", "construction", "unemployment", "not_covered"),  # L31 unemployment
    ("NP", "QA", "migrant_worker", "construction", "family", "not_covered"),  # L31 family
    ("NP", "QA", "migrant_worker", "construction", "sickness", "unknown"),  # not in the sheet: gap stays unknown
    ("NP", "QA", "migrant_worker", "construction", "maternity", "unknown"),  # not in the sheet
    ("NP", "QA", "migrant_worker", "construction", "survivors", "unknown"),  # not in L31's list
    ("NP", "QA", "migrant_worker", "domestic_work", "employment_injury", "employer_pays"),  # L74, L76 Law 15/2017
    ("NP", "QA", "migrant_worker", "domestic_work", "health_care", "employer_pays"),  # L74 employer provides medical care
    ("NP", "QA", "migrant_worker", "domestic_work", "sickness", "unknown"),  # L72-80 name no sick pay
    ("NP", "QA", "undocumented", "construction", "employment_injury", "not_covered"),  # L31 irregular workers lack basic cover
    ("NP", "QA", "undocumented", "construction", "health_care", "not_covered"),  # L31
    ("NP", "QA", "refugee", "other", "employment_injury", "unknown"),  # nothing on refugees in Qatar
    # --- Nepal → Malaysia ---------------------------------------------------------------------
    ("NP", "MY", "migrant_worker", "manufacturing", "employment_injury", "covered"),  # L120 SOCSO EI scheme since 2019
    ("NP", "MY", "prospective_migrant", "manufacturing", "employment_injury", "covered"),  # L120
    ("NP", "MY", "migrant_worker", "manufacturing", "invalidity", "covered"),  # L122 Invalidity Scheme from 1 Jul 2024
    ("NP", "MY", "migrant_worker", "manufacturing", "health_care", "covered"),  # L124 SPIKPA mandatory (medium)
    ("NP", "MY", "migrant_worker", "agriculture", "health_care", "employer_pays"),  # L124 employers pay for plantation workers
    ("NP", "MY", "migrant_worker", "manufacturing", "unemployment", "unknown"),  # L123 speaks of DWs only
    ("NP", "MY", "migrant_worker", "manufacturing", "old_age", "unknown"),  # not in the sheet
    ("NP", "MY", "undocumented", "construction", "employment_injury", "unknown"),  # L120 "documented" workers; irregular not stated
    ("NP", "MY", "refugee", "other", "health_care", "unknown"),  # §6.5 refugees (UNHCR card holders)
    # --- Indonesia → Malaysia -----------------------------------------------------------------
    ("ID", "MY", "migrant_worker", "domestic_work", "employment_injury", "covered"),  # L123 DWs under Act 4 since 1 Jun 2021
    ("ID", "MY", "migrant_worker", "domestic_work", "invalidity", "covered"),  # L122-123
    ("ID", "MY", "migrant_worker", "domestic_work", "unemployment", "not_covered"),  # L123 Act 800 covers local DWs only
    ("ID", "MY", "migrant_worker", "domestic_work", "health_care", "employer_pays"),  # L124 employers pay for DWs
    # --- Philippines → Saudi Arabia -----------------------------------------------------------
    ("PH", "SA", "migrant_worker", "construction", "employment_injury", "covered"),  # L85 Occupational Hazards for non-Saudis, 2% employer
    ("PH", "SA", "migrant_worker", "construction", "old_age", "not_covered"),  # L85 annuities only for Saudis; L86 since 1987
    ("PH", "SA", "migrant_worker", "construction", "unemployment", "not_covered"),  # L31
    ("PH", "SA", "migrant_worker", "construction", "health_care", "unknown"),  # §6.2 expatriate health insurance rules
    ("PH", "SA", "migrant_worker", "domestic_work", "employment_injury", "partial"),  # L88 excluded from SIL; L92 Musaned insurance
    ("PH", "SA", "migrant_worker", "domestic_work", "invalidity", "partial"),  # L92 permanent disability from accidents
    ("PH", "SA", "migrant_worker", "domestic_work", "sickness", "employer_pays"),  # L89 Resolution 310: up to 30 days' paid sick leave
    ("PH", "SA", "migrant_worker", "domestic_work", "health_care", "unknown"),  # L89 "per Saudi rules" + §6.2
    ("PH", "SA", "undocumented", "domestic_work", "employment_injury", "not_covered"),  # L31
    # --- Philippines → UAE --------------------------------------------------------------------
    ("PH", "AE", "migrant_worker", "hospitality", "employment_injury", "employer_pays"),  # L103-107 Art. 37 + CR 33/2022
    ("PH", "AE", "migrant_worker", "hospitality", "survivors", "partial"),  # L106 death from work injury: 24 months' wage
    ("PH", "AE", "migrant_worker", "hospitality", "unemployment", "covered"),  # L110 ILOE covers expatriates
    ("PH", "AE", "migrant_worker", "domestic_work", "unemployment", "not_covered"),  # L111 DWs excluded from ILOE
    ("PH", "AE", "migrant_worker", "domestic_work", "health_care", "covered"),  # L117 mandatory, incl. DWs from 2025
    ("PH", "AE", "migrant_worker", "domestic_work", "employment_injury", "unknown"),  # §6.4 DW Decree-Law 9/2022
    ("PH", "AE", "migrant_worker", "hospitality", "old_age", "not_covered"),  # L31
    ("PH", "AE", "migrant_worker", "hospitality", "sickness", "unknown"),  # not in the sheet
    # --- Bangladesh → Saudi Arabia ------------------------------------------------------------
    ("BD", "SA", "migrant_worker", "construction", "employment_injury", "covered"),  # L85
    ("BD", "SA", "migrant_worker", "construction", "family", "not_covered"),  # L31
    ("BD", "SA", "migrant_worker", "construction", "survivors", "unknown"),  # not in the sheet
    ("BD", "SA", "prospective_migrant", "construction", "old_age", "not_covered"),  # L85
    # --- India → UAE --------------------------------------------------------------------------
    ("IN", "AE", "migrant_worker", "construction", "employment_injury", "employer_pays"),  # L103-107
    ("IN", "AE", "migrant_worker", "construction", "health_care", "covered"),  # L117
    ("IN", "AE", "migrant_worker", "construction", "maternity", "unknown"),  # not in the sheet (PBBY adds a reason only)
    ("IN", "AE", "undocumented", "domestic_work", "health_care", "not_covered"),  # L31
    # --- Syrian refugees in Jordan ------------------------------------------------------------
    ("SY", "JO", "refugee", "construction", "employment_injury", "partial"),  # L263 SSC coverage depends on a work permit
    ("SY", "JO", "refugee", "construction", "old_age", "partial"),  # L263, L138
    ("SY", "JO", "refugee", "construction", "survivors", "partial"),  # L263
    ("SY", "JO", "refugee", "agriculture", "maternity", "partial"),  # L134 farm workers: maternity + EI since 2022; L263
    ("SY", "JO", "refugee", "agriculture", "old_age", "unknown"),  # L134 names only maternity and work injury for farm work
    ("SY", "JO", "refugee", "other", "health_care", "partial"),  # L139 uninsured-Jordanian rate, ~80% subsidy
    ("SY", "JO", "refugee", "other", "unemployment", "unknown"),  # §6.7 SSC rules for refugees
    ("SY", "JO", "asylum_seeker", "other", "health_care", "unknown"),  # L139 speaks of refugees only
    ("SY", "JO", "migrant_worker", "construction", "old_age", "covered"),  # L132-133 law + pensions paid to non-Jordanians
    ("SY", "JO", "migrant_worker", "construction", "employment_injury", "covered"),  # L132
    ("SY", "JO", "migrant_worker", "construction", "unemployment", "uncertain"),  # L132 law lists it; migrants inferred (low)
    ("SY", "JO", "migrant_worker", "construction", "health_care", "unknown"),  # §6.7 current health fees
    ("SY", "JO", "migrant_worker", "domestic_work", "old_age", "unknown"),  # sheet silent on DWs in the SSC
    # --- Morocco → Spain ----------------------------------------------------------------------
    ("MA", "ES", "migrant_worker", "agriculture", "employment_injury", "covered"),  # L148 LO 4/2000 Art. 14; L49 C102 Part VI
    ("MA", "ES", "migrant_worker", "agriculture", "sickness", "covered"),  # L148; L49 C102 Part III
    ("MA", "ES", "migrant_worker", "agriculture", "old_age", "covered"),  # L148; L265-266 SSA, contributory level
    ("MA", "ES", "migrant_worker", "agriculture", "invalidity", "covered"),  # L148; L266
    ("MA", "ES", "migrant_worker", "agriculture", "survivors", "covered"),  # L148; L266
    ("MA", "ES", "migrant_worker", "agriculture", "maternity", "unknown"),  # not in the sheet
    ("MA", "ES", "migrant_worker", "domestic_work", "unemployment", "covered"),  # L153 RDL 16/2022
    ("MA", "ES", "undocumented", "agriculture", "health_care", "covered"),  # L152 RDL 7/2018 + RD 10 Mar 2026
    ("MA", "ES", "undocumented", "agriculture", "old_age", "unknown"),  # L148 equality is for residents only
    ("MA", "ES", "family_member", "other", "health_care", "unknown"),  # §6.11 family members
    ("MA", "ES", "asylum_seeker", "other", "health_care", "unknown"),  # §6.11 asylum seekers outside Jordan
    # --- Myanmar → Thailand -------------------------------------------------------------------
    ("MM", "TH", "migrant_worker", "construction", "employment_injury", "covered"),  # L127 WCF open to regular migrants since 2012
    ("MM", "TH", "undocumented", "construction", "employment_injury", "employer_pays"),  # L127 registered irregular migrants
    ("MM", "TH", "migrant_worker", "construction", "health_care", "partial"),  # L129 pink card: buy health insurance (medium)
    ("MM", "TH", "migrant_worker", "construction", "old_age", "unknown"),  # §6.6 SSF rates and lump sums
    ("MM", "TH", "migrant_worker", "domestic_work", "employment_injury", "unknown"),  # §6.6 cover for domestic migrants
    ("MM", "TH", "migrant_worker", "domestic_work", "old_age", "unknown"),  # L128 outside the SS Act; §6.6
    ("MM", "TH", "migrant_worker", "fishing", "sickness", "unknown"),  # L128 fishing outside the SS Act; §6.11
    ("MM", "TH", "migrant_worker", "agriculture", "maternity", "unknown"),  # L128, §6.6
    # --- Ethiopia → Lebanon (domestic workers) ------------------------------------------------
    ("ET", "LB", "migrant_worker", "domestic_work", "employment_injury", "unknown"),  # L143 outside Labour Code; §6.8 DW insurance
    ("ET", "LB", "migrant_worker", "domestic_work", "health_care", "unknown"),  # §6.8
    ("ET", "LB", "migrant_worker", "domestic_work", "old_age", "unknown"),  # §6.8
    ("ET", "LB", "migrant_worker", "construction", "employment_injury", "uncertain"),  # L42 NSSF EI reciprocity (current law: low)
    ("ET", "LB", "migrant_worker", "construction", "old_age", "partial"),  # L144 NSSF reciprocity; lump sum only
]
# fmt: on


@pytest.mark.parametrize(
    ("origin", "destination", "status", "sector", "branch", "expected"), CORRIDOR_ROWS
)
def test_corridor_level(store, origin, destination, status, sector, branch, expected):
    finding = _resolve(store, origin, destination, status, sector).findings[branch]
    assert finding.level == expected, (
        f"{origin}→{destination} {status}/{sector} {branch}: got {finding.level}, "
        f"sheet says {expected}"
    )


# fmt: off
SEED_CORRIDORS = [
    ("NP", "QA"), ("NP", "MY"), ("ID", "MY"), ("PH", "SA"), ("PH", "AE"), ("BD", "SA"),
    ("IN", "AE"), ("SY", "JO"), ("MA", "ES"), ("MM", "TH"), ("ET", "LB"),
]
# fmt: on
GRID = list(
    itertools.product(
        SEED_CORRIDORS,
        vocab.STATUSES,
        ("domestic_work", "construction", "agriculture", "fishing", "other"),
    )
)


def test_every_seed_corridor_is_in_the_table(store):
    for origin, destination in SEED_CORRIDORS:
        result = _resolve(store, origin, destination, "migrant_worker", "other")
        assert result.origin_known and result.destination_known, (origin, destination)


@pytest.mark.parametrize(("corridor", "status", "sector"), GRID)
def test_known_findings_carry_sources_and_review_date(store, corridor, status, sector):
    """Every level other than unknown has sources and a review date (the core promise)."""
    result = _resolve(store, *corridor, status, sector)
    for branch, finding in result.findings.items():
        if finding.level == "unknown":
            continue
        assert finding.sources, f"{corridor} {status}/{sector} {branch}: no sources"
        assert finding.last_reviewed is not None, f"{corridor} {status}/{sector} {branch}"
        assert str(finding.last_reviewed) == REVIEWED
        for reason in finding.reasons:
            assert reason.sources, f"{branch}: reason {reason.ref} has no source"


@pytest.mark.parametrize(("corridor", "status", "sector"), GRID)
def test_weak_facts_never_read_as_covered(store, corridor, status, sector):
    """A low-confidence rule comes out `uncertain`, never covered/employer_pays/partial/..."""
    result = _resolve(store, *corridor, status, sector)
    for branch, finding in result.findings.items():
        rule = finding.rule
        if rule is not None and rule.confidence == "low" and rule.coverage != "unknown":
            assert finding.level == "uncertain", (corridor, status, sector, branch)
        if finding.level in ("covered", "employer_pays", "partial", "voluntary", "not_covered"):
            assert rule is not None and rule.confidence in ("high", "medium")


# --- ILO conventions --------------------------------------------------------------------------


def _refs(reasons, kind=None):
    return [r.ref for r in reasons if kind is None or r.kind == kind]


def test_c19_equal_treatment_between_ratifying_states(store):
    # L40: Thailand ratified C19 in 1968, Myanmar in 1927 → reciprocal equality (L17).
    finding = _resolve(store, "MM", "TH", "migrant_worker", "construction").findings[
        "employment_injury"
    ]
    assert "C19" in _refs(finding.reasons, "ilo_convention")


def test_c19_holds_for_registered_irregular_migrants_in_thailand(store):
    # L17 "without any condition as to residence"; L127 registered irregular migrants.
    finding = _resolve(store, "MM", "TH", "undocumented", "construction").findings[
        "employment_injury"
    ]
    assert "C19" in _refs(finding.reasons, "ilo_convention")


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("NP", "QA"), ("BD", "SA"), ("IN", "AE"), ("PH", "SA")],  # L297: C19 not found for QA, SA, AE
)
def test_no_c19_claim_where_the_destination_is_not_known_to_have_ratified(
    store, origin, destination
):
    finding = _resolve(store, origin, destination, "migrant_worker", "construction").findings[
        "employment_injury"
    ]
    assert "C19" not in _refs(finding.reasons)
    assert "C19" not in _refs(finding.cautions)


@pytest.mark.parametrize(("origin", "destination"), [("ET", "LB"), ("NP", "MY"), ("ID", "MY")])
def test_c19_only_a_caution_when_the_origin_is_unknown(store, origin, destination):
    # L261: Lebanon ratified C19 but Ethiopia's status is unknown → reciprocity not confirmed.
    # L41/L297: Malaysia ratified; Nepal's and Indonesia's status unknown.
    finding = _resolve(store, origin, destination, "migrant_worker", "construction").findings[
        "employment_injury"
    ]
    assert "C19" not in _refs(finding.reasons, "ilo_convention")
    assert "C19" in _refs(finding.cautions)


def test_c189_reason_for_domestic_workers_in_spain(store):
    # L62: Spain acceded to C189 (BOE 3 Apr 2023).
    finding = _resolve(store, "MA", "ES", "migrant_worker", "domestic_work").findings[
        "unemployment"
    ]
    assert "C189" in _refs(finding.reasons, "ilo_convention")


def test_c102_reason_only_for_parts_jordan_accepted(store):
    # L48: Jordan accepted Parts V, VI, IX, X — not maternity (VIII).
    findings = _resolve(store, "SY", "JO", "refugee", "construction").findings
    for branch in ("old_age", "employment_injury", "invalidity", "survivors"):
        assert "C102" in _refs(findings[branch].reasons, "ilo_convention"), branch
    assert "C102" not in _refs(findings["maternity"].reasons)


def test_c118_branches_unknown_is_a_caution_not_a_right(store):
    # L54-55: Jordan and Syria are C118 parties; branches accepted unknown for all.
    finding = _resolve(store, "SY", "JO", "refugee", "construction").findings["old_age"]
    assert "C118" not in _refs(finding.reasons)
    assert "C118" in _refs(finding.cautions)


def test_c97_sabah_only_is_not_a_nationwide_right(store):
    # L44: Malaysia ratified C97 for Sabah only: a caution naming Sabah, not a nationwide right
    finding = _resolve(store, "NP", "MY", "migrant_worker", "manufacturing").findings["old_age"]
    assert "C97" not in _refs(finding.reasons, "ilo_convention")
    assert any(
        c.code == "partial_territory" and dict(c.params)["territory"] == "Sabah"
        for c in finding.cautions
    )


# --- agreements ---------------------------------------------------------------------------------


@pytest.mark.parametrize("branch", ["old_age", "invalidity", "survivors"])
def test_morocco_spain_agreement_gives_reasons(store, branch):
    # L265-266: SSA in force 1 Oct 1982, contributory level.
    finding = _resolve(store, "MA", "ES", "migrant_worker", "agriculture").findings[branch]
    agreement_refs = _refs(finding.reasons, "agreement")
    assert "es-ma-ssa-1979" in agreement_refs
    reason = next(r for r in finding.reasons if r.ref == "es-ma-ssa-1979")
    assert reason.sources and reason.last_reviewed


def test_morocco_spain_agreement_excludes_unemployment(store):
    # L266: "no unemployment or dependency benefits".
    finding = _resolve(store, "MA", "ES", "migrant_worker", "agriculture").findings["unemployment"]
    assert "es-ma-ssa-1979" not in _refs(finding.reasons)


def test_morocco_spain_agreement_not_for_undocumented(store):
    # L28: SSAs do not cover irregular migrants (except past employment).
    finding = _resolve(store, "MA", "ES", "undocumented", "agriculture").findings["old_age"]
    assert "es-ma-ssa-1979" not in _refs(finding.reasons)


@pytest.mark.parametrize(
    ("origin", "destination", "agreement_id", "social_security"),
    [
        ("NP", "QA", "np-qa-labour-2005", "no"),  # L238-239
        ("PH", "SA", "ph-sa-dw-2013", "no"),  # L247-248
        ("IN", "AE", "ae-in-manpower-mou", "no"),  # L257 no SS provisions listed
        ("NP", "MY", "my-np-mou-2018", "yes"),  # L241 equal treatment, insurance
        ("MM", "TH", "mm-th-employment-2016", "unknown"),  # L269-270
        ("BD", "SA", "bd-sa-dw-mou-2015", "unknown"),  # L253
        ("MA", "ES", "es-ma-ssa-1979", "yes"),  # L265
    ],
)
def test_agreements_between_the_parties(store, origin, destination, agreement_id, social_security):
    result = _resolve(store, origin, destination, "migrant_worker", "construction")
    found = {a.id: a for a in result.agreements}
    assert agreement_id in found
    assert found[agreement_id].social_security == social_security


def test_no_agreement_between_ethiopia_and_lebanon(store):
    # L260, §6.8
    assert _resolve(store, "ET", "LB", "migrant_worker", "domestic_work").agreements == []


def test_nepal_malaysia_mou_is_a_reason_on_injury_and_health(store):
    findings = _resolve(store, "NP", "MY", "migrant_worker", "manufacturing").findings
    for branch in ("employment_injury", "health_care"):
        assert "my-np-mou-2018" in _refs(findings[branch].reasons, "agreement")


# --- origin schemes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "destination", "status", "branch", "scheme_id"),
    [
        ("NP", "QA", "migrant_worker", "survivors", "np-fewf"),  # L160-162
        ("NP", "QA", "migrant_worker", "old_age", "np-ssf-migrants"),  # L164-167
        ("NP", "MY", "prospective_migrant", "employment_injury", "np-ssf-migrants"),  # L165
        ("PH", "SA", "migrant_worker", "survivors", "ph-owwa-benefits"),  # L173-177
        ("PH", "AE", "migrant_worker", "unemployment", "ph-sss-ofw"),  # L181-183
        ("PH", "AE", "migrant_worker", "health_care", "ph-philhealth-ofw"),  # L189 (low)
        ("ID", "MY", "migrant_worker", "employment_injury", "id-bpjstk-pmi"),  # L193-194
        ("ID", "MY", "returnee", "survivors", "id-bpjstk-pmi"),  # L195 after placement
        ("ID", "MY", "migrant_worker", "old_age", "id-bpjstk-jht"),  # L194 JHT optional
        ("BD", "SA", "migrant_worker", "survivors", "bd-wewb-death"),  # L205-206
        ("BD", "SA", "returnee", "health_care", "bd-wewb-treatment"),  # L207
        ("IN", "AE", "migrant_worker", "employment_injury", "in-pbby"),  # L212-213
        ("IN", "AE", "migrant_worker", "maternity", "in-pbby"),  # L215
        ("IN", "AE", "undocumented", "health_care", "in-icwf"),  # L219 undocumented eligible
    ],
)
def test_origin_scheme_reasons(store, origin, destination, status, branch, scheme_id):
    finding = _resolve(store, origin, destination, status, "construction").findings[branch]
    assert scheme_id in _refs(finding.reasons, "origin_scheme")


def test_welfare_funds_are_complementary(store):
    # L30: the ILO treats welfare funds as complementary, not social security.
    result = _resolve(store, "NP", "QA", "migrant_worker", "construction")
    kinds = {s.id: s.kind for s in result.schemes}
    assert kinds["np-fewf"] == "welfare_fund"
    assert kinds["np-ssf-migrants"] == "social_insurance"
    # A welfare fund adds a reason but never changes the destination's level.
    assert result.findings["survivors"].level == "unknown"


def test_ethiopia_has_no_scheme(store):
    # L224: no welfare fund or insurance scheme was found.
    assert store.schemes_of("ET") == []
    result = _resolve(store, "ET", "LB", "migrant_worker", "domestic_work")
    assert result.schemes == []
    assert all(not f.schemes for f in result.findings.values())


def test_myanmar_has_no_scheme(store):
    # §6.10 any Myanmar scheme
    assert store.schemes_of("MM") == []


def test_bangladesh_covid_grant_is_uncertain(store):
    # L209 low-medium → low
    result = _resolve(store, "BD", "SA", "undocumented", "construction")
    scheme = next(s for s in result.schemes if s.id == "bd-wewb-covid")
    assert scheme.confidence == "low"
    reason = next(r for r in result.findings["survivors"].reasons if r.ref == "bd-wewb-covid")
    assert reason.confidence == "low"


# --- where to complain, get help, and emergencies ----------------------------------------------


def _ids(items):
    return {i.id for i in items}


def test_nepal_qatar_complaint_channels(store):
    result = _resolve(store, "NP", "QA", "migrant_worker", "domestic_work")
    assert {"qa-mol", "np-dofe"} <= _ids(result.complain)  # L276-277, L290
    mol = next(i for i in result.complain if i.id == "qa-mol")
    assert mol.phone == "16008" and mol.sms == "92727"  # L277
    assert "qa-mol-whatsapp" in _ids(result.help)  # L278


def test_philippine_offices_follow_the_worker(store):
    sa = _resolve(store, "PH", "SA", "migrant_worker", "domestic_work")
    assert "ph-1348" in _ids(sa.emergency)  # L180, L289
    assert {"ph-sss-riyadh", "ph-sss-jeddah"} <= _ids(sa.help)  # L185
    assert "ph-sss-dubai" not in _ids(sa.help)
    ae = _resolve(store, "PH", "AE", "migrant_worker", "domestic_work")
    assert {"ph-sss-abu-dhabi", "ph-sss-dubai", "ph-polo-ae"} <= _ids(ae.help)  # L185, L250
    assert "ph-sss-riyadh" not in _ids(ae.help)


def test_india_uae_help_line_is_uncertain(store):
    # L258: IWRC toll-free 800-46342 (2010; current status not verified) → low.
    result = _resolve(store, "IN", "AE", "migrant_worker", "construction")
    iwrc = next(i for i in result.help if i.id == "in-iwrc-dubai")
    assert iwrc.phone == "800-46342" and iwrc.where == "AE" and iwrc.confidence == "low"
    assert "ae-mohre" in _ids(result.complain)  # L283


def test_malaysia_and_thailand_channels(store):
    my = _resolve(store, "ID", "MY", "migrant_worker", "domestic_work")
    assert {"my-jtksm", "my-working-for-workers"} <= _ids(my.complain)  # L285-286
    th = _resolve(store, "MM", "TH", "migrant_worker", "construction")
    assert {"th-hotline-1694", "mm-labour-department"} <= _ids(th.complain)  # L288, L292


def test_thailand_sso_has_no_hotline(store):
    # §6.6: no SSO hotline in the sources.
    sso = store.institution("th-sso")
    assert sso is not None
    assert sso.phone is None and sso.sms is None and sso.whatsapp is None


def test_every_answered_institution_has_sources(store):
    for corridor in SEED_CORRIDORS:
        result = _resolve(store, *corridor, "migrant_worker", "domestic_work")
        for institution in [*result.complain, *result.help, *result.emergency]:
            assert institution.sources and institution.last_reviewed, institution.id


# --- leaving ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "destination", "status", "sector", "needle"),
    [
        ("NP", "QA", "migrant_worker", "construction", "3 weeks"),  # L71 Art. 54
        ("NP", "QA", "returnee", "domestic_work", "lapse"),  # L73, L78
        ("PH", "AE", "migrant_worker", "hospitality", "21 days"),  # L102
        ("BD", "SA", "migrant_worker", "construction", "half a month"),  # L95
        ("SY", "JO", "migrant_worker", "construction", "Permanent Departure"),  # L133
        ("ET", "LB", "migrant_worker", "construction", "lump sum"),  # L144
        ("MA", "ES", "returnee", "agriculture", "Morocco"),  # L265
    ],
)
def test_leaving(store, origin, destination, status, sector, needle):
    result = _resolve(store, origin, destination, status, sector)
    assert any(needle in item.summary for item in result.leaving), [
        i.summary for i in result.leaving
    ]
    for item in result.leaving:
        assert item.sources and item.last_reviewed


def test_uae_gratuity_cap_is_uncertain(store):
    # L102: the 2-year cap comes from one low-confidence source.
    result = _resolve(store, "PH", "AE", "migrant_worker", "hospitality")
    cap = [item for item in result.leaving if "2 years" in item.summary]
    assert cap and all(item.confidence == "low" for item in cap)


def test_uae_domestic_workers_get_no_labour_law_gratuity_claim(store):
    # §6.4: DW rights under Decree-Law 9/2022 unknown → no gratuity claim for them.
    assert _resolve(store, "PH", "AE", "migrant_worker", "domestic_work").leaving == []
