"""Events in the registry: a schedule saved with its meetings, outcomes counted (both backends)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from registry_support import bare_engine, engine  # noqa: F401  (fixtures)
from sqlalchemy import Engine, select

from comexlab.errors import InputError, NotFoundError
from comexlab.registry.db import reading, transaction
from comexlab.registry.demo import seed_demo
from comexlab.registry.models import Event, Firm
from comexlab.services import events
from comexlab.services import fair as fair_service

AS_OF = date(2026, 11, 30)


def _schedule(rfcs: list[str]) -> fair_service.FairResult:
    people = "id,name,available\n" + "".join(f"{r},{r},\n" for r in rfcs) + "BUYER1,Buyer,\n"
    wants = "from,to,priority\n" + "".join(f"BUYER1,{r},{i + 1}\n" for i, r in enumerate(rfcs))
    return fair_service.schedule_fair(fair_service.ScheduleRequest(
        ("p.csv", people.encode()), ("r.csv", wants.encode()), 2, 1))


def test_schedule_saved_and_outcomes_counted(engine: Engine) -> None:  # noqa: F811
    seed_demo(engine, as_of=AS_OF)
    with reading(engine) as session:
        rfcs = list(session.scalars(select(Firm.rfc).order_by(Firm.rfc).limit(3)))
    result = _schedule(rfcs)  # one buyer, two slots, one table: the two heaviest requests
    assert {m.a for m in result.schedule.meetings} == {rfcs[2], rfcs[1]}  # RFCs sort first
    request = events.EventRequest("FORO-GO-2026", "Foro GO 2026", "b2b_round", AS_OF, "León")
    with transaction(engine) as session:
        event = events.save_schedule(session, request, result)
        linked = sorted(p.firm.rfc for p in event.participants if p.firm is not None)
    assert linked == sorted(rfcs)  # participants whose id is a registry RFC are linked
    with transaction(engine) as session:
        for outcome, value in (("follow_up", None), ("quote", 12_000.0),
                               ("contract", 250_000.0)):
            events.record_outcome(session, events.OutcomeRequest(
                "FORO-GO-2026", 1, 1, outcome, date(2026, 12, 15), value))
        events.record_outcome(session, events.OutcomeRequest(
            "FORO-GO-2026", 2, 1, "follow_up", date(2026, 12, 15)))
    with reading(engine) as session:
        kpis = events.event_kpis(session, "FORO-GO-2026")
    assert (kpis.meetings, kpis.held) == (2, 2)
    assert kpis.outcomes == {"follow_up": 2, "quote": 1, "contract": 1}
    assert kpis.contract_value_usd == 250_000.0


def test_bad_event_input_changes_nothing(engine: Engine) -> None:  # noqa: F811
    result = _schedule(["AAA010101AAA"])
    request = events.EventRequest("E1", "E1", "b2b_round", AS_OF)
    with transaction(engine) as session:
        events.save_schedule(session, request, result)
    with pytest.raises(InputError), transaction(engine) as session:
        events.save_schedule(session, request, result)  # same code
    with pytest.raises(InputError), transaction(engine) as session:
        events.save_schedule(session, events.EventRequest("E2", "E2", "party", AS_OF), result)
    with pytest.raises(InputError), transaction(engine) as session:
        events.record_outcome(session, events.OutcomeRequest("E1", 1, 1, "hug", AS_OF))
    with pytest.raises(InputError), transaction(engine) as session:
        events.record_outcome(session, events.OutcomeRequest("E1", 1, 1, "quote", AS_OF, -5.0))
    with pytest.raises(NotFoundError), transaction(engine) as session:
        events.record_outcome(session, events.OutcomeRequest("E1", 9, 1, "quote", AS_OF))
    with reading(engine) as session:
        assert [e.code for e in session.scalars(select(Event))] == ["E1"]
        assert events.event_kpis(session, "E1").outcomes == {"follow_up": 0, "quote": 0,
                                                             "contract": 0}


def test_cli_saves_the_schedule_as_an_event(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from comexlab.cli import app
    from comexlab.registry.db import make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    upgrade(make_engine(url))
    (tmp_path / "p.csv").write_text("id,name,available\nA,a,\nB,b,\n", encoding="utf-8")
    (tmp_path / "r.csv").write_text("from,to,priority\nA,B,2\n", encoding="utf-8")
    args = ["schedule", "--participants", str(tmp_path / "p.csv"), "--requests",
            str(tmp_path / "r.csv"), "--slots", "2", "--tables", "1", "--format", "json",
            "--save-event", "RN-1", "--event", "Rueda 1", "--db", url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total_priority"] == 2
    with reading(make_engine(url)) as session:
        assert events.event_kpis(session, "RN-1").meetings == 1
    again = CliRunner().invoke(app, args)  # same code twice: refused, nothing added
    assert again.exit_code != 0 and isinstance(again.exception, InputError)
