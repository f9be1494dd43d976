"""The policy timeline file: the shipped one validates; malformed records are named."""

from __future__ import annotations

import datetime as dt

import pytest

from comexlab.errors import InputError
from comexlab.tariffs.regime.timeline import (
    Authority,
    Role,
    Usmca,
    ValueBasis,
    parse_timeline,
    shipped_text,
    shipped_timeline,
)

HEAD = """
version: 1
parameters:
  usmca_us_content_share: {value: 0.4, description: d, source: s}
editions:
  - {edition: "2025", effective_from: 2025-01-01, source: s}
measures:
"""

GOOD = """  - id: ieepa-x
    title: t
    authority: ieepa_fentanyl
    headings: ["9903.01.01"]
    legal: [EO 14194]
    rate: 25%
    effective_from: 2025-03-07
    effective_to: 2026-02-23
    partners: [MEX]
    products: {everything: true}
    usmca: exempt_claimed
    stacking: residual
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as err:
        parse_timeline(text, source="t.yaml")
    return [p.render("en") for p in err.value.problems]


def test_shipped_timeline_validates_with_the_issue_measures() -> None:
    tl = shipped_timeline()
    fent = tl.measure("ieepa-fentanyl-mx")
    assert (fent.authority, fent.rate, fent.usmca) == (Authority.ieepa_fentanyl, 0.25,
                                                       Usmca.exempt_claimed)
    assert (fent.effective_from, fent.effective_to) == (dt.date(2025, 3, 7), dt.date(2026, 2, 23))
    assert tl.measure("ieepa-fentanyl-mx-potash").rate == 0.10
    s122 = tl.measure("s122-surcharge")
    assert (s122.effective_from, s122.effective_to) == (dt.date(2026, 2, 24),
                                                        dt.date(2026, 7, 23))
    assert (s122.effective_to - s122.effective_from).days + 1 == 150  # the statute's 150 days
    assert tl.measure("s232-autos").usmca is Usmca.non_us_content
    assert tl.measure("s232-auto-parts").usmca is Usmca.exempt_claimed
    assert tl.measure("s232-copper").value_basis is ValueBasis.metal_content
    assert tl.measure("s232-annex-3").value_basis is ValueBasis.floor
    assert tl.measure("s232-mhd-vehicles").stacking is Role.heading
    assert tl.parameter("usmca_us_content_share") == 0.40
    assert [e.edition for e in tl.editions] == ["2025", "2026r10"]
    # every measure cites a legal text; not modelled ones say why
    assert all(m.legal for m in tl.measures)
    assert {m.id for m in tl.not_modelled()} >= {"s232-semiconductors", "s301-forced-labor"}
    assert all(m.not_modelled_reason for m in tl.not_modelled())


def test_a_good_minimal_file_parses() -> None:
    tl = parse_timeline(HEAD + GOOD, source="t.yaml")
    assert tl.measure("ieepa-x").active_on(dt.date(2026, 2, 23))
    assert not tl.measure("ieepa-x").active_on(dt.date(2026, 2, 24))
    assert tl.measure("ieepa-x").applies_to("MEX")
    assert not tl.measure("ieepa-x").applies_to("CAN")


def test_a_bad_rate_names_the_record_field_and_line() -> None:
    problems = _problems(HEAD + GOOD.replace("rate: 25%", "rate: 25 percent"))
    assert len(problems) == 1
    assert "measure ieepa-x" in problems[0] and "'rate'" in problems[0]
    assert "row 8" in problems[0] and "t.yaml" in problems[0]


@pytest.mark.parametrize(("change", "field", "words"), [
    (("effective_to: 2026-02-23", "effective_to: 2025-01-01"), "ieepa-x",
     "before effective_from"),
    (("usmca: exempt_claimed", "usmca: partly"), "usmca", "exempt_claimed"),
    (("rate: 25%", "rate: 25"), "rate", "write '25%'"),
    (("partners: [MEX]", "partners: [Mexico]"), "partners", "pattern"),
    (("headings: [\"9903.01.01\"]", "headings: [\"9903.1.1\"]"), "headings", "pattern"),
    (("products: {everything: true}", "products: {}"), "products", "prefixes, lists"),
    (("stacking: residual", "stacking: residual\n    heading_rates: {\"9903.01.02\": 0%}"),
     "ieepa-x", "not under headings"),
])
def test_malformed_records_are_named(change: tuple[str, str], field: str, words: str) -> None:
    problems = _problems(HEAD + GOOD.replace(*change))
    assert problems, "expected an error"
    assert any("ieepa-x" in p and field in p and words in p for p in problems), problems


def test_a_missing_field_is_named() -> None:
    problems = _problems(HEAD + GOOD.replace("    usmca: exempt_claimed\n", ""))
    assert any("ieepa-x" in p and "'usmca'" in p and "Field required" in p for p in problems)


def test_duplicate_ids_and_undefined_lists_are_errors() -> None:
    dup = HEAD + GOOD + GOOD
    assert any("appears twice" in p for p in _problems(dup))
    bad_list = HEAD + GOOD.replace("{everything: true}", "{lists: [\"regime:nowhere\"]}")
    assert any("regime:nowhere" in p and "not defined" in p for p in _problems(bad_list))


def test_content_basis_needs_its_metal_and_not_modelled_needs_a_reason() -> None:
    no_metal = HEAD + GOOD.replace("stacking: residual",
                                   "stacking: metal\n    value_basis: metal_content")
    assert any("needs metal" in p for p in _problems(no_metal))
    silent = HEAD + GOOD.replace("stacking: residual", "stacking: residual\n    modelled: false")
    assert any("not_modelled_reason" in p for p in _problems(silent))


def test_not_yaml_and_wrong_top_level_are_errors() -> None:
    with pytest.raises(InputError, match="YAML"):
        parse_timeline("measures: [", source="t.yaml")
    problems = _problems(HEAD.replace("version: 1", "version: one") + GOOD)
    assert any("version" in p for p in problems)


def test_shipped_text_is_the_package_file() -> None:
    assert "ieepa-fentanyl-mx" in shipped_text()


SCENARIO = """
name: s
title: t
base:
  edition: 2026r10
  programs: [S, S+]
  source: usitc_dataweb
  years: [2026]
  reporters: [MEX]
  regime: 2026-11-30
regime_changes:
  add: [ieepa-fentanyl-mx]
  usmca: {s232-autos: none}
overlays: []
"""


def test_a_scenario_can_start_from_the_regime_and_change_it() -> None:
    from comexlab.tariffs.scenario import parse_scenario

    sc = parse_scenario(SCENARIO, source="s.yaml")
    assert sc.base.regime == dt.date(2026, 11, 30)
    assert sc.regime_changes.add == ("ieepa-fentanyl-mx",)
    changed = sc.regime_changes.apply(shipped_timeline(), dt.date(2026, 11, 30))
    assert changed.measure("ieepa-fentanyl-mx").active_on(dt.date(2026, 11, 30))
    assert changed.measure("s232-autos").usmca is Usmca.none
    # the shipped timeline itself is untouched
    assert not shipped_timeline().measure("ieepa-fentanyl-mx").active_on(dt.date(2026, 11, 30))


def test_regime_changes_need_a_regime_date_and_known_measures() -> None:
    from comexlab.tariffs.scenario import parse_scenario

    with pytest.raises(InputError) as err:
        parse_scenario(SCENARIO.replace("  regime: 2026-11-30\n", "")
                       .replace("ieepa-fentanyl-mx]", "ieepa-everything]"), source="s.yaml")
    texts = [p.render("en") for p in err.value.problems]
    assert any("needs base.regime" in p for p in texts)
    assert any("ieepa-everything" in p and "not a modelled measure" in p for p in texts)


def test_regime_changes_remove_add_and_retreat_measures_by_id() -> None:
    from comexlab.tariffs.regime.timeline import RegimeChanges

    late = GOOD.replace("ieepa-x", "later").replace("2025-03-07", "2027-01-01").replace(
        "2026-02-23", "null")
    third = GOOD.replace("ieepa-x", "third")
    tl = parse_timeline(HEAD + GOOD + late + third, source="t.yaml")
    day = dt.date(2026, 6, 1)
    # removing the first measure keeps the ones after it
    assert [m.id for m in RegimeChanges(remove=("ieepa-x",)).apply(tl, day).measures] == [
        "later", "third"]
    # adding a measure that starts later puts it in force from the regime's date, open-ended
    added = RegimeChanges(add=("later",)).apply(tl, day).measure("later")
    assert (added.effective_from, added.effective_to) == (day, None)
    assert added.active_on(day)
    # an ended measure added back keeps its first day
    back = RegimeChanges(add=("ieepa-x",)).apply(tl, day).measure("ieepa-x")
    assert (back.effective_from, back.effective_to) == (dt.date(2025, 3, 7), None)
    assert RegimeChanges().empty and not RegimeChanges(remove=("x",)).empty


def test_excluded_partners_are_not_covered_even_by_a_wildcard() -> None:
    text = HEAD + GOOD.replace("partners: [MEX]", 'partners: ["*"]\n    exclude_partners: [CAN]')
    m = parse_timeline(text, source="t.yaml").measure("ieepa-x")
    assert m.applies_to("MEX") and m.applies_to("CHN")
    assert not m.applies_to("CAN")


def test_an_unknown_measure_id_is_named() -> None:
    tl = parse_timeline(HEAD + GOOD, source="t.yaml")
    with pytest.raises(KeyError, match="no-such-measure"):
        tl.measure("no-such-measure")


def _raw_problems(text: str) -> list:
    with pytest.raises(InputError) as err:
        parse_timeline(text, source="t.yaml")
    return list(err.value.problems)


def test_cross_check_problems_name_file_field_and_value() -> None:
    dup = [p for p in _raw_problems(HEAD + GOOD + GOOD) if "appears twice" in p.message]
    assert [(p.file, p.field, p.value) for p in dup] == [("t.yaml", "id", "ieepa-x")]
    bad_list = HEAD + GOOD.replace("{everything: true}", "{lists: [\"regime:nowhere\"]}")
    (problem,) = _raw_problems(bad_list)
    assert (problem.file, problem.field, problem.value) == (
        "t.yaml", "products.lists", "regime:nowhere")
    assert problem.message == ("measure ieepa-x: list 'regime:nowhere' is not defined under "
                               "lists")
    # non-US content needs the documented US content share; exempt_claimed does not
    no_param = HEAD.replace("parameters:\n  usmca_us_content_share: {value: 0.4, description: d,"
                            " source: s}\n", "")
    assert parse_timeline(no_param + GOOD, source="t.yaml").parameters == {}
    vehicles = GOOD.replace("usmca: exempt_claimed", "usmca: non_us_content").replace(
        "stacking: residual", "stacking: heading")
    (problem,) = _raw_problems(no_param + vehicles)
    assert (problem.file, problem.field) == ("t.yaml", "parameters")
    assert problem.message == ("measure ieepa-x: usmca non_us_content needs the parameter "
                               "usmca_us_content_share")


def test_a_yaml_error_names_its_line() -> None:
    with pytest.raises(InputError) as err:
        parse_timeline("version: 1\nmeasures:\n  - id: [unclosed\n", source="t.yaml")
    (problem,) = err.value.problems
    assert (problem.file, problem.row) == ("t.yaml", 4)


@pytest.mark.parametrize(("rate", "words"), [
    ("2", "> 1"), ("1.5", "> 1"), ("25 percent", "must look like '25%'"),
    ("null", "valid number"),  # a blank rate is named, not a crash of the % check
])
def test_rates_are_percents_or_fractions_up_to_one(rate: str, words: str) -> None:
    problems = _problems(HEAD + GOOD.replace("rate: 25%", f"rate: {rate}"))
    assert any(words in p for p in problems), problems


@pytest.mark.parametrize("rate", ["0.5", "0.999", "1"])
def test_fractions_up_to_one_are_rates(rate: str) -> None:
    # 1 is a 100 % duty, not a percent typo
    text = HEAD + GOOD.replace("rate: 25%", f"rate: {rate}")
    assert parse_timeline(text, source="t.yaml").measure("ieepa-x").rate == float(rate)


def test_prefixes_may_be_written_with_dots_and_bad_ones_are_named() -> None:
    text = HEAD + GOOD.replace("{everything: true}", '{prefixes: ["8703.23", "7208"]}')
    assert parse_timeline(text, source="t.yaml").measure("ieepa-x").products.prefixes == (
        "870323", "7208")
    bad = HEAD + GOOD.replace("{everything: true}", '{prefixes: ["87a"]}')
    assert any("HTS prefix '87a' must be 2 to 10 digits" in p for p in _problems(bad))


def test_every_field_of_a_record_reaches_the_measure() -> None:
    text = HEAD + GOOD.replace("stacking: residual", """stacking: residual
    heading_rates: {"9903.01.01": 10%}
    exclude_partners: [CAN]
    note: |
      first line
      second   line""").replace("title: t", "title: Fentanyl IEEPA")
    m = parse_timeline(text, source="t.yaml").measure("ieepa-x")
    assert m.title == "Fentanyl IEEPA"
    assert m.heading_rates == {"9903.01.01": 0.10}
    assert m.exclude_partners == ("CAN",)
    assert m.note == "first line second line"  # whitespace of the YAML block collapsed
    metal = HEAD + GOOD.replace("stacking: residual", """stacking: metal
    value_basis: metal_content
    metal: copper
    modelled: false
    not_modelled_reason: |
      no   content
      data""").replace("usmca: exempt_claimed", "usmca: none")
    m = parse_timeline(metal, source="t.yaml").measures[0]
    assert (m.metal, m.modelled, m.not_modelled_reason) == ("copper", False, "no content data")


def test_file_level_errors_say_what_is_wrong_in_plain_words() -> None:
    with pytest.raises(InputError) as err:
        parse_timeline("version: 1\nmeasures:\n  - id: [unclosed\n", source="t.yaml")
    assert err.value.text("en") == ("the tariff timeline is not valid YAML: while parsing a "
                                    "flow sequence")
    with pytest.raises(InputError) as err:
        parse_timeline("- a\n- b\n", source="t.yaml")
    assert err.value.text("en") == "the tariff timeline is not valid YAML: not a mapping"
    (problem,) = err.value.problems
    assert (problem.file, problem.row) == ("t.yaml", None)
    with pytest.raises(InputError) as err:
        parse_timeline("version: one\neditions: []\nmeasures: [1]\n", source="t.yaml")
    assert err.value.text("en") == "the tariff timeline t.yaml has errors"
    assert [(p.file, p.field) for p in err.value.problems] == [
        ("t.yaml", "version"), ("t.yaml", "editions"), ("t.yaml", "measures.0")]
    assert err.value.problems[0].message.startswith("Input should be a valid integer")


def test_every_bad_record_is_reported_with_its_name_or_position() -> None:
    nameless = GOOD.replace("  - id: ieepa-x\n    title: t\n", "  - title: t\n")
    text = HEAD + GOOD.replace("rate: 25%", "rate: 25 percent") + nameless
    with pytest.raises(InputError) as err:
        parse_timeline(text, source="t.yaml")
    assert err.value.text("en") == "the tariff timeline t.yaml has errors"
    rendered = [(p.message.split(":")[0], p.row, p.field) for p in err.value.problems]
    # both records are reported (not only the last), the second by its position "#2"
    assert ("measure ieepa-x", 8, "rate") in rendered
    assert ("measure #2", 20, "id") in rendered  # GOOD is 12 lines long: 8 + 12


def test_editions_parameters_and_source_are_kept() -> None:
    tl = parse_timeline(HEAD.replace("description: d, source: s}",
                                     "description: \"US  share\", source: \"BEA\n  2024\"}")
                        + GOOD, source="mine.yaml")
    assert tl.source == "mine.yaml"
    assert tl.editions[0].source == "s"
    p = tl.parameters["usmca_us_content_share"]
    assert (p.name, p.value, p.description, p.source) == (
        "usmca_us_content_share", 0.4, "US share", "BEA 2024")
    assert shipped_timeline().source == "data/regime/measures.yaml"
