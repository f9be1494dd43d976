"""Reporting windows: parsing, prior window, labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comexlab.errors import InputError
from comexlab.reports.windows import Period, Window


def test_year_window_and_its_prior() -> None:
    w = Window.parse("2018", "2018")
    assert w.grain == "year" and w.codes() == ("2018",)
    assert w.prior().codes() == ("2017",)
    assert Window.parse("2016", "2018").prior().codes() == ("2013", "2014", "2015")


def test_month_window_prior_is_same_months_a_year_before() -> None:
    w = Window.parse("2025-01", "2025-08")
    assert len(w) == 8
    assert w.prior().codes() == tuple(f"2024-{m:02d}" for m in range(1, 9))
    assert Window.parse("2026-01", "2026-02").prior().codes() == ("2025-01", "2025-02")


def test_window_crossing_a_year_end() -> None:
    w = Window.parse("2025-11", "2026-02")
    assert w.codes() == ("2025-11", "2025-12", "2026-01", "2026-02")
    assert w.prior().codes() == ("2024-11", "2024-12", "2025-01", "2025-02")


def test_long_month_window_shifts_by_two_years_to_avoid_overlap() -> None:
    w = Window.parse("2025-01", "2026-02")
    assert w.shift_years() == 2
    assert w.prior().end.code == "2024-02"


def test_annual_window_spans_twelve_months_a_year() -> None:
    assert Window.parse("2025").months()[0] == "2025-01"
    assert len(Window.parse("2024", "2025").months()) == 24


@pytest.mark.parametrize("bad", ["18", "2018-13", "2018-1", "abc", "2018/01"])
def test_bad_periods_name_the_option(bad: str) -> None:
    with pytest.raises(InputError, match="YYYY") as exc:
        Window.parse(bad)
    assert exc.value.field == "start"  # the domain name; the CLI shows it as --from


def test_mixed_grains_and_reversed_windows_are_rejected() -> None:
    with pytest.raises(InputError, match="both"):
        Window.parse("2018", "2018-05")
    with pytest.raises(InputError, match="before"):
        Window.parse("2019", "2018")


def test_labels_in_both_languages() -> None:
    assert Window.parse("2026-01", "2026-02").label("en") == "Jan–Feb 2026"
    assert Window.parse("2025-01", "2025-08").label("es") == "ene–ago 2025"
    assert Window.parse("2025-11", "2026-02").label("en") == "Nov 2025–Feb 2026"
    assert Window.parse("2016", "2018").label() == "2016–2018"


@given(st.integers(1990, 2040), st.integers(1, 12), st.integers(0, 40))
def test_prior_never_overlaps_and_has_same_length(year: int, month: int, extra: int) -> None:
    start = Period(year, month)
    end = Period.from_index(start.index() + extra, "month")
    w = Window(start, end)
    p = w.prior()
    assert len(p) == len(w)
    assert p.end < w.start
    assert p.start.month == w.start.month  # same calendar months
