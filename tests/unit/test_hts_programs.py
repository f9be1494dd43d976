"""The shipped program table: complete for the codes the editions print, and well formed."""

from __future__ import annotations

import pycountry
import pytest

from comexlab.sources.usitc_hts import read_programs
from comexlab.tariffs.programs import programs_from_rows


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
