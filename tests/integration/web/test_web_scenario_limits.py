"""Scenario uploads and runs as an attacker and a careless user would use them (issue 9).

Size limit, the bad-scenario corpus through the API and the upload form, names that must not
reach the file system, the queue limits, cancel and the time limit. Refused scenarios must
leave nothing behind: no job to poll, no row in ``web_scenario_run``. Slow runs are fakes that
wait on an event and check in (no assertion here depends on speed).
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import assert_error, login, use_services

from comexlab.errors import NotFoundError
from comexlab.web.app import create_app

CORPUS = Path(__file__).parents[2] / "scenario_bad"
CEILING = 60.0

GOOD = """\
name: mine
title: My scenario
base:
  edition: 2026r10
  programs: [S, S+]
  source: usitc_dataweb
  years: [2025]
  reporters: [MEX, CAN]
overlays:
  - type: additional
    rate: 25%
    stacking: add
    partners: [MEX]
    products:
      prefixes: ["8703"]
"""


@pytest.fixture()
def make_app(web_env) -> Iterator[Callable[..., object]]:
    """An app on the shared test warehouse with some settings changed (one per test)."""
    made: list = []
    clients: list[TestClient] = []

    def make(**settings: object):
        application = create_app(web_env.settings.model_copy(update=settings))
        made.append(application)
        return application

    make.clients = clients  # type: ignore[attr-defined]
    yield make
    for c in clients:
        c.__exit__(None, None, None)
    for application in made:
        application.state.ctx.jobs.shutdown()
        application.state.ctx.warehouse.close()


def _client(make_app, app, username: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.__enter__()
    make_app.clients.append(c)
    return login(c, username)


def _runs_recorded(app) -> int:
    return app.state.ctx.warehouse.read_sync(
        lambda con: con.execute("SELECT count(*) FROM web_scenario_run").fetchone()[0])


def _slow(app) -> threading.Event:
    """Swap the run service for one that checks in until released (then fails: unused)."""
    release = threading.Event()

    def slow(**kwargs):
        kwargs["progress"](0.5, "waiting")
        while not release.wait(0.01):
            kwargs["checkpoint"]()
        raise AssertionError("released runs are not looked at")

    use_services(app, scenario_run=slow)
    return release


def _until(c: TestClient, run_id: str, statuses: set[str]) -> dict:
    deadline = time.monotonic() + CEILING
    while time.monotonic() < deadline:
        status = c.get(f"/api/scenarios/runs/{run_id}").json()
        if status["status"] in statuses:
            return status
        time.sleep(0.05)
    raise AssertionError(f"run never reached {statuses}")


# ------------------------------------------------------------------ size and corpus
def test_upload_over_the_size_limit_is_refused_unread(make_app) -> None:
    app = make_app(scenario_upload_max_bytes=4096)
    c = _client(make_app, app, "analyst")
    before = _runs_recorded(app)  # the session's warehouse keeps other tests' runs
    big = GOOD + "# padding\n" * 500
    body = assert_error(c.post("/api/scenarios/runs", json={"yaml": big}), 413, "too_large")
    assert "4096" in body["message"] and str(len(big.encode())) in body["message"]
    page = c.post("/scenarios/run", files={"upload": ("big.yaml", big.encode(), "text/yaml")},
                  headers={"Accept": "text/html"})
    assert page.status_code == 413 and 'id="scenario-error"' in page.text
    assert "el límite es 4096 bytes" in html.unescape(page.text)
    assert len(app.state.ctx.jobs) == 0 and _runs_recorded(app) == before
    assert "4 KB" in c.get("/scenarios").text  # the page states the limit


def test_bad_corpus_refused_by_api_and_upload_form_leaving_nothing(make_app) -> None:
    app = make_app()
    c = _client(make_app, app, "analyst")
    before = _runs_recorded(app)
    cases = sorted(CORPUS.glob("*.yaml"))
    assert len(cases) >= 20
    for path in cases:
        text = path.read_text(encoding="utf-8")
        fragment = text.splitlines()[1].removeprefix("# expect-es: ")
        body = assert_error(c.post("/api/scenarios/runs", json={"yaml": text}), 422,
                            "invalid_input")
        said = " ".join([body["message"], *(d["message"] for d in body["details"])])
        assert fragment in said, (path.name, said)
        assert all(d["row"] for d in body["details"]), path.name
        page = c.post("/scenarios/run",
                      files={"upload": (path.name, text.encode(), "text/yaml")})
        assert page.status_code == 422, path.name
        shown = html.unescape(page.text)
        assert 'id="scenario-error"' in shown and fragment in shown, path.name
        assert "Input should" not in shown and "/tmp" not in shown
    assert len(app.state.ctx.jobs) == 0 and _runs_recorded(app) == before


def test_english_reader_gets_english_messages(make_app) -> None:
    app = make_app()
    c = _client(make_app, app, "analyst")
    c.cookies.set("lang", "en")
    text = GOOD.replace("stacking: add", "stacking: on-top")
    body = assert_error(c.post("/api/scenarios/runs", json={"yaml": text}), 422,
                        "invalid_input")
    detail = body["details"][0]
    assert detail == {"field": "overlays.0.stacking", "row": 12,
                      "message": "'stacking' must be one of: add, max, replace"}


@pytest.mark.parametrize(("edit", "field", "fragment"), [
    (("years: [2025]", "years: [2019]"), "base.years", "años cargados: "),
    (("reporters: [MEX, CAN]", "reporters: [MEX, CHN]"), "base.reporters",
     "exportadores cargados: CAN, MEX"),
    (('prefixes: ["8703"]', 'prefixes: ["0000"]'), "overlays.0.products.prefixes.0",
     "no corresponde a ninguna fracción"),
])
def test_scenario_without_data_is_refused_saying_what_is_loaded(
        make_app, edit: tuple[str, str], field: str, fragment: str) -> None:
    # issue 9: a year with no flows printed an all-zero headline
    app = make_app()
    c = _client(make_app, app, "analyst")
    text = GOOD.replace(*edit)
    body = assert_error(c.post("/api/scenarios/runs", json={"yaml": text}), 422,
                        "invalid_input")
    assert any(d["field"] == field and fragment in d["message"] and d["row"]
               for d in body["details"]), body
    if field == "base.years":
        loaded = body["details"][0]["message"].split("años cargados: ")[1]
        assert "2025" in loaded and "2019" not in loaded
    assert len(app.state.ctx.jobs) == 0


def test_unknown_reporter_is_refused_before_queueing(make_app) -> None:
    app = make_app()
    c = _client(make_app, app, "analyst")
    body = assert_error(c.post("/api/scenarios/runs",
                               json={"scenario": "usmca-ends", "reporter": "ZZZ"}),
                        422, "invalid_input")
    assert "reportante desconocido 'ZZZ'" in body["message"]
    assert body["details"][0]["field"] == "reporter"
    assert len(app.state.ctx.jobs) == 0


# ------------------------------------------------------------------ names
@pytest.mark.parametrize("name", ["../usmca-ends", "/etc/passwd", "usmca-ends.yaml",
                                  "..", "C:\\x"])
def test_scenario_names_that_look_like_paths_are_refused(make_app, name: str) -> None:
    app = make_app()
    c = _client(make_app, app, "analyst")
    assert_error(c.post("/api/scenarios/runs", json={"scenario": name}), 422, "invalid_input")
    assert len(app.state.ctx.jobs) == 0


def test_a_file_named_like_a_scenario_in_the_working_directory_is_not_read(
        make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my-local").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = make_app()
    c = _client(make_app, app, "analyst")
    body = assert_error(c.post("/api/scenarios/runs", json={"scenario": "my-local"}), 404,
                        "not_found")
    assert "usmca-ends" in body["message"] and str(tmp_path) not in str(body)
    page = c.post("/scenarios/run", data={"scenario": "my-local"})
    assert page.status_code == 404 and "no hay un escenario incluido" in page.text
    assert len(app.state.ctx.jobs) == 0


def test_service_resolves_names_to_shipped_scenarios_only(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from comexlab.services import scenarios as service

    path = tmp_path / "mine.yaml"
    path.write_text(GOOD, encoding="utf-8")
    (tmp_path / "mine").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for ref in (str(path), "mine", "../mine", "./mine"):
        with pytest.raises(NotFoundError):
            service.load_scenario(ref)
    # the CLI may still name a file explicitly
    assert service.load_scenario_or_file(str(path)).name == "mine"


# ------------------------------------------------------------------ queue, cancel, time limit
def test_queue_limits_per_user_and_overall(make_app) -> None:
    app = make_app(scenario_runs_per_user=1, scenario_runs_total=2)
    release = _slow(app)
    analyst, other, admin = (_client(make_app, app, u) for u in ("analyst", "analyst2", "admin"))
    first = analyst.post("/api/scenarios/runs", json={"scenario": "s232-autos"})
    assert first.status_code == 202
    mine = assert_error(analyst.post("/api/scenarios/runs", json={"scenario": "s232-autos"}),
                        429, "queue_full")
    assert "ya tiene 1 cálculos" in mine["message"]
    page = analyst.post("/scenarios/run", data={"scenario": "s232-autos"})
    assert page.status_code == 429 and "ya tiene 1 cálculos" in html.unescape(page.text)
    assert other.post("/api/scenarios/runs", json={"scenario": "s232-autos"}).status_code == 202
    server = assert_error(admin.post("/api/scenarios/runs", json={"scenario": "s232-autos"}),
                          429, "queue_full")
    assert "servidor" in server["message"]
    # a cancelled run frees its owner's place at once
    analyst.post(f"/api/scenarios/runs/{first.json()['run_id']}/cancel")
    _until(analyst, first.json()["run_id"], {"cancelled"})
    deadline = time.monotonic() + CEILING
    while analyst.post("/api/scenarios/runs",
                       json={"scenario": "s232-autos"}).status_code != 202:
        assert time.monotonic() < deadline, "the cancelled run never let go of its place"
        time.sleep(0.05)
    release.set()


def test_owner_cancels_a_running_run_by_api(make_app) -> None:
    app = make_app()
    release = _slow(app)
    c = _client(make_app, app, "analyst")
    run_id = c.post("/api/scenarios/runs", json={"scenario": "s232-autos"}).json()["run_id"]
    _until(c, run_id, {"running"})
    other = _client(make_app, app, "analyst2")
    assert_error(other.post(f"/api/scenarios/runs/{run_id}/cancel"), 404, "not_found")
    no_csrf = c.post(f"/api/scenarios/runs/{run_id}/cancel", headers={"X-CSRF-Token": ""})
    assert_error(no_csrf, 403, "csrf_failed")
    r = c.post(f"/api/scenarios/runs/{run_id}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    status = c.get(f"/api/scenarios/runs/{run_id}").json()
    assert status["status"] == "cancelled" and status["error"] == "el cálculo se canceló"
    assert_error(c.get(f"/api/scenarios/runs/{run_id}/result"), 409, "cancelled")
    assert_error(c.post(f"/api/scenarios/runs/{run_id}/cancel"), 409, "conflict")
    recorded = app.state.ctx.warehouse.read_sync(lambda con: con.execute(
        "SELECT count(*) FROM web_scenario_run WHERE run_id = ?", [run_id]).fetchone()[0])
    assert recorded == 0
    release.set()


def test_cancel_button_on_the_run_page(make_app) -> None:
    app = make_app()
    release = _slow(app)
    c = _client(make_app, app, "analyst")
    run_id = c.post("/api/scenarios/runs", json={"scenario": "s232-autos"}).json()["run_id"]
    fragment = c.get(f"/scenarios/runs/{run_id}/progress").text
    assert 'id="run-cancel"' in fragment and 'name="csrf_token"' in fragment
    token = c.headers["X-CSRF-Token"]
    del c.headers["X-CSRF-Token"]
    r = c.post(f"/scenarios/runs/{run_id}/cancel", data={"csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/scenarios/runs/{run_id}"
    assert "el cálculo se canceló" in c.get(f"/scenarios/runs/{run_id}").text
    forged = c.post(f"/scenarios/runs/{run_id}/cancel", data={"csrf_token": "x"})
    assert forged.status_code == 403
    release.set()


def test_run_over_the_time_limit_is_stopped_and_marked(make_app) -> None:
    app = make_app(scenario_time_limit=0.5)
    release = _slow(app)  # never released before its time is up
    c = _client(make_app, app, "analyst")
    run_id = c.post("/api/scenarios/runs", json={"scenario": "s232-autos"}).json()["run_id"]
    status = _until(c, run_id, {"timed_out"})
    assert "límite de 0.5 segundos" in status["error"]
    assert_error(c.get(f"/api/scenarios/runs/{run_id}/result"), 409, "timed_out")
    assert "se detuvo" in c.get(f"/scenarios/runs/{run_id}").text
    release.set()
