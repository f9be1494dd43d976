"""The scenario presentation shared by CLI and web words facts the result carries as fields."""

from __future__ import annotations

import pandas as pd

from comexlab.i18n import t
from comexlab.presentation.scenario import base_year, figure_kind, state_basis
from comexlab.tariffs.engine import ScenarioResult


def _state(estimated: list[bool], *, year: str | None, months: tuple[str, ...]) -> ScenarioResult:
    lines = pd.DataFrame({"reporter_level": ["state"] * len(estimated), "estimated": estimated})
    return ScenarioResult(scenario=None, lines=lines, audit=(),  # type: ignore[arg-type]
                          base_year=year, real_months=months)


def test_state_basis_reads_base_year_and_months_from_fields_not_prose() -> None:
    # No audit note at all: the old CLI parsed "base year " out of one and showed "?".
    mixed = _state([True, False], year="2018", months=("2025-01", "2025-02"))
    assert state_basis(mixed, "en") == t("scenario.basis.mixed", "en",
                                         months="2025-01, 2025-02", year="2018")
    real = _state([False], year=None, months=("2025-01",))
    assert state_basis(real, "en") == t("scenario.basis.real", "en", months="2025-01")
    est = _state([True], year="2018", months=())
    assert state_basis(est, "es") == t("scenario.basis.estimated", "es", year="2018")


def test_country_has_no_basis_and_unknown_year_is_marked() -> None:
    country = ScenarioResult(scenario=None,  # type: ignore[arg-type]
                             lines=pd.DataFrame({"reporter_level": ["country"],
                                                 "estimated": [False]}), audit=())
    assert state_basis(country, "en") is None
    assert base_year(country) == "?"


def test_figure_units() -> None:
    assert [figure_kind(k) for k in ("share_exposed", "duty_change", "lines")] == [
        "pct", "usd", "number"]
