"""The shipped program table: complete for the codes the editions print, and well formed."""

from __future__ import annotations

import pycountry

from comexlab.sources.usitc_hts import read_programs


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
