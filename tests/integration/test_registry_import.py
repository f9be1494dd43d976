"""Spreadsheet import/export of the registry on SQLite and PostgreSQL.

Must-show of issue 5: a file with 3 bad rows lists all 3 and changes nothing; re-importing
changes nothing; export → import is a round trip.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from registry_rows import FIRM_A, FIRM_B, sheets
from registry_support import bare_engine, engine  # noqa: F401  (fixtures)
from sqlalchemy import Engine
from typer.testing import CliRunner

from comexlab.errors import InputError
from comexlab.registry import db
from comexlab.registry.demo import seed_demo
from comexlab.registry.entities import FIRMS
from comexlab.registry.exporter import export_frames, write_tables
from comexlab.registry.importer import import_files, import_sheets
from comexlab.supply.rfc import make_rfc

AS_OF = date(2026, 11, 25)
NEW_FIRM = make_rfc("NUE", date(2010, 6, 1), "A1")


def _snapshot(engine: Engine) -> dict[str, pd.DataFrame]:  # noqa: F811
    with db.reading(engine) as session:
        return export_frames(session)


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def _firms_file_with_three_bad_rows(path: Path) -> Path:
    """Rows 2 and 4 are good (one new firm, one change); rows 3, 5 and 6 are bad."""
    header = list(FIRMS.column_names)
    good_new = {"rfc": NEW_FIRM, "legal_name": "Nueva S.A. de C.V.", "state_code": "14"}
    changed = {"rfc": FIRM_A, "legal_name": "Renamed S.A. de C.V.", "state_code": "11",
               "employees": "12"}
    bad_rfc = {"rfc": "ABC12345", "legal_name": "Bad RFC S.A.", "state_code": "14"}
    bad_state = {"rfc": make_rfc("EST", date(2001, 1, 1), "B2"), "legal_name": "Bad state",
                 "state_code": "33"}
    bad_employees = {"rfc": make_rfc("EMP", date(2001, 1, 1), "C3"), "legal_name": "Bad emp",
                     "state_code": "11", "employees": "muchos"}
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        for row in (good_new, bad_rfc, changed, bad_state, bad_employees):
            writer.writerow(row)
    return path


def test_three_bad_rows_are_all_listed_and_nothing_changes(engine: Engine,  # noqa: F811
                                                           tmp_path: Path) -> None:
    import_sheets(engine, sheets())
    before = _snapshot(engine)
    path = _firms_file_with_three_bad_rows(tmp_path / "firms.csv")
    with pytest.raises(InputError) as caught:
        import_files(engine, [path])
    problems = caught.value.problems
    assert sorted((p.row, p.field) for p in problems) == [
        (3, "rfc"), (5, "state_code"), (6, "employees")]
    assert all(p.file == "firms.csv" for p in problems)
    assert "3 bad row(s); nothing imported" in str(caught.value)
    _assert_same(before, _snapshot(engine))


def test_problems_in_several_sheets_are_reported_together(engine: Engine) -> None:  # noqa: F811
    data = {
        "firms": [{"rfc": FIRM_A, "legal_name": "A", "state_code": "11",
                   "processes": "stamping; teleportation"}],
        "plants": [{"firm_rfc": FIRM_B, "plant_name": "X", "state_code": "14"}],
        "certifications": [
            {"firm_rfc": FIRM_A, "standard": "ISO 9001", "certificate_number": "1",
             "issued_on": "2026-01-01", "expires_on": "2025-01-01"},
            {"firm_rfc": FIRM_A, "standard": "ISO 9001", "certificate_number": "1",
             "issued_on": "2025-01-01", "expires_on": "2028-01-01"}],
    }
    with pytest.raises(InputError) as caught:
        import_sheets(engine, sheets(data))
    found = {(p.file, p.row, p.field) for p in caught.value.problems}
    assert found == {("firms.csv", 2, "processes"), ("plants.csv", 2, "firm_rfc"),
                     ("certifications.csv", 2, "expires_on"),
                     ("certifications.csv", 3, "certificate_number")}
    assert _snapshot(engine)["firms"].empty


def test_unknown_and_missing_columns_are_reported(engine: Engine,  # noqa: F811
                                                  tmp_path: Path) -> None:
    path = tmp_path / "plants.csv"
    path.write_text("firm_rfc;plant_nmae;state_code\nX;Y;14\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_files(engine, [path])
    assert {(p.row, p.field) for p in caught.value.problems} == {
        (1, "plant_nmae"), (1, "plant_name")}


def test_reimporting_the_same_file_changes_nothing(engine: Engine,  # noqa: F811
                                                   tmp_path: Path) -> None:
    import_sheets(engine, sheets())
    path = tmp_path / "registry.xlsx"
    write_tables(_snapshot(engine), path, fmt="xlsx")
    first = import_files(engine, [path])
    second = import_files(engine, [path])
    assert first.changed == 0 and second.changed == 0
    assert second.counts["firms"]["unchanged"] == 2
    csv_path = _firms_file_with_three_bad_rows(tmp_path / "firms.csv")
    rows = csv_path.read_text(encoding="utf-8").splitlines()
    csv_path.write_text("\n".join([rows[0], rows[1], rows[3]]) + "\n", encoding="utf-8")
    assert import_files(engine, [csv_path]).changed == 2  # one insert, one update
    after_first = _snapshot(engine)
    assert import_files(engine, [csv_path]).changed == 0
    _assert_same(after_first, _snapshot(engine))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_import_round_trip_is_equal(engine: Engine, tmp_path: Path,  # noqa: F811
                                           fmt: str) -> None:
    seed_demo(engine, as_of=AS_OF)
    original = _snapshot(engine)
    target = tmp_path / ("registry.xlsx" if fmt == "xlsx" else "registry")
    write_tables(original, target, fmt=fmt, notes=["demo export"])
    db.downgrade(engine, "base")
    db.upgrade(engine)
    assert _snapshot(engine)["firms"].empty
    report = import_files(engine, [target], today=AS_OF)  # the demo's dates are up to AS_OF
    assert report.counts["firms"]["inserted"] == len(original["firms"])
    _assert_same(original, _snapshot(engine))


def test_cli_template_export_and_import(tmp_path: Path) -> None:
    """The CLI verbs on an embedded SQLite registry (template → fill → import → export)."""
    from comexlab.commands.registry import app

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    template = tmp_path / "firms.xlsx"
    result = runner.invoke(app, ["template", "firms", "--format", "xlsx", "-o", str(template)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(template)
    assert workbook.sheetnames == ["firms", "help"]
    assert [c.value for c in workbook["firms"][1]] == list(FIRMS.column_names)

    filled = Workbook()
    sheet = filled.active
    sheet.title = "firms"
    sheet.append(list(FIRMS.column_names))
    sheet.append([FIRM_A, "Estampados S.A. de C.V.", 11, 20, 45, None, "tier2", "automotive",
                  "stamping", "no", None, None, "no"])
    filled.save(tmp_path / "filled.xlsx")
    result = runner.invoke(app, ["import", str(tmp_path / "filled.xlsx"), "--db", url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["firms", "--process", "stamping", "-f", "csv", "--db", url])
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and FIRM_A in lines[1] and ",11,020,small,45," in lines[1]

    result = runner.invoke(app, ["gap", FIRM_A, "automotive", "--db", url, "--lang", "en"])
    assert "MISSING: ISO 9001, IATF 16949" in result.output

    out = tmp_path / "export.csv"
    result = runner.invoke(app, ["export", "--entity", "firms", "-f", "csv", "-o", str(out),
                                 "--db", url])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out, dtype=str).loc[0, "municipality_code"] == "020"
