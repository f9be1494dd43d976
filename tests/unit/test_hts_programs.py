"""The shipped program table: complete for the codes the editions print, and well formed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pycountry
import pytest

import comexlab
from comexlab.errors import InputError
from comexlab.sources.usitc_hts import read_programs
from comexlab.tariffs.programs import KNOWN_PROGRAMS, programs_from_rows
from comexlab.tariffs.scenario import parse_scenario


def test_mexico_and_canada_programs_by_era() -> None:
    programs = read_programs()
    assert programs["MX"].agreement == "NAFTA" and programs["MX"].countries == ("MEX",)
    assert programs["CA"].agreement == "NAFTA" and programs["CA"].countries == ("CAN",)
    for code in ("S", "S+"):
        assert programs[code].agreement == "USMCA"
        assert set(programs[code].countries) == {"MEX", "CAN"}
    assert {programs[c].agreement for c in ("A", "A*", "A+")} == {"GSP"}


def test_every_country_is_an_iso3_code() -> None:
    for program in read_programs().values():
        for iso3 in program.countries:
            assert pycountry.countries.get(alpha_3=iso3) is not None, (program.program, iso3)
        assert program.name_en and program.name_es


def test_brief_codes_present() -> None:
    codes = set(read_programs())
    assert {"A", "A*", "A+", "AU", "B", "BH", "C", "CA", "CL", "CO", "D", "E", "E*", "IL", "J",
            "J*", "J+", "JO", "JP", "K", "KR", "L", "MA", "MX", "NP", "OM", "P", "P+", "PA",
            "PE", "R", "S", "S+", "SG"} <= codes


def test_program_rows_become_typed_programs() -> None:
    # the USMCA row of tariffs/data/programs.csv (HTS General Note 11)
    s = read_programs()["S"]
    assert (s.program, s.agreement, s.in_force, s.general_note) == ("S", "USMCA", "2020-", "GN 11")
    assert s.name("en") == "United States-Mexico-Canada Agreement"
    assert s.name() == s.name("es") == "Tratado entre México, Estados Unidos y Canadá (T-MEC)"
    row = {"program": " Q ", "name_en": "Q en", "name_es": "Q es", "agreement": "X",
           "countries": "MEX  CAN"}
    q = programs_from_rows([row])["Q"]  # optional columns missing or blank → None
    assert (q.program, q.countries, q.in_force, q.general_note) == ("Q", ("MEX", "CAN"), None,
                                                                    None)
    blank = programs_from_rows([{**row, "in_force": "  ", "general_note": ""}])["Q"]
    assert blank.in_force is None and blank.general_note is None


def test_a_program_listed_twice_is_a_data_bug() -> None:
    row = {"program": "S", "name_en": "a", "name_es": "b", "agreement": "c", "countries": ""}
    with pytest.raises(ValueError, match="'S' listed twice"):
        programs_from_rows([row, row])


def _csv_codes() -> set[str]:
    """The codes of tariffs/data/programs.csv, read straight from the file (independent of the
    package's own reader)."""
    path = Path(comexlab.__file__).parent / "tariffs" / "data" / "programs.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["program"].strip() for row in csv.DictReader(handle)}


def test_scenario_program_codes_are_the_program_table() -> None:
    # Issue 11: KNOWN_PROGRAMS used to be a second, hand-kept list that disagreed with the CSV
    # (it had 'N', which no edition prints, and lacked JP, NP and P+).
    assert set(KNOWN_PROGRAMS) == _csv_codes() == set(read_programs())
    assert {"JP", "NP", "P+"} <= KNOWN_PROGRAMS and "N" not in KNOWN_PROGRAMS


def test_program_codes_have_one_literal_source() -> None:
    # no module of the package spells the program list again (a frozenset of code literals)
    root = Path(comexlab.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if re.search(r'"S\+",\s*"MX"|"MX",\s*"CA",\s*"A"', p.read_text("utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("code", sorted(_csv_codes()))
def test_a_scenario_may_name_every_program_in_the_table(code: str) -> None:
    text = (f"name: p\ntitle: P\nbase: {{edition: 2026r10, programs: ['{code}'], "
            "source: usitc_dataweb, years: [2025], reporters: [MEX]}\n"
            "overlays:\n  - {type: linear_cut, cut: 10%}\n")
    assert parse_scenario(text).base.programs == (code,)


def test_a_scenario_naming_a_code_outside_the_table_is_refused() -> None:
    text = ("name: p\ntitle: P\nbase: {edition: 2026r10, programs: [N], "
            "source: usitc_dataweb, years: [2025], reporters: [MEX]}\n"
            "overlays:\n  - {type: linear_cut, cut: 10%}\n")
    with pytest.raises(InputError) as info:
        parse_scenario(text)
    assert "unknown program 'N'" in info.value.render("en")
