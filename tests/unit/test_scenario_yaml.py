"""Scenario files: shipped ones validate; errors name the key and the YAML line."""

from __future__ import annotations

from importlib import resources

import pytest

from comexlab.errors import InputError
from comexlab.tariffs.scenario import Stacking, check_prefixes, parse_scenario

GOOD = """\
name: demo
title: Demo
base:
  edition: 2026r10
  programs: [S, S+]
  source: usitc_dataweb
  years: [2025]
  reporters: [MEX]
overlays:
  - type: additional
    rate: 25%
    stacking: max
    products:
      prefixes: ["8703.23"]
"""


def shipped() -> list[str]:
    folder = resources.files("comexlab.tariffs") / "scenarios"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))


def test_shipped_scenarios_validate() -> None:
    names = shipped()
    assert names == ["ieepa-restored.yaml", "nafta-ends.yaml", "s232-autos.yaml",
                     "s232-metals.yaml", "s232-usmca-relief-ends.yaml", "usmca-ends-today.yaml",
                     "usmca-ends.yaml"]
    for name in names:
        text = (resources.files("comexlab.tariffs") / "scenarios" / name).read_text("utf-8")
        scenario = parse_scenario(text, source=name)
        assert scenario.name == name.removesuffix(".yaml")


def test_good_scenario_is_frozen_and_normalised() -> None:
    s = parse_scenario(GOOD)
    ov = s.overlays[0]
    assert ov.rate == 0.25 and ov.stacking is Stacking.max
    assert ov.products.prefixes == ("870323",)
    with pytest.raises(AttributeError):
        s.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(("edit", "line", "field"), [
    (("    stacking: max\n", "    stacking: max\n    colour: red\n"), 13, "overlays.0.colour"),
    (("programs: [S, S+]", "programs: [S, ZZ]"), 5, "base.programs.1"),
    (('prefixes: ["8703.23"]', 'prefixes: ["87a3"]'), 14, "overlays.0.products.prefixes.0"),
    (("rate: 25%", "rate: 25"), 11, "overlays.0.rate"),
    (("stacking: max", "stacking: on-top"), 12, "overlays.0.stacking"),
    (('prefixes: ["8703.23"]', "lists: [budgetlab:unknown]"), 14, "overlays.0.products.lists.0"),
])
def test_errors_name_key_and_line(edit: tuple[str, str], line: int, field: str) -> None:
    text = GOOD.replace(*edit)
    with pytest.raises(InputError) as info:
        parse_scenario(text, source="my.yaml")
    problems = info.value.problems
    assert any(p.row == line and p.field == field and p.file == "my.yaml" for p in problems), (
        [str(p) for p in problems])


def test_withdrawing_a_program_not_in_base_is_an_error() -> None:
    text = GOOD.replace("  - type: additional\n    rate: 25%\n    stacking: max\n",
                        "  - type: withdraw_program\n    programs: [MX]\n")
    text = text.replace("    products:\n      prefixes: [\"8703.23\"]\n", "")
    with pytest.raises(InputError, match="not the base"):
        parse_scenario(text)


def test_invalid_yaml_names_line() -> None:
    with pytest.raises(InputError) as info:
        parse_scenario("name: [unclosed\n", source="bad.yaml")
    assert info.value.problems[0].file == "bad.yaml"


def test_prefixes_checked_against_schedule() -> None:
    s = parse_scenario(GOOD, source="g.yaml")
    assert check_prefixes(s, ["8703230140", "8703240000"]) == []
    problems = check_prefixes(s, ["8704210000"])
    assert problems[0].row == 14 and problems[0].value == "870323"
