"""Product labels and the product search (pure rules in ``nomenclature.products``).

The names compared here are read from the official files and cited by file and row:
``comtrade_mexico_hs4/sa2_descriptions_es.csv`` (row 87 of the file: ``87,Vehículo``),
``sa4_descriptions_es.csv`` (row 1094: ``8703,Coches``), ``hs_nomenclature/harmonized-system.csv``
(row 6263: chapter 87, row 6287: subheading 870323) and ``usitc_hts/hts_2026_rev_10.json.gz``
(list items 28829 heading 8703, 28835 "Other vehicles, with only spark-ignition…", 28844
8703.23.01, 28846–28848 "Other:", "New:", "Having engines with not more than 4 cylinders:",
28852 8703.23.01.40 "Other"; items counted from 1).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from comexlab.errors import InputError
from comexlab.nomenclature.products import (
    MAX_QUERY,
    HtsPath,
    HtsRow,
    ProductNames,
    format_code,
    hts_paths,
    names_of,
    normalise,
    parse_query,
    product_label,
    search,
    search_entry,
    short_text,
)
from comexlab.services.products import check_query
from comexlab.sources.hs_names import hs_name_maps

HTS_2026 = "usitc_hts/hts_2026_rev_10.json.gz"


@pytest.fixture(scope="module")
def official(shared_file: Callable[[str], Path]) -> ProductNames:
    """Names from the official files: WCO HS, Comtrade ES and the 2026 Rev. 10 schedule."""
    rows = json.loads(gzip.decompress(shared_file(HTS_2026).read_bytes()))
    printed = [HtsRow(i, int(r["indent"]), r["htsno"].replace(".", "") or None, r["description"])
               for i, r in enumerate(rows, start=1)]
    english, spanish = hs_name_maps()
    return ProductNames(hs_en=english, hs_es=spanish, hts=hts_paths(printed))


def test_hs_levels_read_as_the_official_files_print_them(official: ProductNames) -> None:
    assert product_label("87", "es", official).text == "87 — Vehículo"  # sa2 row 87
    assert product_label("8703", "es", official).text == "8703 — Vehículo › Coches"  # sa4 1094
    en = product_label("870323", "en", official)
    assert en.parts[0].text == ("Vehicles; other than railway or tramway rolling stock, and "
                                "parts and accessories thereof")  # harmonized-system.csv 6263
    assert en.parts[-1].text == ("Vehicles; with only spark-ignition internal combustion "
                                 "reciprocating piston engine, cylinder capacity over 1500 but "
                                 "not over 3000cc")  # harmonized-system.csv row 6287
    assert not en.foreign


def test_a_us_line_reads_its_printed_parents_never_a_bare_other(official: ProductNames) -> None:
    label = product_label("8703230140", "es", official)
    assert label.text == (
        "8703.23.01.40 — Vehículo › Coches › Other vehicles, with only spark-ignition internal "
        "combustion piston engines › Of a cylinder capacity exceeding 1,500 cc but not "
        "exceeding 3,000 cc › Other › New › Having engines with not more than 4 cylinders › "
        "Other")
    assert [p.lang for p in label.parts] == ["es", "es", "en", "en", "en", "en", "en", "en"]
    assert label.foreign  # the notes must say the lower parts are English only
    # the split: item 28835 groups several subheadings; item 28844 is the 870323 row
    assert official.hts["8703230140"].above == (
        "Other vehicles, with only spark-ignition internal combustion piston engines:",)
    assert official.hts["8703230140"].subheading == (
        "Of a cylinder capacity exceeding 1,500 cc but not exceeding 3,000 cc",)


def test_the_issue_examples_get_code_and_path(official: ProductNames) -> None:
    # 'Exceeding 88 cm but not exceeding 113 cm' is item 27994 (8528.72.64.40)
    label = product_label("8528726440", "en", official)
    assert label.text.startswith("8528.72.64.40 — Electrical machinery")
    assert label.parts[-1].text == "Exceeding 88 cm but not exceeding 113 cm"
    assert len(label.parts) > 4
    # a DataWeb statistical suffix the edition does not print is named by its 8-digit line
    assert product_label("8703230199", "es", official).path == product_label(
        "87032301", "es", official).path


def test_spanish_subheading_replaces_the_schedule_subheading_only() -> None:
    names = ProductNames(
        hs_en={"87": "Vehicles", "8708": "Parts", "870840": "Gear boxes"},
        hs_es={"87": "Vehículos", "8708": "Partes", "870840": "Cajas de cambio y sus partes."},
        hts={"8708409000": HtsPath(("Other parts",), ("Gear boxes and parts thereof:",),
                                   ("Other", "New"))})
    es = product_label("8708409000", "es", names)
    assert es.path == "Vehículos › Partes › Cajas de cambio y sus partes. › Other › New"
    en = product_label("8708409000", "en", names)
    assert en.path == "Vehicles › Parts › Other parts › Gear boxes and parts thereof › Other › New"
    assert product_label("870840", "es", names).parts[-1].source == "siavi"


def test_odd_codes_keep_their_text_and_no_path() -> None:
    names = ProductNames(hs_en={"87": "Vehicles"})
    assert product_label("UNSPECIFIED", "es", names).text == "UNSPECIFIED"
    assert product_label("8799", "es", names).text == "8799 — Vehicles"  # EN stands in
    assert product_label("8799", "es", names).foreign


def test_hts_paths_split_at_the_row_covering_one_subheading() -> None:
    rows = [HtsRow(1, 0, "0101", "Horses:"), HtsRow(2, 1, None, "Horses:"),
            HtsRow(3, 2, "01012100", "Purebred breeding animals"),
            HtsRow(4, 3, "0101210010", "Males"), HtsRow(5, 2, "01012900", "Other"),
            HtsRow(6, 1, "01013000", "Asses")]
    paths = hts_paths(rows)
    assert paths["0101210010"] == HtsPath(("Horses:",), ("Purebred breeding animals",),
                                          ("Males",))
    assert paths["01013000"] == HtsPath((), ("Asses",), ())


@pytest.mark.parametrize(("code", "printed"), [
    ("87", "87"), ("8703", "8703"), ("870323", "8703.23"), ("87032301", "8703.23.01"),
    ("8703230140", "8703.23.01.40")])
def test_codes_are_printed_as_the_schedules_print_them(code: str, printed: str) -> None:
    assert format_code(code) == printed


# --------------------------------------------------------------------------- search

ENTRIES = [search_entry(code, level, names_of(code, NAMES))
           for code, level in (("87", "hs2"), ("8703", "hs4"), ("870323", "hs6"),
                               ("8703230140", "hts10"), ("5201", "hs4"))
           for NAMES in [ProductNames(
               hs_en={"87": "Vehicles", "8703": "Motor cars", "870323": "Cylinder over 1500cc",
                      "52": "Cotton", "5201": "Cotton, not carded"},
               hs_es={"87": "Vehículos", "8703": "Automóviles de turismo", "52": "Algodón",
                      "5201": "Algodón sin cardar"},
               hts={"8703230140": HtsPath((), ("Of a cylinder capacity exceeding 1,500 cc",),
                                          ("Other", "New_100%"))})]]


def _codes(text: str) -> list[str]:
    return [e.code for e in search(ENTRIES, parse_query(text))[0]]


def test_search_by_code_prefix_dotted_or_spaced() -> None:
    assert _codes("8703") == ["8703", "870323", "8703230140"]
    assert _codes("8703.23") == _codes(" 8703 23 ") == ["870323", "8703230140"]
    assert _codes("8703.23.01.40") == ["8703230140"]
    assert _codes("87032301401234") == []  # longer than any code: nothing, no error


def test_search_by_words_ignores_accents_and_case_in_both_languages() -> None:
    assert _codes("vehiculos") == _codes("VEHÍCULOS") == ["87", "8703", "870323", "8703230140"]
    assert _codes("algodon") == ["5201"]
    assert _codes("cotton carded") == ["5201"]
    assert _codes("automoviles cylinder") == ["870323", "8703230140"]  # every word must match
    assert _codes("vehic") == _codes("vehiculos")  # words match from their start
    assert _codes("automovil") == _codes("automóviles")  # plurals find the singular too


def test_plural_words_also_find_names_printed_in_the_singular() -> None:
    singular = [search_entry("87", "hs2", names_of("87", ProductNames(hs_es={"87": "Vehículo"})))]
    assert [e.code for e in search(singular, parse_query("vehiculos"))[0]] == ["87"]
    assert parse_query("motores camiones vehicles").words == ("motor", "camion", "vehicl")
    assert parse_query("gas").words == ("gas",)  # short words stay as typed


@pytest.mark.parametrize("text", ["", "   ", "%", "_", "%%", "' OR 1=1; --", "\x00", "…"])
def test_careless_or_hostile_text_finds_nothing_and_raises_nothing(text: str) -> None:
    query = parse_query(text)
    assert query.kind == "empty" or _codes(text) == [] or query.words == ("or", "1")


def test_wildcards_are_literal_characters_not_patterns() -> None:
    # 'New_100%' is in the index; '%' and '_' are punctuation, never 'any characters'
    assert _codes("new") == ["8703230140"]
    assert _codes("n%w") == []
    assert normalise("New_100%") == "new 100"


def test_query_length_is_bounded_and_named() -> None:
    assert check_query("  8703  ") == "8703"
    assert check_query("x" * MAX_QUERY) == "x" * MAX_QUERY
    with pytest.raises(InputError) as err:
        check_query("vehículos " * 1000)
    assert err.value.field == "q"
    assert len(parse_query("a b c d e f g h i j k").words) == 8  # only the first 8 words


def test_treemap_tiles_keep_code_heading_and_own_text() -> None:
    from comexlab.web.charts import _tile_name

    full = ("8703.23.01.40 — Vehículo › Coches › Other vehicles, with only spark-ignition "
            "internal combustion piston engines › Other")
    assert _tile_name(full) == "8703.23.01.40 Coches › Other"
    assert _tile_name("8703 — Vehículo › Coches") == "8703 Coches"
    assert _tile_name("Otros") == "Otros"
    assert len(_tile_name("8471.50.01.50 — A › B › " + "x" * 80)) == 50


def test_short_text_keeps_code_heading_and_last_two_levels() -> None:
    full = "8703.23.01.40 — Vehículo › Coches › A › B › New › Other"
    assert short_text(full) == "8703.23.01.40 — Coches › … › New › Other"
    assert short_text("8471.50.01.50 — Ch › Ordenadores › Processing units › Other") == (
        "8471.50.01.50 — Ordenadores › Processing units › Other")
    assert short_text("870323 — Vehículo › Coches › Vehicles; spark") == (
        "870323 — Coches › Vehicles; spark")
    assert short_text("8703 — Vehículo › Coches") == "8703 — Vehículo › Coches"
    assert short_text("Resto") == "Resto"
