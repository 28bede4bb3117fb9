"""`entitlements stale` and `coverage` on small tables built from a real country file."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from engine import reports
from engine.cli import main as cli
from engine.loader import load_tables

ROOT = Path(__file__).resolve().parents[2] / "entitlements"
TODAY = dt.date(2026, 11, 22)


def qatar(tmp_path: Path, edit=None) -> Path:
    """A table folder holding only a copy of QA.yaml, optionally edited."""
    (tmp_path / "countries").mkdir(parents=True)
    path = tmp_path / "countries" / "QA.yaml"
    shutil.copy(ROOT / "countries" / "QA.yaml", path)
    if edit:
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


def first_line_with(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def age(date: dt.date):
    """Make the C19 convention fact (the first one in QA.yaml) reviewed on `date`."""
    return lambda text: text.replace(
        "last_reviewed: 2026-11-22", f"last_reviewed: {date.isoformat()}", 1
    )


def test_month_arithmetic():
    assert reports.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert reports.months_before(dt.date(2026, 11, 22), 20) == dt.date(2025, 3, 22)
    assert reports.months_between(dt.date(2025, 3, 22), dt.date(2026, 11, 22)) == 20
    assert reports.months_between(dt.date(2025, 3, 23), dt.date(2026, 11, 22)) == 19


def test_fact_20_months_old_is_stale_at_12_not_at_24(tmp_path):
    root = qatar(tmp_path, age(reports.months_before(TODAY, 20)))
    c19_line = first_line_with(root / "countries" / "QA.yaml", "convention: C19")

    stale = reports.stale_facts(root, months=12, today=TODAY)
    assert len(stale) == 1
    fact = stale[0]
    assert (fact.file, fact.line, fact.age_months) == ("QA.yaml", c19_line, 20)
    assert fact.reviewed == dt.date(2025, 3, 22)
    assert "C19" in fact.what and "QA" in fact.what

    assert reports.stale_facts(root, months=24, today=TODAY) == []
    assert reports.stale_facts(root, months=12, today=TODAY)[0] == fact


def test_stale_lists_oldest_first_grouped_by_file(tmp_path):
    root = qatar(tmp_path, age(dt.date(2025, 6, 1)))
    other = (ROOT / "countries" / "QA.yaml").read_text(encoding="utf-8")
    # A second file whose first fact is older: its group must come first.
    (root / "countries" / "AE.yaml").write_text(
        age(dt.date(2024, 1, 1))(other.replace("country: QA", "country: AE")), encoding="utf-8"
    )
    facts = reports.stale_facts(root, months=12, today=TODAY)
    assert [f.file for f in facts] == ["AE.yaml", "QA.yaml"]
    text = reports.format_stale(facts, 12, today=TODAY)
    assert text.index("AE.yaml —") < text.index("QA.yaml —")
    assert "AE.yaml:" in text and "2024-01-01" in text and " 34 months" in text


def test_stale_command_uses_todays_date(tmp_path, capsys):
    today = dt.date.today()
    root = qatar(tmp_path, age(reports.months_before(today, 20)))
    line = first_line_with(root / "countries" / "QA.yaml", "convention: C19")

    assert cli(["stale", str(root), "--months", "12"]) == 0
    out = capsys.readouterr().out
    assert f"QA.yaml:{line} " in out and "20 months" in out

    assert cli(["stale", str(root), "--months", "24"]) == 0
    assert "No fact was last reviewed more than 24 month(s) ago" in capsys.readouterr().out


def make_injury_unknown(text: str) -> str:
    """The first rule of the file is the general employment-injury rule for migrant workers."""
    return text.replace("coverage: employer_pays", "coverage: unknown", 1)


def test_coverage_shows_the_engines_answers(tmp_path):
    before = reports.coverage_of_tables(qatar(tmp_path / "before"))
    after = reports.coverage_of_tables(qatar(tmp_path / "after", make_injury_unknown))

    assert before.destinations == after.destinations == ["QA"]
    assert before.cell("QA", "employment_injury", "migrant_worker").state == "known"
    cell = after.cell("QA", "employment_injury", "migrant_worker")
    assert (cell.state, cell.level) == ("unknown", "unknown")
    assert after.counts("QA")["unknown"] == before.counts("QA")["unknown"] + 2  # + prospective
    # Nothing else moved.
    changed = {k for k in before.cells if before.cells[k].level != after.cells[k].level}
    assert changed == {
        ("QA", "employment_injury", "migrant_worker"),
        ("QA", "employment_injury", "prospective_migrant"),
    }


def test_low_confidence_is_uncertain_in_coverage(tmp_path):
    def weaken(text: str) -> str:
        return (
            make_injury_unknown(text)
            .replace("coverage: unknown", "coverage: employer_pays", 1)
            .replace("      confidence: medium\n", "      confidence: low\n", 1)
        )

    report = reports.coverage_of_tables(qatar(tmp_path, weaken))
    assert report.cell("QA", "employment_injury", "migrant_worker").state == "uncertain"


def test_coverage_terminal_table(tmp_path):
    report = reports.coverage_of_tables(qatar(tmp_path, make_injury_unknown))
    text = reports.format_coverage(report)
    counts = report.counts("QA")
    assert f"QA: {counts['known']} known, {counts['uncertain']} uncertain" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("employment_injury"))
    letters = row.split()[1:]
    assert len(letters) == 7
    assert letters[0] == "-"  # migrant_worker, now unknown
    assert letters[1] == "K"  # undocumented: not covered is a known answer


def test_coverage_html_heat_map(tmp_path, capsys):
    root = qatar(tmp_path / "tables", make_injury_unknown)
    out = tmp_path / "out" / "coverage.html"
    assert cli(["coverage", str(root), "--html", str(out)]) == 0
    assert "QA:" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")

    def cell_class(branch: str, status: str) -> str:
        found = re.search(
            rf'<td class="(\w+)" data-destination="QA" data-branch="{branch}" '
            rf'data-status="{status}"',
            page,
        )
        assert found, (branch, status)
        return found.group(1)

    assert cell_class("employment_injury", "migrant_worker") == "unknown"
    assert cell_class("employment_injury", "undocumented") == "known"
    assert cell_class("health_care", "migrant_worker") == "known"
    assert page.count('<td class="') == 9 * 7
    # Self-contained: inline CSS, no scripts, nothing fetched; text beside the colours.
    assert "<style>" in page and "<script" not in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "legend" in page and "<b>-</b>unknown" in page


def test_coverage_refuses_tables_with_errors(tmp_path, capsys):
    root = qatar(tmp_path, lambda t: t.replace("coverage: employer_pays", "coverage: paid", 1))
    assert cli(["coverage", str(root), "--html", str(tmp_path / "c.html")]) == 1
    assert "entitlements validate" in capsys.readouterr().err
    assert not (tmp_path / "c.html").exists()


def test_stale_groups_by_the_files_owner(tmp_path):
    def owned(text: str) -> str:
        return age(dt.date(2025, 1, 1))(
            text.replace("country: QA", "country: QA\nowner: Gulf desk, welfare board", 1)
        )

    root = qatar(tmp_path, owned)
    assert load_tables(root).ok  # `owner:` is a field the schema knows
    facts = reports.stale_facts(root, months=12, today=TODAY)
    assert facts and all(f.owner == "Gulf desk, welfare board" for f in facts)
    assert "Gulf desk, welfare board" in reports.format_stale(facts, 12, today=TODAY)


def test_validate_warns_about_texts_not_yet_in_the_catalogs(tmp_path, capsys):
    new_summary = "Your employer must pay for everything, says a new law."
    root = qatar(
        tmp_path,
        lambda text: text.replace(
            "summary: Your employer must pay for treatment and compensation if you are injured "
            "at work. The amounts are not in our table.",
            f"summary: {new_summary}",
            1,
        ),
    )
    line = first_line_with(root / "countries" / "QA.yaml", new_summary)
    assert cli(["validate", str(root)]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert f"QA.yaml:{line}:1: warning: this text is not in the translation catalogs" in out
    assert out.count("not in the translation catalogs") == 1
