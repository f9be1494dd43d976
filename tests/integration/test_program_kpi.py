"""`comexlab program report` and `comexlab kpi report` on the demo registry and real flows.

Figures checked against independent counts: the demo program's first sales and enrolments
read back with plain SQL, INEGI EEF Guanajuato 2025 and 2024 summed with pandas from the raw
file (thousands of USD × 1000), DataWeb quarters summed by month from the warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.registry.db import make_engine, upgrade
from comexlab.registry.demo import seed_demo
from comexlab.warehouse import flows
from comexlab.warehouse.db import connect

AS_OF = date(2026, 11, 25)
EEF = "inegi_eef_state_exports_2007_2025/eef_estatal_anual_tr_cifra_2007_2025.csv.gz"
runner = CliRunner()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("program")
    url = f"sqlite:///{root / 'registry.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    seed_demo(engine, as_of=AS_OF)
    engine.dispose()
    wh = root / "wh.duckdb"
    con = connect(wh)
    for source in ("inegi_eef", "usitc_dataweb"):
        flows.load_source(con, source, data_dir=data_dir)
    con.close()
    return url, wh


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_program_view_against_sql(stores: tuple[str, Path]) -> None:
    url, wh = stores
    payload = json.loads(_run("program", "report", "gto-supply", "--as-of", AS_OF.isoformat(),
                              "--db", url, "--warehouse", str(wh), "-f", "json"))
    engine = make_engine(url)
    with engine.connect() as c:
        sales = c.execute(text(
            "SELECT count(DISTINCT s.country), sum(s.sales_usd) FROM marketplace_sale s "
            "JOIN enrolment e ON e.id = s.enrolment_id JOIN program p ON p.id = e.program_id "
            "WHERE p.code = 'GTO-SUPPLY'")).one()
        onboarded = c.execute(text(
            "SELECT count(*) FROM enrolment e JOIN program p ON p.id = e.program_id "
            "WHERE p.code = 'GTO-SUPPLY' AND e.status IN "
            "('accepted', 'in_progress', 'completed')")).scalar_one()
    engine.dispose()
    progress = {r["indicator"]: r for r in payload["progress"]}
    assert progress["firms_onboarded"]["achieved"] == onboarded > 0
    assert progress["firms_onboarded"]["target"] == 500
    assert progress["countries_reached"]["achieved"] == sales[0] > 0
    assert progress["countries_reached"]["target"] == 120
    assert progress["sales_abroad_usd"]["achieved"] == pytest.approx(sales[1])
    assert len(payload["firms"]) == 30
    assert set(payload["marketplaces"]) == {"Amazon", "AliExpress", "Kichink", "Mercado Libre"}
    # no BACI loaded here: shrimp falls back to no suggestion; no country is invented
    assert payload["suggestions"]["030617"]["basis"] == "none"
    assert payload["suggestions"]["030617"]["countries"] == []
    quarters = pd.DataFrame(payload["quarters"])
    assert quarters["new_countries"].sum() == sales[0]


def test_program_xlsx_cells_escaped(stores: tuple[str, Path], tmp_path: Path) -> None:
    url, wh = stores
    engine = make_engine(url)
    with engine.begin() as c:  # a firm name a spreadsheet would run as a formula
        c.execute(text("UPDATE firm SET legal_name = '=HYPERLINK(\"http://x\")' WHERE id = "
                       "(SELECT e.firm_id FROM enrolment e JOIN program p ON "
                       "p.id = e.program_id WHERE p.code = 'GTO-SUPPLY' LIMIT 1)"))
    engine.dispose()
    out = tmp_path / "program.xlsx"
    _run("program", "report", "GTO-SUPPLY", "--as-of", AS_OF.isoformat(), "--db", url,
         "--warehouse", str(wh), "-f", "xlsx", "-o", str(out), "--lang", "en")
    book = load_workbook(out)
    assert {"progress", "firms", "quarters", "first_sales", "notes"} <= set(book.sheetnames)
    cells = [c for row in book["firms"].iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]  # never a formula
    named = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert named and all(c.data_type == "s" and c.quotePrefix
                         for c in named)
    seed_demo(make_engine(url), as_of=AS_OF)  # put the demo name back for other tests


def test_unknown_program_is_named(stores: tuple[str, Path]) -> None:
    url, wh = stores
    result = runner.invoke(app, ["program", "report", "NOPE", "--db", url,
                                 "--warehouse", str(wh)])
    assert result.exit_code != 0
    assert "NOPE" in str(result.exception)


def test_kpi_report_2025(stores: tuple[str, Path], shared_file: Callable[[str], Path]) -> None:
    url, wh = stores
    raw = pd.read_csv(shared_file(EEF), dtype=str)
    gto = raw[(raw.CVE_ENT.str.zfill(2) == "11") & (raw.ESTATUS_CIFRA == "Disponible")]
    eef = {y: gto[str(y) == gto.ANIO].VAL_USD.astype(float).sum() * 1000 for y in (2024, 2025)}
    rows = json.loads(_run("kpi", "report", "--year", "2025", "--db", url, "--warehouse",
                           str(wh), "-f", "json", "--lang", "en"))
    table = {r["indicator"]: r for r in rows}
    exports = table["exports_state_usd"]
    assert exports["year"] == pytest.approx(eef[2025])
    assert exports["previous_year"] == pytest.approx(eef[2024])
    assert exports["growth"] == pytest.approx(eef[2025] / eef[2024] - 1)
    assert exports["Q1"] is None  # EEF is annual: never a made-up quarter
    con = connect(wh, read_only=True)
    q2 = con.execute("SELECT sum(value_usd) FROM flow WHERE source = 'usitc_dataweb' AND "
                     "reporter = 'MEX' AND year = 2025 AND month BETWEEN 4 AND 6").fetchone()
    con.close()
    assert q2 is not None
    assert table["us_imports_from_mexico_usd"]["Q2"] == pytest.approx(q2[0])
    assert table["meetings_held"]["year"] is None
    assert table["GTO-SUPPLY: firms_onboarded"]["target"] == 500
    assert table["GTO-SUPPLY: countries_reached"]["target"] == 120


def test_kpi_screen_says_no_events(stores: tuple[str, Path]) -> None:
    url, wh = stores
    out = _run("kpi", "report", "--year", "2026", "--db", url, "--warehouse", str(wh))
    assert "no hay eventos registrados" in out
    assert "DataWeb no cubre todo 2026" in out  # Jan–Feb 2026 only: Q1 left empty


@pytest.mark.parametrize("args", [("--year", "1999"), ("--year", "2025", "--state", "XYZ")])
def test_kpi_bad_input(stores: tuple[str, Path], args: tuple[str, ...]) -> None:
    url, wh = stores
    result = runner.invoke(app, ["kpi", "report", *args, "--db", url, "--warehouse", str(wh)])
    assert result.exit_code != 0
    assert getattr(result.exception, "code", "") == "invalid_input"


def test_kpi_counts_meetings_from_events(tmp_path: Path) -> None:
    """A B2B round on 2025-05-20 with 3 meetings (2 held), a follow-up recorded 2025-06-01 and
    a US$50,000 contract recorded 2025-08-10: Q2 has 2 held and 1 follow-up, Q3 1 contract."""
    from comexlab.registry.db import transaction
    from comexlab.registry.models import Event, EventMeeting, EventParticipant, MeetingOutcome

    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as s:
        event = Event(code="B2B-TEST", name="Rueda de negocios", kind="b2b_round",
                      starts_on=date(2025, 5, 20), country="MEX")
        people = [EventParticipant(external_id=f"p{i}", name=f"P{i}", role="buyer")
                  for i in range(3)]
        event.participants = people
        s.add(event)
        s.flush()
        meetings = [EventMeeting(event_id=event.id, slot=i, table_no=1, held=held,
                                 participant_a_id=people[0].id,
                                 participant_b_id=people[i % 2 + 1].id)
                    for i, held in enumerate((True, True, None))]
        s.add_all(meetings)
        s.flush()
        s.add_all([MeetingOutcome(meeting_id=meetings[0].id, outcome="follow_up",
                                  recorded_on=date(2025, 6, 1)),
                   MeetingOutcome(meeting_id=meetings[0].id, outcome="contract",
                                  recorded_on=date(2025, 8, 10), value_usd=50_000.0)])
    engine.dispose()
    rows = json.loads(_run("kpi", "report", "--year", "2025", "--db", url, "--warehouse",
                           str(tmp_path / "none.duckdb"), "-f", "json", "--lang", "en"))
    table = {r["indicator"]: r for r in rows}
    held = table["meetings_held"]
    assert [held[q] for q in ("Q1", "Q2", "Q3", "Q4", "year")] == [0, 2, 0, 0, 2]
    assert table["meetings_follow_up"]["Q2"] == 1
    assert table["meetings_contract"]["Q3"] == 1
    assert table["meetings_contract_value_usd"]["Q3"] == 50_000.0
    assert "exports_state_usd" not in table  # no warehouse: export rows left out, said so
