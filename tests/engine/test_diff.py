"""`entitlements diff`: an edit is described by the answers it changes, and gates publishing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from engine.cli import main as cli
from engine.diff import run

ROOT = Path(__file__).resolve().parents[2] / "entitlements"

DOMESTIC_RULE = (
    "      coverage: employer_pays\n"
    "      summary: Your employer must pay for your medical care and give you the same injury"
)
DOMESTIC_DATE = (
    "      as_of: 2017-08\n      last_reviewed: 2026-11-22\n    - &gcc_irregular_basic\n"
)

SSA = """\
  - id: np-qa-ssa-2026
    kind: social_security_agreement
    parties: [NP, QA]
    title: Nepal–Qatar social security agreement (test)
    social_security: "yes"
    branches: [old_age]
    statuses: [migrant_worker]
    summary: Pension periods add up.
    sources: ["Test gazette"]
    last_reviewed: 2026-11-22
"""


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT, old)
    shutil.copytree(ROOT, new)
    return old, new


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / ("agreements" if "-" in name else "countries") / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_no_change_exits_0(versions: tuple[Path, Path]) -> None:
    code, report = run(*map(str, versions))
    assert code == 0
    assert "No answer changes" in report


def test_level_change_is_described_for_its_corridor_and_status(
    versions: tuple[Path, Path],
) -> None:
    old, new = versions
    edit(new, "QA.yaml", DOMESTIC_RULE, DOMESTIC_RULE.replace("employer_pays", "partial"))
    code, report = run(str(old), str(new))
    assert code == 1
    assert "Qatar (QA), workers from any country" in report
    assert (
        "Qatar, migrant worker, prospective migrant (domestic work), employment injury: "
        "your employer pays → partly covered"
    ) in report
    assert "Summary: 1 change(s) in 1 corridor(s) (1 level)" in report


def test_review_date_change_names_the_source(versions: tuple[Path, Path]) -> None:
    old, new = versions
    edit(new, "QA.yaml", DOMESTIC_DATE, DOMESTIC_DATE.replace("2026-11-22", "2026-12-01"))
    code, report = run(str(old), str(new))
    assert code == 1
    assert (
        "Qatar, migrant worker, prospective migrant (domestic work), employment injury: "
        "“Gulf Times 561185 and 561223, 2017-08” reviewed 2026-11-22 → 2026-12-01"
    ) in report
    assert "partly covered" not in report


def test_added_agreement_shows_for_its_corridor_only(versions: tuple[Path, Path]) -> None:
    old, new = versions
    path = new / "agreements" / "NP-QA.yaml"
    path.write_text(path.read_text(encoding="utf-8") + SSA, encoding="utf-8")
    code, report = run(str(old), str(new))
    assert code == 1
    assert "Nepal (NP) → Qatar (QA)" in report
    assert (
        "agreement added: Nepal–Qatar social security agreement (test) (np-qa-ssa-2026)" in report
    )
    assert (
        "Qatar, migrant worker, old age: agreement now applies: "
        "Nepal–Qatar social security agreement (test) (np-qa-ssa-2026)"
    ) in report
    assert "workers from any country" not in report  # no change without an origin
    assert "Philippines" not in report


def test_a_version_that_does_not_validate_is_refused(
    versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = versions
    edit(new, "QA.yaml", DOMESTIC_RULE, DOMESTIC_RULE.replace("employer_pays", "employer_pay"))
    assert cli(["diff", str(old), str(new)]) == 2
    err = capsys.readouterr().err
    assert "does not validate" in err
    assert "QA.yaml" in err and "employer_pays" in err


def test_cli_exit_codes_gate_publishing(
    versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = versions
    assert cli(["diff", str(old), str(new)]) == 0
    edit(new, "QA.yaml", DOMESTIC_RULE, DOMESTIC_RULE.replace("employer_pays", "not_covered"))
    assert cli(["diff", str(old), str(new)]) == 1
    assert "your employer pays → not covered" in capsys.readouterr().out


def test_unknown_revision_is_refused() -> None:
    code, report = run("no-such-revision-xyz", str(ROOT))
    assert code == 2
    assert "neither a table folder nor a git revision" in report


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_revisions_are_exported_read_only() -> None:
    inside = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD:entitlements"],
        cwd=ROOT.parent,
        capture_output=True,
        check=False,
    )
    if inside.returncode != 0:
        pytest.skip("no git history with entitlements/ here")
    code, report = run("HEAD", "HEAD")
    assert code == 0, report
    assert "No answer changes" in report
