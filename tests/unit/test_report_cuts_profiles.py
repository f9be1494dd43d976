"""Cut keys, cut labels and the choice of flow source, on hand-built rows (no warehouse).

Both modules were reached only through the warehouse's report services (integration tests);
these pin what a report shows when a row is tagged or a source is picked, from the published
nomenclatures: HS sections of the WCO Harmonized System (chapter 87 is in section XVII,
chapter 72 in XV, 98–99 are the national chapters the HTS files under XXII), SCIAN 2018
sectors of INEGI (31–33 is one sector, "Industrias manufactureras"; 11 agriculture; 21 mining).
"""

from __future__ import annotations

import pandas as pd
import pytest

from comexlab.reports import cuts, profiles
from comexlab.reports.exports import SourceProfile
from comexlab.reports.windows import Window

# --- cut keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("scian3", "sector"), [
    ("111", "11"), ("212", "21"), ("311", "31-33"), ("325", "31-33"), ("336", "31-33"),
    ("931", "931"),            # not one of the exporting sectors: keeps its own code
    ("TOTAL", "TOTAL"),        # not digits: unchanged
    ("UNSPECIFIED", "UNSPECIFIED"),
])
def test_scian_sector_of_a_subsector(scian3: str, sector: str) -> None:
    assert cuts.sector_of(scian3) == sector


def test_scian_rows_get_subsector_and_sector_and_totals_get_none() -> None:
    rows = pd.DataFrame({"product_code": ["336", "212", "TOTAL"], "value_usd": [5.0, 1.0, 9.0],
                         "is_total": [False, False, True]})
    out = cuts.add_cut_keys(rows, "SCIAN")
    assert out["product"].tolist()[:2] == ["336", "212"]
    assert out["subsector"].tolist()[:2] == ["336", "212"]
    assert out["sector"].tolist()[:2] == ["31-33", "21"]
    # the source's own total row carries no key, so it is never counted in a cut
    assert out.loc[2, ["product", "subsector", "sector"]].isna().all()
    assert "chapter" not in out and "section" not in out
    assert out["value_usd"].tolist() == [5.0, 1.0, 9.0]  # the rows themselves are kept


def test_hts_rows_get_chapter_and_roman_section() -> None:
    rows = pd.DataFrame({"product_code": ["8703230140", "7208390090", "9802000000", "0000000000",
                                          "TOTAL"],
                         "is_total": [False, False, False, False, True]})
    out = cuts.add_cut_keys(rows, "HTS")
    assert out["chapter"].tolist()[:4] == ["87", "72", "98", "00"]
    # 87 → XVII (vehicles), 72 → XV (base metals), 98 → XXII (national chapters);
    # chapter 00 belongs to no section: shown as unspecified, not dropped
    assert out["section"].tolist()[:4] == ["XVII", "XV", "XXII", cuts.UNSPECIFIED]
    assert out["product"].tolist()[:4] == ["8703230140", "7208390090", "9802000000",
                                           "0000000000"]
    assert out.loc[4, ["product", "chapter", "section"]].isna().all()
    assert "subsector" not in out and "sector" not in out


def test_numeric_product_codes_are_read_as_text() -> None:
    # HS6 codes read as integers still key by their digits (870323 → chapter 87)
    rows = pd.DataFrame({"product_code": [870323], "is_total": [False]})
    out = cuts.add_cut_keys(rows, "HS")
    assert (out.loc[0, "chapter"], out.loc[0, "section"], out.loc[0, "product"]) == (
        "87", "XVII", "870323")


# --- labels -----------------------------------------------------------------------------------


def test_labels_in_the_reader_language() -> None:
    assert cuts.labels_for("section", ["XVII", "XV"], "es") == {
        "XVII": "Material de transporte", "XV": "Metales comunes"}
    assert cuts.labels_for("section", ["XVII"], "en") == {"XVII": "Transport equipment"}
    assert cuts.labels_for("subsector", ["336"], "es") == {"336": "Equipo de transporte"}
    assert cuts.labels_for("subsector", ["336"], "en") == {"336": "Transport equipment"}
    assert cuts.labels_for("sector", ["31-33", "21"], "es") == {
        "31-33": "Industrias manufactureras", "21": "Minería"}
    assert cuts.labels_for("sector", ["31-33"], "en") == {"31-33": "Manufacturing"}
    assert cuts.labels_for("partner", ["DEU", "USA"], "es") == {
        "DEU": "Alemania", "USA": "Estados Unidos"}
    assert cuts.labels_for("partner", ["DEU"], "en") == {"DEU": "Germany"}


def test_unspecified_rows_are_labelled_in_every_cut() -> None:
    for cut in ("section", "subsector", "partner", "product"):
        assert cuts.labels_for(cut, [cuts.UNSPECIFIED], "es") == {
            cuts.UNSPECIFIED: "Subsectores no especificados"}
        assert cuts.labels_for(cut, [cuts.UNSPECIFIED], "en") == {
            cuts.UNSPECIFIED: "Unspecified subsectors"}


def test_unknown_codes_get_no_label_rather_than_a_wrong_one() -> None:
    assert cuts.labels_for("section", ["XXX"], "es") == {}
    assert cuts.labels_for("subsector", ["999"], "es") == {}
    assert cuts.labels_for("partner", ["XXX"], "es") == {}
    assert cuts.labels_for("product", ["8703230140"], "es") == {}


def test_product_labels_come_from_the_descriptions_given() -> None:
    desc = {"8703230140": "Motor cars, 1500–3000 cc"}
    got = cuts.labels_for("product", ["8703230140", "0101210010"], "es", products=desc)
    assert got == desc  # the code without a description is left out, not invented
    # numeric codes are looked up and keyed as text
    assert cuts.labels_for("chapter", [87], "es", products={"87": "Vehicles"}) == {
        "87": "Vehicles"}


def test_residual_labels() -> None:
    assert cuts.residual_labels("en") == {
        "OTHERS": "All others",
        "UNASSIGNED": "Not assigned (unspecified, suppressed cells, rounding)"}
    assert cuts.residual_labels("es") == {
        "OTHERS": "Resto",
        "UNASSIGNED": "No asignado (no especificado, celdas confidenciales, redondeo)"}


# --- source profiles --------------------------------------------------------------------------

YEAR = Window.parse("2018")
MONTHS = Window.parse("2025-01", "2025-03")
DM, EEF, EAEF = (profiles.PROFILES[n] for n in (profiles.DATAMEXICO, profiles.INEGI_EEF,
                                                 profiles.INEGI))
DW, CT, EST = (profiles.PROFILES[n] for n in (profiles.DATAWEB, profiles.COMTRADE,
                                               profiles.STATE_ESTIMATED))
MONTHS_2018 = tuple(f"2018-{m:02d}" for m in range(1, 13))


def test_a_source_answers_only_its_reporter_level() -> None:
    assert profiles.can_answer(EEF, reporter_level="state", window=YEAR, partner=None)
    assert not profiles.can_answer(EEF, reporter_level="country", window=YEAR, partner=None)
    assert not profiles.can_answer(DW, reporter_level="state", window=YEAR, partner=None)


def test_an_annual_source_cannot_answer_a_monthly_window() -> None:
    assert not profiles.can_answer(EEF, reporter_level="state", window=MONTHS, partner=None)
    assert profiles.can_answer(DM, reporter_level="state", window=MONTHS, partner=None)
    assert profiles.can_answer(DM, reporter_level="state", window=YEAR, partner=None)


@pytest.mark.parametrize(("profile", "partner", "ok"), [
    (DM, "DEU", True),     # DataMéxico has destinations
    (DM, "USA", True),
    (EEF, "USA", False),   # INEGI: world totals only
    (DW, "USA", True),     # DataWeb: US imports, so the partner can only be the US
    (DW, "DEU", False),
    (CT, "DEU", True),
])
def test_partner_requests_need_a_source_with_destinations(profile: SourceProfile, partner: str,
                                                         ok: bool) -> None:
    level = profile.reporter_level
    assert profiles.can_answer(profile, reporter_level=level, window=YEAR, partner=partner) is ok


def test_a_monthly_source_covers_a_year_only_with_its_twelve_months() -> None:
    assert profiles.periods_needed(DM, YEAR) == MONTHS_2018
    assert profiles.periods_needed(EEF, YEAR) == ("2018",)
    assert profiles.periods_needed(DM, MONTHS) == ("2025-01", "2025-02", "2025-03")
    assert profiles.covers(DM, YEAR, (*MONTHS_2018, "2019-01"))
    assert not profiles.covers(DM, YEAR, MONTHS_2018[:-1])  # December missing
    assert not profiles.covers(DM, YEAR, ("2018",))
    assert profiles.covers(EEF, YEAR, ("2017", "2018"))
    assert not profiles.covers(EEF, YEAR, ())


def test_allocation_shares_come_from_the_newest_inegi_package_loaded() -> None:
    assert profiles.inegi_for_shares(["inegi_eaef", "inegi_eef"]) == "inegi_eef"
    assert profiles.inegi_for_shares(["usitc_dataweb", "inegi_eaef"]) == "inegi_eaef"
    assert profiles.inegi_for_shares(["usitc_dataweb"]) is None


def test_report_source_preference_for_a_state() -> None:
    def choose(loaded: dict[str, tuple[str, ...]], **kw: object) -> str | None:
        args = {"reporter_level": "state", "window": YEAR, "partner": None, **kw}
        got = profiles.choose(loaded, **args)  # type: ignore[arg-type]
        return None if got is None else got.source

    everything = {"datamexico": MONTHS_2018, "inegi_eef": ("2018",), "inegi_eaef": ("2018",),
                  "state_estimated": MONTHS_2018}
    assert choose(everything) == "datamexico"  # real HS6 state data first
    # DataMéxico missing a month: the newer INEGI package, then the older one
    partial = {**everything, "datamexico": MONTHS_2018[:11]}
    assert choose(partial) == "inegi_eef"
    assert choose({**partial, "inegi_eef": ("2019",)}) == "inegi_eaef"
    # a destination rules INEGI out; the estimate only when the user allows it
    assert choose(partial, partner="USA") is None
    assert choose(partial, partner="USA", allow_estimated=True) == "state_estimated"
    # --source forces one source, estimated ones included, if it fits and covers
    assert choose(everything, only="state_estimated") == "state_estimated"
    assert choose(everything, only="inegi_eaef") == "inegi_eaef"
    assert choose(everything, only="usitc_dataweb") is None  # country source, state request
    assert choose(everything, only="nonsense") is None
    assert choose({}) is None


def test_report_source_preference_for_a_country() -> None:
    def choose(loaded: dict[str, tuple[str, ...]], partner: str | None) -> str | None:
        got = profiles.choose(loaded, reporter_level="country", window=MONTHS, partner=partner)
        return None if got is None else got.source

    q1 = ("2025-01", "2025-02", "2025-03")
    assert choose({"usitc_dataweb": q1, "comtrade": q1}, "USA") == "usitc_dataweb"
    assert choose({"usitc_dataweb": q1, "comtrade": q1}, "DEU") is None  # Comtrade is annual
    assert choose({"usitc_dataweb": q1[:2]}, None) is None
