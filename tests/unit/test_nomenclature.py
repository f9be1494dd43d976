"""Nomenclature: HS sections and rollups, countries (Spanish names, publisher codes), states."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comexlab.nomenclature import countries, hs, scian, states


def test_21_hs_sections_plus_national_chapters() -> None:
    secs = hs.sections()
    assert [s.number for s in secs] == list(range(1, 23))
    assert sum(s.hs for s in secs) == 21
    # every HS chapter 01-97 except the reserved 77 has exactly one section
    covered = [c for s in secs if s.hs for c in range(s.first_chapter, s.last_chapter + 1)]
    assert sorted(covered) == list(range(1, 98))


@pytest.mark.parametrize(
    ("code", "section", "name_es"),
    [
        ("8703230140", 17, "Material de transporte"),
        ("0101210010", 1, "Animales vivos y productos del reino animal"),
        ("847150", 16, None),
        ("7113", 14, None),
        ("15", 3, None),
        ("9701", 21, "Objetos de arte o colección y antigüedades"),
        ("9801001000", 22, None),
    ],
)
def test_section_of(code: str, section: int, name_es: str | None) -> None:
    sec = hs.section_of(code)
    assert sec.number == section
    if name_es:
        assert sec.name("es") == name_es


def test_section_names_english_and_spanish() -> None:
    sec16 = hs.section_by_number(16)
    assert sec16.roman == "XVI"
    assert sec16.name("en").startswith("Machinery and mechanical appliances")
    assert sec16.name("es").startswith("Máquinas y aparatos, material eléctrico")
    assert hs.section_by_number(17).name("es", short=True) == "Material de transporte"


def test_rollup_chain_of_an_hts10() -> None:
    code = "8703.23.01.40"
    assert [hs.rollup(code, lvl) for lvl in hs.ROLLUP_LEVELS] == [
        "8703230140", "87032301", "870323", "8703", "87", "17"]
    assert hs.chapter(code) == "87"
    assert hs.heading(code) == "8703"
    assert hs.subheading(code) == "870323"
    assert hs.level_of("870323") == "hs6"


def test_rollup_refuses_finer_level_and_bad_codes() -> None:
    with pytest.raises(ValueError, match="4 digits"):
        hs.rollup("8703", "hs6")
    with pytest.raises(ValueError, match="not an HS/HTS code"):
        hs.clean("87O3")
    with pytest.raises(ValueError, match="no HS section"):
        hs.section_of("0012")


@given(st.from_regex(r"\A(0[1-9]|[1-6][0-9]|7[0-68-9]|8[0-9]|9[0-7])[0-9]{8}\Z"))
def test_rollup_is_a_prefix_and_section_is_stable(code: str) -> None:
    parents = [hs.rollup(code, lvl) for lvl in ("hs8", "hs6", "hs4", "hs2")]
    for finer, coarser in zip([code, *parents], parents, strict=False):
        assert finer.startswith(coarser)
        assert hs.section_of(finer) == hs.section_of(coarser)


@pytest.mark.parametrize(
    ("iso3", "es", "en"),
    [("MEX", "México", "Mexico"), ("DEU", "Alemania", "Germany"),
     ("USA", "Estados Unidos", "United States"), ("JPN", "Japón", "Japan"),
     ("WLD", "Mundo", "World")],
)
def test_country_names(iso3: str, es: str, en: str) -> None:
    assert countries.country_name(iso3, "es") == es
    assert countries.country_name(iso3, "en") == en


def test_publisher_country_codes() -> None:
    assert countries.census_to_iso3("2010") == "MEX"
    assert countries.census_to_iso3(1220) == "CAN"
    assert countries.census_to_iso3("5830") == "TWN"
    assert countries.iso3_to_census("MEX") == "2010"
    assert countries.m49_to_iso3(484) == "MEX"
    assert countries.m49_to_iso3("842") == "USA"  # Comtrade's USA, not ISO 840
    assert countries.m49_to_iso3("0") == "WLD"
    assert countries.m49_to_iso3("490") == "TWN"
    assert countries.m49_to_iso3("156") == "CHN"
    assert countries.datamexico_to_iso3("usa") == "USA"
    for bad in (lambda: countries.census_to_iso3("9999"),
                lambda: countries.m49_to_iso3("x1"),
                lambda: countries.datamexico_to_iso3("zzz")):
        with pytest.raises(ValueError):
            bad()


def test_every_census_code_maps_to_a_named_country() -> None:
    for census in countries._census():
        iso3 = countries.census_to_iso3(census)
        assert countries.country_name(iso3, "es")


def test_32_states_with_codes_and_abbreviations() -> None:
    all_states = states.states()
    assert len(all_states) == 32
    assert [s.inegi for s in all_states] == [f"{i:02d}" for i in range(1, 33)]
    assert len({s.abbr for s in all_states}) == 32
    gto = states.state("GTO")
    assert (gto.inegi, gto.name, gto.reporter) == ("11", "Guanajuato", "MX-GTO")
    assert states.state(14).abbr == "JAL"
    assert states.state("MX-CDMX").name == "Ciudad de México"
    assert states.state("Quinta Roo").abbr == "QROO"  # EAEF file's spelling
    assert states.state("michoacan de ocampo").abbr == "MICH"
    assert states.is_state_reporter("MX-GTO") and not states.is_state_reporter("MEX")
    with pytest.raises(ValueError):
        states.state("Texas")


def test_scian_subsectors() -> None:
    assert scian.subsector("336").name("es") == "Fabricación de equipo de transporte"
    assert scian.subsector("336").name("en", short=True) == "Transport equipment"
    assert scian.scian3_of_naics("336111") == "336"
    assert scian.scian3_of_naics("980000") is None


def test_hs_names_come_from_the_official_files(data_dir) -> None:
    """The name table is read from the shared files, not shipped in the package."""
    from comexlab.sources.hs_names import name_table

    table = name_table(data_dir).fillna("")
    # PROVENANCE: 96 chapters in sa2_descriptions_es.csv, chapter 01 'Animales vivos'
    assert table.loc[table["code"] == "01", "name_es"].item() == "Animales vivos"
    assert table.loc[table["code"] == "27", "name_en"].item().startswith("Mineral fuels")
