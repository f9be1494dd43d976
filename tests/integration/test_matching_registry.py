"""Matching services and CLI on the demo registry (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest
from registry_support import bare_engine, engine  # noqa: F401  (fixtures)
from sqlalchemy import Engine
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.errors import InputError, NotFoundError
from comexlab.registry.db import make_engine, reading, upgrade
from comexlab.registry.demo import seed_demo
from comexlab.services import matching

AS_OF = date(2026, 11, 30)
BILL = b"bill: [mold_fabrication, machining, heat_treatment, surface_treatment, painting]\n"


@pytest.fixture()
def demo(engine: Engine) -> Engine:  # noqa: F811
    seed_demo(engine, as_of=AS_OF)
    return engine


def test_consortium_of_five_processes_is_minimal(demo: Engine) -> None:
    request = matching.ConsortiumRequest(("bill.yaml", BILL), AS_OF)
    with reading(demo) as session:
        result = matching.consortium_for_bill(session, request)
        suppliers = {s.rfc: s for s in matching.load_suppliers(session, today=AS_OF)}
    c = result.consortium
    assert (c.size, c.status, c.proven_optimal, c.uncovered) == (3, "optimal", True, ())
    assert c.lp_bound == pytest.approx(3.0)
    for process, members in c.covers.items():  # every process really run by its members
        assert members and all(process in suppliers[r].processes for r in members)
    # independent proof: no two eligible SMEs cover the bill (every pair enumerated)
    eligible = [s for s in suppliers.values() if s.size_class in ("micro", "small", "medium")]
    assert len(eligible) >= c.eligible
    bill = set(c.bill)
    assert not [p for p in itertools.combinations(eligible, 2)
                if bill <= p[0].processes | p[1].processes]


def test_need_ranking_on_the_demo(demo: Engine) -> None:
    request = matching.NeedRequest(matching.demo_needs_file(), AS_OF, "N-DEMO-01")
    with reading(demo) as session:
        result = matching.suppliers_for_need(session, request)
        again = matching.suppliers_for_need(session, request)
    assert result == again  # same input, same output
    assert result.qualified
    for m in result.qualified:  # hard: both processes, within 300 km of Guanajuato
        assert m.components["processes"] == 1 and m.distance_km is not None
        assert m.distance_km <= 300
    scores = [m.score for m in result.qualified]
    assert scores == sorted(scores, reverse=True)


def test_firm_view_shows_the_certification_program(demo: Engine) -> None:
    with reading(demo) as session:
        profiles = matching.load_suppliers(session, today=AS_OF)
        on_way = next(s for s in profiles if any(
            e.standard == "IATF16949" and e.status in ("applied", "accepted", "in_progress")
            for e in s.enrolments) and "IATF16949" not in dict(s.certificates))
        result = matching.needs_for_firm(session, matching.FirmRequest(
            on_way.rfc, (matching.demo_needs_file(),), AS_OF))
    n1 = next(m for m in result.matches if m.need == "N-DEMO-01")
    assert any("missing IATF 16949 — enrolled in CERT-IATF" in g.text("en") for g in n1.gaps)
    with reading(demo) as session, pytest.raises(NotFoundError):
        matching.needs_for_firm(session, matching.FirmRequest(
            "XAXX010101000", (matching.demo_needs_file(),), AS_OF))


def test_bad_need_files_are_refused(demo: Engine) -> None:
    with reading(demo) as session:
        with pytest.raises(InputError, match="line 2"):
            matching.suppliers_for_need(session, matching.NeedRequest(
                ("n.yaml", b"code: N1\n processes: [a\n"), AS_OF))
        with pytest.raises(InputError) as caught:
            matching.suppliers_for_need(session, matching.NeedRequest(
                matching.demo_needs_file(), AS_OF))  # four needs, none chosen
        assert "N-DEMO-01" in caught.value.render("en")


def test_cli_consortium_json(tmp_path: Path) -> None:
    # the CLI reaches the registry by URL: a SQLite file (a test schema's search_path on
    # PostgreSQL is not part of its URL)
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    cli_engine = make_engine(url)
    upgrade(cli_engine)
    seed_demo(cli_engine, as_of=AS_OF)
    (tmp_path / "bill.yaml").write_bytes(BILL)
    result = CliRunner().invoke(app, ["match", "consortium", str(tmp_path / "bill.yaml"),
                                      "--db", url, "--as-of", "2026-11-30", "--format",
                                      "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["size"] == 3 and out["proven_optimal"] and out["lp_bound"] == pytest.approx(3)
