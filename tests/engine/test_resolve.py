"""resolve(): rule choice, unknown vs not covered, weak facts, principles from ratifications."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine import vocab
from engine.resolve import Profile, resolve
from engine.store import Store

FACT = 'sources: ["S"]\n    last_reviewed: 2026-11-01'


def tables(tmp_path: Path, files: dict[str, str]) -> Store:
    for name, text in files.items():
        folder = tmp_path / ("agreements" if "-" in name else "countries")
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text))
    return Store.from_tables(tmp_path)


DEST = """\
country: XD
conventions:
  - convention: C19
    status: ratified
    sources: ["NORMLEX"]
    last_reviewed: 2026-11-01
  - convention: C189
    status: ratified
    sources: ["NORMLEX"]
    last_reviewed: 2026-11-01
institutions:
  - id: xd-hotline
    name: Labour hotline
    kind: hotline
    roles: [complain, emergency]
    phone: "111"
    sources: ["Ministry page"]
    last_reviewed: 2026-11-01
destination:
  health_care:
    - statuses: any
      sectors: any
      coverage: covered
      summary: Everyone is covered.
      sources: ["Health law"]
      last_reviewed: 2026-11-01
    - statuses: [migrant_worker]
      sectors: [domestic_work]
      coverage: not_covered
      summary: Domestic workers are excluded.
      sources: ["Health law, art. 2"]
      last_reviewed: 2026-11-01
  sickness:
    - statuses: [migrant_worker]
      coverage: covered
      summary: Sick pay, says a blog.
      sources: ["A blog"]
      last_reviewed: 2026-11-01
      confidence: low
  unemployment:
    - statuses: [migrant_worker]
      sectors: any
      except_sectors: [agriculture]
      coverage: voluntary
      summary: You may join.
      sources: ["Law"]
      last_reviewed: 2026-11-01
"""
ORIGIN = """\
country: XO
conventions:
  - convention: C19
    status: ratified
    sources: ["NORMLEX"]
    last_reviewed: 2026-11-01
institutions:
  - id: xo-attache
    name: Labour attaché in XD
    kind: labour_attache
    roles: [help, complain]
    located_in: XD
    sources: ["Embassy page"]
    last_reviewed: 2026-11-01
  - id: xo-elsewhere
    name: Labour attaché in a third country
    kind: labour_attache
    roles: [help]
    located_in: XT
    sources: ["Embassy page"]
    last_reviewed: 2026-11-01
origin:
  schemes:
    - id: xo-fund
      name: Welfare fund
      kind: welfare_fund
      membership: mandatory
      statuses: [migrant_worker]
      branches: [survivors]
      summary: Pays the family on death.
      sources: ["Fund page"]
      last_reviewed: 2026-11-01
"""
UNRATIFIED = (
    ORIGIN.replace("country: XO", "country: XU")
    .replace("status: ratified", "status: unknown")
    .replace("xo-", "xu-")
)
AGREEMENT = """\
agreements:
  - id: xd-xo-ssa
    kind: social_security_agreement
    parties: [XD, XO]
    title: XD-XO agreement
    social_security: "yes"
    branches: [old_age]
    statuses: [migrant_worker, returnee]
    export_of_benefits: "yes"
    totalization: "yes"
    summary: Pensions are paid abroad.
    sources: ["Treaty series"]
    last_reviewed: 2026-11-01
"""


@pytest.fixture()
def store(tmp_path):
    return tables(
        tmp_path,
        {"XD.yaml": DEST, "XO.yaml": ORIGIN, "XU.yaml": UNRATIFIED, "XD-XO.yaml": AGREEMENT},
    )


def test_every_branch_has_a_finding(store):
    result = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    assert list(result.findings) == list(vocab.BRANCHES)


def test_no_rule_means_unknown_not_not_covered(store):
    result = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    assert result.findings["maternity"].level == "unknown"
    assert result.findings["maternity"].sources == []


def test_most_specific_rule_wins(store):
    general = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    domestic = resolve(store, Profile("migrant_worker", "domestic_work", "XO", "XD"))
    refugee = resolve(store, Profile("refugee", "domestic_work", "XO", "XD"))
    assert general.findings["health_care"].level == "covered"
    assert domestic.findings["health_care"].level == "not_covered"
    assert (
        refugee.findings["health_care"].level == "covered"
    )  # the sector rule is for migrant workers


def test_except_sectors(store):
    farm = resolve(store, Profile("migrant_worker", "agriculture", "XO", "XD"))
    factory = resolve(store, Profile("migrant_worker", "manufacturing", "XO", "XD"))
    assert farm.findings["unemployment"].level == "unknown"
    assert factory.findings["unemployment"].level == "voluntary"


def test_low_confidence_is_uncertain_never_covered(store):
    finding = resolve(store, Profile("migrant_worker", "construction", "XO", "XD")).findings[
        "sickness"
    ]
    assert finding.level == "uncertain"
    assert any(c.code == "low_confidence" for c in finding.cautions)


def test_status_without_rule_is_unknown(store):
    result = resolve(store, Profile("undocumented", "construction", "XO", "XD"))
    assert result.findings["sickness"].level == "unknown"
    assert result.findings["unemployment"].level == "unknown"


def test_c19_needs_both_ratifications(store):
    both = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    one = resolve(store, Profile("migrant_worker", "construction", "XU", "XD"))
    assert [r.code for r in both.findings["employment_injury"].reasons] == ["c19_equal_treatment"]
    assert not one.findings["employment_injury"].reasons
    assert [c.code for c in one.findings["employment_injury"].cautions] == ["c19_unconfirmed"]
    # a principle never invents coverage
    assert both.findings["employment_injury"].level == "unknown"


def test_c189_for_domestic_workers_only(store):
    domestic = resolve(store, Profile("migrant_worker", "domestic_work", "XO", "XD"))
    other = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    assert any(r.code == "c189_domestic_workers" for r in domestic.findings["maternity"].reasons)
    assert not any(r.code == "c189_domestic_workers" for r in other.findings["maternity"].reasons)


def test_agreement_adds_a_reason_for_its_branches_and_statuses(store):
    worker = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    undocumented = resolve(store, Profile("undocumented", "construction", "XO", "XD"))
    assert [r.ref for r in worker.findings["old_age"].reasons] == ["xd-xo-ssa"]
    assert not worker.findings["sickness"].reasons or all(
        r.kind != "agreement" for r in worker.findings["sickness"].reasons
    )
    assert not any(r.kind == "agreement" for r in undocumented.findings["old_age"].reasons)
    assert worker.agreements[0].totalization == "yes"


def test_origin_scheme_open_to_status(store):
    worker = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    refugee = resolve(store, Profile("refugee", "construction", "XO", "XD"))
    assert [s.id for s in worker.findings["survivors"].schemes] == ["xo-fund"]
    assert worker.findings["survivors"].level == "unknown"  # a welfare fund is not social security
    assert refugee.findings["survivors"].schemes == []


def test_contacts_are_those_a_person_can_reach(store):
    result = resolve(store, Profile("migrant_worker", "construction", "XO", "XD"))
    assert {i.id for i in result.complain} == {"xd-hotline", "xo-attache"}
    assert {i.id for i in result.help} == {"xo-attache"}
    assert {i.id for i in result.emergency} == {"xd-hotline"}


def test_every_known_finding_carries_sources_and_review_date(store):
    for status in vocab.STATUSES:
        result = resolve(store, Profile(status, "domestic_work", "XO", "XD"))
        for finding in result.findings.values():
            if finding.known:
                assert finding.sources and finding.last_reviewed


def test_unknown_destination(store):
    result = resolve(store, Profile("migrant_worker", "construction", "XO", "IS"))
    assert not result.destination_known
    assert {f.level for f in result.findings.values()} == {"unknown"}
