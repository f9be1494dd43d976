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


def _big_valid(overlays: int = 50, prefixes: int = 105) -> str:
    """A valid scenario near the web's 64 KB limit: 50 overlays × 105 prefixes."""
    items = "".join(
        "  - type: additional\n    rate: 25%\n    stacking: add\n    partners: [MEX]\n"
        "    products:\n      prefixes: ["
        + ", ".join(f'"{8700 + (i + k) % 99:04d}.{k % 90 + 10}"' for k in range(prefixes))
        + "]\n" for i in range(overlays))
    return GOOD.split("overlays:\n")[0] + "overlays:\n" + items


def test_one_yaml_loader_per_file_not_per_value(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 9: a 198 KB file took ~98 s because the line-number mapping built a new loader
    # (which re-reads the whole text) for every one of its ~15,000 values: quadratic.
    import yaml

    text = _big_valid()
    assert 50_000 < len(text.encode()) < 64 * 1024
    made: list[int] = []
    for cls in {yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)}:
        original = cls.__init__

        def counting(self, stream, _original=original) -> None:  # type: ignore[no-untyped-def]
            made.append(1)
            _original(self, stream)

        monkeypatch.setattr(cls, "__init__", counting)
    scenario = parse_scenario(text)
    assert len(scenario.overlays) == 50 and len(scenario.overlays[0].products.prefixes) == 105
    assert len(made) <= 3  # screening pass + composing pass (was 1 + one per value)


def test_limits_are_not_hit_by_a_max_size_valid_file() -> None:
    scenario = parse_scenario(_big_valid())
    assert scenario.overlays[-1].rate == 0.25


def test_partner_must_be_an_exporter_of_the_base() -> None:
    # issue 9: `partners: [ZZZ]` ran with zero effect and exit code 0
    for partner, fragment in (("ZZZ", "not a country code"), ("CHN", "not one of the")):
        with pytest.raises(InputError) as info:
            parse_scenario(GOOD.replace("    stacking: max\n",
                                        f"    stacking: max\n    partners: [{partner}]\n"))
        assert fragment in info.value.render("en")
        assert info.value.problems[0].row == 13
        assert info.value.problems[0].field == "overlays.0.partners.0"


def test_shipped_scenarios_have_spanish_title_and_description() -> None:
    """Issue 13: every shipped scenario reads in Spanish; English stays the fallback."""
    for name in shipped():
        text = (resources.files("comexlab.tariffs") / "scenarios" / name).read_text("utf-8")
        sc = parse_scenario(text, source=name)
        assert sc.title_es and sc.description_es, name
        assert sc.title_in("es") == sc.title_es and sc.title_in("en") == sc.title
        assert sc.description_in("es") == sc.description_es.strip()


def test_spanish_title_is_checked_like_the_title() -> None:
    """A title_es over the title limit is refused naming its key (same rule as title)."""
    with pytest.raises(InputError) as err:
        parse_scenario(GOOD.replace("title: Demo", "title: Demo\ntitle_es: " + "x" * 201),
                       source="s.yaml")
    assert "title_es" in str(err.value.problems) or "title_es" in str(err.value)
