"""Staff mistakes come with file:line:column, plain words and a fix; the live table stays."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

from engine.cli import main as cli
from engine.loader import load_tables
from engine.resolve import Profile, resolve
from engine.store import Store, compile_tables

ROOT = Path(__file__).resolve().parents[2] / "entitlements"
TODAY = dt.date(2026, 11, 22)

GOOD = """\
country: XA
institutions:
  - id: xa-mol
    name: Ministry of Labour
    kind: labour_ministry
    roles: [complain]
    phone: "123"
    sources: ["Official page"]
    last_reviewed: 2026-11-01
destination:
  employment_injury:
    - statuses: [migrant_worker]
      coverage: covered
      summary: Injury insurance covers you.
      institution: xa-mol
      sources: ["Law 1/2020"]
      last_reviewed: 2026-11-01
"""


def write(tmp_path: Path, text: str, name: str = "XA.yaml") -> Path:
    (tmp_path / "countries").mkdir(exist_ok=True)
    path = tmp_path / "countries" / name
    path.write_text(textwrap.dedent(text))
    return tmp_path


def only_error(tmp_path: Path):
    tables = load_tables(tmp_path, today=TODAY)
    assert len(tables.errors) == 1, [str(p) for p in tables.problems]
    return tables.errors[0]


def test_seed_tables_are_valid():
    tables = load_tables(ROOT)
    assert tables.ok, "\n".join(str(p) for p in tables.errors)


def test_good_file_is_valid(tmp_path):
    assert load_tables(write(tmp_path, GOOD), today=TODAY).ok


def test_misspelt_branch_points_at_the_line_and_suggests(tmp_path):
    error = only_error(write(tmp_path, GOOD.replace("employment_injury:", "employment_injuri:")))
    assert (error.file, error.line) == ("XA.yaml", 11)
    assert "employment_injuri" in error.message
    assert "did you mean `employment_injury`?" in error.hint


def test_misspelt_status_in_a_list(tmp_path):
    error = only_error(write(tmp_path, GOOD.replace("[migrant_worker]", "[migrant_workr]")))
    assert error.line == 12
    assert "migrant_worker" in error.hint


def test_fact_without_sources(tmp_path):
    text = GOOD.replace('      sources: ["Law 1/2020"]\n', "")
    error = only_error(write(tmp_path, text))
    assert "`sources` is missing" in error.message
    assert error.line == 12
    assert "sources:" in error.hint


def test_review_date_in_the_future(tmp_path):
    error = only_error(
        write(
            tmp_path, GOOD.replace("last_reviewed: 2026-11-01\n", "last_reviewed: 2027-01-01\n", 1)
        )
    )
    assert "in the future" in error.message
    assert error.line == 9


def test_bad_date_format(tmp_path):
    error = only_error(write(tmp_path, GOOD.replace("2026-11-01", "1 Nov 2026", 1)))
    assert "not a date" in error.message and "YYYY-MM-DD" in error.hint


def test_unknown_institution(tmp_path):
    error = only_error(write(tmp_path, GOOD.replace("institution: xa-mol", "institution: xa-mo")))
    assert "xa-mo" in error.message
    assert "xa-mol" in error.hint
    assert error.line == 15


def test_unknown_field(tmp_path):
    error = only_error(
        write(
            tmp_path,
            GOOD.replace(
                "      coverage: covered", "      coverge: covered\n      coverage: covered"
            ),
        )
    )
    assert "coverge" in error.message and "coverage" in error.hint


def test_yaml_syntax_error_has_a_line(tmp_path):
    error = only_error(write(tmp_path, GOOD.replace('phone: "123"', 'phone: "123')))
    assert "not valid YAML" in error.message
    assert error.line >= 7


def test_all_errors_at_once(tmp_path):
    text = GOOD.replace("employment_injury:", "employment_injuri:").replace(
        '    phone: "123"\n', "    kind2: x\n"
    )
    tables = load_tables(write(tmp_path, text), today=TODAY)
    assert len(tables.errors) == 2


def test_file_name_must_match_country(tmp_path):
    error = only_error(write(tmp_path, GOOD, name="XB.yaml"))
    assert "XB.yaml" in error.message and "XA.yaml" in error.hint


def test_old_review_is_a_warning_not_an_error(tmp_path):
    tables = load_tables(write(tmp_path, GOOD.replace("2026-11-01", "2024-01-01")), today=TODAY)
    assert tables.ok
    assert any("more than 12 months" in p.message for p in tables.problems)


def test_broken_edit_never_replaces_the_live_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    folder = tmp_path / "tables"
    shutil.copytree(ROOT, folder)
    _, version = compile_tables(folder, url)
    assert version is not None
    before = resolve(Store.open(url), Profile("migrant_worker", "construction", "NP", "QA"))

    qa = folder / "countries" / "QA.yaml"
    qa.write_text(qa.read_text().replace("coverage: employer_pays", "coverage: maybe", 1))
    tables, refused = compile_tables(folder, url)
    assert refused is None and not tables.ok
    after = resolve(Store.open(url), Profile("migrant_worker", "construction", "NP", "QA"))
    assert after.version == before.version
    assert after.findings["employment_injury"].level == before.findings["employment_injury"].level


def test_cli_validate_exit_codes(tmp_path, capsys):
    assert cli(["validate", str(write(tmp_path, GOOD))]) == 0
    write(tmp_path, GOOD.replace("coverage: covered", "coverage: coverd"))
    assert cli(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "XA.yaml:13:17: error:" in out and "did you mean `covered`?" in out
