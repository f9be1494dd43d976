"""Fair files in (participants/requests, csv or xlsx) and take-aways out (agendas, .ics, plan)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.errors import InputError
from comexlab.matching.agenda import Timing, ics
from comexlab.matching.fairfile import fair_from_rows, parse_slots
from comexlab.services import fair as service

PEOPLE = b"id,name,available\nA,Acme Buyer,\nB,Bolt SA,1-2\nC,=HYPERLINK(\"x\"),1;2\nD,Delta,1\n"
WANTS = b"from,to,priority\nA,B,5\nB,A,3\nC,D,4\nA,C,2\n"


def _request(people: bytes = PEOPLE, wants: bytes = WANTS, *, lang: str = "en",
             names: tuple[str, str] = ("participants.csv", "requests.csv"),
             slots: int = 2, tables: int = 1) -> service.ScheduleRequest:
    return service.ScheduleRequest((names[0], people), (names[1], wants), slots, tables, 5,
                                   lang)


def test_slots_lists_and_ranges() -> None:
    assert parse_slots("1-3;5", 8) == frozenset({1, 2, 3, 5})
    assert parse_slots("", 4) == frozenset({1, 2, 3, 4})
    assert parse_slots(" 2 , 4 ", 4) == frozenset({2, 4})
    for bad in ("0", "9", "3-1", "a", "1--2"):
        with pytest.raises(ValueError):
            parse_slots(bad, 8)


def test_fair_scheduled_from_csv() -> None:
    # greedy: A–B (5+3) into slot 1, D (slot 1 only) loses C–D, A–C in slot 2 → 10;
    # optimum: C–D in slot 1, A–B in slot 2 → 12
    result = service.schedule_fair(_request())
    out = service.as_json(result)
    assert (out["total_priority"], out["greedy_total"], out["lp_bound"]) == (12, 10, 12.0)
    assert [(m["slot"], m["a"], m["b"]) for m in out["meetings"]] == [(1, "C", "D"),
                                                                      (2, "A", "B")]


def test_semicolon_csv_and_xlsx_read_alike() -> None:
    semi = PEOPLE.decode().replace(",", ";").replace("1;2\n", "1,2\n")
    assert service.read_table("p.csv", semi.encode())[2][1]["available"] == "1,2"
    workbook = Workbook()
    sheet = workbook.active
    for line in WANTS.decode().strip().splitlines():
        sheet.append([int(v) if v.isdigit() else v for v in line.split(",")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    request = _request(wants=buffer.getvalue(), names=("participants.csv", "requests.xlsx"))
    assert service.schedule_fair(request).schedule.total_priority == 12


@pytest.mark.parametrize(("wants", "row", "field", "text_en", "text_es"), [
    (b"from,to,priority\nA,Z,1\n", 2, "to", "no participant has this id",
     "ningún participante tiene este id"),
    (b"from,to,priority\nA,B,1\nA,A,2\n", 3, "to", "cannot request a meeting with themselves",
     "no puede solicitar una cita consigo mismo"),
    (b"from,to,priority\nA,B,0\n", 2, "priority", "positive whole number",
     "número entero positivo"),
    (b"from,to,priority\nA,B,2.5\n", 2, "priority", "positive whole number",
     "número entero positivo"),
    (b"from,to,priority\nA,B,1\nC,D,1\nA,B,3\n", 4, "to", "already on row 2",
     "ya está en la fila 2"),
])
def test_bad_request_rows_are_refused(wants: bytes, row: int, field: str, text_en: str,
                                      text_es: str) -> None:
    for lang, text in (("en", text_en), ("es", text_es)):
        with pytest.raises(InputError) as caught:
            service.schedule_fair(_request(wants=wants, lang=lang))
        problem = caught.value.problems[0]
        assert (problem.file, problem.row, problem.field) == ("requests.csv", row, field)
        assert text in caught.value.render(lang)


def test_bad_participant_rows_are_all_listed() -> None:
    people = b"id,name,available\nA,a,1-9\nB,b,\nB,again,\n,nobody,\nC,c,2-1\n"
    with pytest.raises(InputError) as caught:
        service.schedule_fair(_request(people=people, wants=b"from,to,priority\nA,B,1\n"))
    found = [(p.row, p.field) for p in caught.value.problems]
    assert found == [(2, "available"), (4, "id"), (5, "id"), (6, "available")]
    assert "outside 1-2" in caught.value.render("en")


def test_missing_columns_and_wrong_kind() -> None:
    with pytest.raises(InputError) as caught:
        service.schedule_fair(_request(wants=b"de,para,prioridad\nA,B,1\n"))
    assert {p.field for p in caught.value.problems} == {"from", "to", "priority"}
    with pytest.raises(InputError, match=r"\.csv or \.xlsx"):
        service.read_table("people.txt", b"id\n")
    with pytest.raises(InputError, match="cannot read"):
        service.read_table("people.xlsx", b"not a zip")
    with pytest.raises(InputError, match="cannot read"):
        service.read_table("people.csv", b"\xff\xfe\x00bad")


def test_options_out_of_range_refused() -> None:
    with pytest.raises(InputError):
        fair_from_rows([], [], slots=0, tables=1)
    with pytest.raises(InputError):
        fair_from_rows([], [], slots=4, tables=0)


# -- exports ---------------------------------------------------------------------------------

TIMING = Timing(datetime(2026, 5, 20, 9, 0, tzinfo=ZoneInfo("America/Mexico_City")), 30)
STAMP = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _exports(lang: str = "es") -> dict[str, bytes]:
    result = service.schedule_fair(_request())
    return service.export_files(result, service.ExportRequest(TIMING, "Foro GO", STAMP, lang))


def test_ics_is_rfc5545_and_parses_back() -> None:
    result = service.schedule_fair(_request())
    raw = ics(result.fair, result.schedule.meetings, "A", TIMING, event="Foro GO " * 12,
              stamp=STAMP, lang="en")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["UID"]).endswith("-A-B@comexlab.invalid")
    assert event.decoded("DTSTAMP") == STAMP
    # slot 2 starts 09:30 in Mexico City = 15:30 UTC (UTC−6, no DST since 2022)
    assert event.decoded("DTSTART") == datetime(2026, 5, 20, 15, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 5, 20, 16, 0, tzinfo=UTC)
    assert "Bolt SA" in str(event["SUMMARY"])


def test_exports_escape_formulas_and_cover_everyone() -> None:
    files = _exports()
    assert sorted(files) == ["agendas.csv", "agendas.xlsx", "ics/A.ics", "ics/B.ics",
                             "ics/C.ics", "ics/D.ics", "table_plan.csv"]
    agendas = files["agendas.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in agendas and ",=HYPERLINK" not in agendas
    sheet = load_workbook(io.BytesIO(files["agendas.xlsx"]))["agendas"]
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYP")]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula
    plan = files["table_plan.csv"].decode("utf-8-sig").splitlines()
    assert plan[0].startswith("Horario,Inicio,Mesa") and len(plan) == 3


def test_participant_ids_cannot_climb_folders(tmp_path: Path) -> None:
    people = b"id,name,available\n../../evil,x,\nB,b,\n"
    result = service.schedule_fair(_request(people=people,
                                            wants=b"from,to,priority\n../../evil,B,1\n"))
    written = service.write_exports(result, service.ExportRequest(TIMING, "F", STAMP, "en",
                                                                  tmp_path))
    assert all(tmp_path in p.parents for p in written)
    assert (tmp_path / "ics" / "______evil.ics").exists()


# -- CLI -------------------------------------------------------------------------------------

def _files(tmp_path: Path, wants: bytes = WANTS) -> list[str]:
    (tmp_path / "p.csv").write_bytes(PEOPLE)
    (tmp_path / "r.csv").write_bytes(wants)
    return ["schedule", "--participants", str(tmp_path / "p.csv"), "--requests",
            str(tmp_path / "r.csv"), "--slots", "2", "--tables", "1"]


def test_cli_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [*_files(tmp_path), "--format", "json",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) >= {"total_priority", "lp_bound", "gap", "meetings", "greedy_total"}
    assert out["total_priority"] == 12 and out["gap"] == 0
    assert (tmp_path / "out" / "ics" / "A.ics").exists()


def test_cli_refuses_bad_rows_naming_file_row_field(tmp_path: Path) -> None:
    args = [*_files(tmp_path, b"from,to,priority\nA,Z,1\n"), "--lang", "es",
            "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    error = result.exception
    assert isinstance(error, InputError)
    assert "r.csv, fila 2, campo 'to'" in error.render("es")
    assert not (tmp_path / "out").exists()  # nothing written


def test_cli_late_change_from_previous_json(tmp_path: Path) -> None:
    first = CliRunner().invoke(app, [*_files(tmp_path), "--format", "json"])
    (tmp_path / "first.json").write_text(first.output, encoding="utf-8")
    # a new request B→D (6) outweighs C–D (4), which can only meet in slot 1 (D's only slot):
    # C–D is dropped for it; A–B stays in slot 2 (nothing moved). Total 8 + 6 = 14.
    args = _files(tmp_path, WANTS + b"B,D,6\n")
    later = CliRunner().invoke(app, [*args, "--format", "json", "--previous",
                                     str(tmp_path / "first.json")])
    assert later.exit_code == 0, later.output
    out = json.loads(later.output)
    assert (out["total_priority"], out["moved"], out["dropped"], out["kept"]) == (14, 0, 1, 1)
    assert [(m["slot"], m["a"], m["b"]) for m in out["meetings"]] == [(1, "B", "D"),
                                                                      (2, "A", "B")]


def test_previous_schedule_must_be_readable() -> None:
    with pytest.raises(InputError, match="cannot read"):
        service.read_previous("old.json", b"{not json")
    with pytest.raises(InputError, match="cannot read"):
        service.read_previous("old.json", b'{"meetings": [{"slot": 1}]}')
    assert service.read_previous("old.json", b'{"meetings": [{"slot": 1, "table": 2, '
                                 b'"a": "B", "b": "A"}]}')[0].a == "A"  # pair written a < b


def _as_ranges(slots: set[int]) -> str:
    parts, run = [], []
    for s in sorted(slots):
        if run and s != run[-1] + 1:
            parts.append(run)
            run = []
        run.append(s)
    parts += [run] if run else []
    return ";".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in parts)


@settings(max_examples=80, deadline=None)
@given(st.sets(st.integers(1, 24), min_size=1))
def test_slot_ranges_round_trip(slots: set[int]) -> None:
    assert parse_slots(_as_ranges(slots), 24) == frozenset(slots)
    assert parse_slots(";".join(map(str, sorted(slots))), 24) == frozenset(slots)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCDZ"), st.sampled_from("ABCDZ"),
                          st.sampled_from(["1", "3", "0", "-2", "x", ""])), max_size=8))
def test_every_bad_request_row_is_named(rows: list[tuple[str, str, str]]) -> None:
    # expected problems computed by hand from the rules: unknown id (Z), self, bad priority,
    # duplicate (from, to) of an earlier good row
    body = "from,to,priority\n" + "".join(f"{a},{b},{p}\n" for a, b, p in rows)
    seen: set[tuple[str, str]] = set()
    expected = set()
    for i, (a, b, p) in enumerate(rows, start=2):
        bad = [f for f, v in (("from", a), ("to", b)) if v == "Z"]
        if not bad and a == b:
            bad.append("to")
        if p not in ("1", "3"):
            bad.append("priority")
        if not bad and (a, b) in seen:
            bad.append("to")
        if not bad:
            seen.add((a, b))
        expected |= {(i, f) for f in bad}
    if not rows:  # a requests file without rows is refused as a whole
        expected = {(None, None)}
    try:
        service.schedule_fair(_request(wants=body.encode()))
        found: set[tuple[int | None, str | None]] = set()
    except InputError as exc:
        found = {(p.row, p.field) for p in exc.problems}
    assert found == expected
