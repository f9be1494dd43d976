"""Pure registry rules: RFC validation, size classes, certificate status, gaps, reference data."""

from __future__ import annotations

import string
from datetime import date, timedelta

import pytest
import stdnum.mx.rfc as stdnum_rfc
from hypothesis import given
from hypothesis import strategies as st

from comexlab.registry import cells, reference
from comexlab.supply.certification import (
    CertStatus,
    Requirement,
    best_status,
    cert_status,
    certification_gap,
)
from comexlab.supply.processes import processes, processes_for_hs
from comexlab.supply.rfc import (
    Persona,
    check_digit,
    make_rfc,
    normalize_rfc,
    parse_rfc,
    rfc_problems,
)
from comexlab.supply.size import Activity, SizeClass, size_class

TODAY = date(2026, 11, 25)


# -- RFC ------------------------------------------------------------------------------------

# Examples from python-stdnum's documentation of stdnum.mx.rfc (an independent implementation).
@pytest.mark.parametrize("text, persona", [
    ("MAB-930714-8T4", Persona.moral),
    ("GODE 561231 GR8", Persona.fisica),
])
def test_known_rfcs_are_valid_and_pass_the_check_digit(text: str, persona: Persona) -> None:
    rfc = parse_rfc(text, strict=True)
    assert rfc.persona is persona
    assert rfc.check_digit_ok


def test_moral_date_is_read_with_the_century_that_makes_it_exist() -> None:
    assert parse_rfc("MAB9307148T4", today=TODAY).registered_on == date(1993, 7, 14)
    assert parse_rfc("MAB2307148T4", today=TODAY).registered_on == date(2023, 7, 14)
    assert parse_rfc("AAA000229AB3").registered_on == date(2000, 2, 29)


def test_wrong_check_digit_is_only_an_error_when_strict() -> None:
    # stdnum's doctest: VACE460910SX6 is in circulation with an invalid check digit.
    assert rfc_problems("VACE460910SX6") == []
    assert "check digit" in rfc_problems("VACE460910SX6", strict=True)[0]


@pytest.mark.parametrize("text, fragment", [
    ("MAB9307148T", "12 (persona moral) or 13"),
    ("MA19307148T4", "must be letters"),
    ("MAB9313148T4", "not a valid YYMMDD"),
    ("MAB9302308T4", "not a valid YYMMDD"),
    ("MAB930714OT4", "homoclave"),
    ("MAB9307148TB", "homoclave"),
    ("XAXX010101000", "generic RFC"),
])
def test_malformed_rfcs_say_what_is_wrong(text: str, fragment: str) -> None:
    problems = rfc_problems(text)
    assert problems and fragment in " ".join(problems)


_LETTERS = st.text(alphabet=string.ascii_uppercase + "Ñ&", min_size=3, max_size=4)
_HOMO = st.text(alphabet="123456789ABCDEFGHIJKLMNPQRSTUVWXYZ", min_size=2, max_size=2)
_DATES = st.dates(min_value=date(1930, 1, 1), max_value=date(2029, 12, 31))


@given(_LETTERS, _DATES, _HOMO)
def test_built_rfcs_validate_strictly_and_match_stdnum(letters: str, day: date,
                                                       homo: str) -> None:
    rfc = make_rfc(letters, day, homo)
    assert rfc_problems(rfc, strict=True) == []
    assert check_digit(rfc[:-1]) == stdnum_rfc.calc_check_digit(rfc[:-1])
    assert parse_rfc(rfc).registered_on.strftime("%y%m%d") == day.strftime("%y%m%d")


@given(_LETTERS, _DATES, _HOMO, st.sampled_from("0123456789A"))
def test_any_other_check_digit_fails_strict_validation(letters: str, day: date, homo: str,
                                                       digit: str) -> None:
    rfc = make_rfc(letters, day, homo)
    tampered = rfc[:-1] + digit
    assert (rfc_problems(tampered, strict=True) == []) == (digit == rfc[-1])


@given(st.text(max_size=20))
def test_validation_never_crashes_and_normalising_is_idempotent(text: str) -> None:
    assert isinstance(rfc_problems(text), list)
    assert normalize_rfc(normalize_rfc(text)) == normalize_rfc(text)


# -- size classes (DOF 30/06/2009) ----------------------------------------------------------

@pytest.mark.parametrize("activity, employees, expected", [
    (Activity.industry, 0, SizeClass.micro), (Activity.industry, 10, SizeClass.micro),
    (Activity.industry, 11, SizeClass.small), (Activity.industry, 50, SizeClass.small),
    (Activity.industry, 51, SizeClass.medium), (Activity.industry, 250, SizeClass.medium),
    (Activity.industry, 251, SizeClass.large),
    (Activity.commerce, 10, SizeClass.micro), (Activity.commerce, 11, SizeClass.small),
    (Activity.commerce, 30, SizeClass.small), (Activity.commerce, 31, SizeClass.medium),
    (Activity.commerce, 100, SizeClass.medium), (Activity.commerce, 101, SizeClass.large),
    (Activity.services, 50, SizeClass.small), (Activity.services, 51, SizeClass.medium),
    (Activity.services, 100, SizeClass.medium), (Activity.services, 101, SizeClass.large),
])
def test_size_class_boundaries(activity: Activity, employees: int, expected: SizeClass) -> None:
    assert size_class(employees, activity) is expected


_ORDER = list(SizeClass)


@given(st.integers(0, 5000), st.integers(0, 5000), st.sampled_from(list(Activity)))
def test_size_class_never_shrinks_as_employees_grow(a: int, b: int, activity: Activity) -> None:
    lo, hi = sorted((a, b))
    assert _ORDER.index(size_class(lo, activity)) <= _ORDER.index(size_class(hi, activity))


def test_negative_employees_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        size_class(-1)


# -- certificates and gaps ------------------------------------------------------------------


@pytest.mark.parametrize("offset, expected", [
    (-1, CertStatus.expired), (0, CertStatus.expiring), (90, CertStatus.expiring),
    (91, CertStatus.valid),
])
def test_cert_status_boundaries(offset: int, expected: CertStatus) -> None:
    assert cert_status(TODAY + timedelta(days=offset), TODAY, within_days=90) is expected


def test_best_status_prefers_the_current_certificate() -> None:
    assert best_status([CertStatus.expired, CertStatus.valid]) is CertStatus.valid
    assert best_status([]) is None


def test_automotive_gap_names_iatf_when_only_iso9001_is_held() -> None:
    gap = certification_gap("automotive", reference.requirements(),
                            {"ISO9001": CertStatus.valid})
    assert gap.required == ("ISO9001", "IATF16949")
    assert gap.missing == ("IATF16949",)
    assert not gap.ready


def test_iatf_alone_covers_iso9001_because_it_contains_it() -> None:
    gap = certification_gap("automotive", reference.requirements(),
                            {"IATF16949": CertStatus.expiring}, reference.includes())
    assert gap.missing == () and gap.held == ("ISO9001", "IATF16949")
    assert gap.expiring == ("ISO9001", "IATF16949")


def test_expired_certificate_counts_as_missing() -> None:
    reqs = [Requirement("medical", "ISO13485", "required", "x")]
    gap = certification_gap("medical", reqs, {"ISO13485": CertStatus.expired})
    assert gap.missing == ("ISO13485",) and gap.expired == ("ISO13485",)


# -- reference data -------------------------------------------------------------------------

def test_process_taxonomy_is_consistent() -> None:
    table = processes()
    assert {"stamping", "mold_fabrication", "mold_maintenance", "plastic_injection",
            "lamination", "die_cutting", "machining", "casting", "forging", "heat_treatment",
            "surface_treatment", "welding", "wire_harness", "pcb_assembly"} <= set(table)
    for p in table.values():
        assert p.name_en and p.name_es
        assert all(len(c) == 2 and c.isdigit() for c in p.hs_chapters), p.code
        assert all(len(h) == 4 and h[:2] in p.hs_chapters for h in p.hs_headings), p.code


def test_processes_for_an_auto_part_include_stamping() -> None:
    assert "stamping" in {p.code for p in processes_for_hs("8708.29")}


def test_reference_tables_agree_with_each_other() -> None:
    assert len(reference.states()) == 32 and reference.states()["14"] == "Jalisco"
    for r in reference.requirements():
        assert r.sector in reference.sectors() and r.standard in reference.standards()
        assert r.level in ("required", "recommended") and r.source
    assert reference.standard_code("ISO 9001") == "ISO9001"
    assert reference.standard_code("iatf-16949") == "IATF16949"
    assert reference.standard_code("ISO 9999") is None


@pytest.mark.parametrize("code, ok", [("01", True), ("32", True), ("33", False), ("1", False)])
def test_state_codes(code: str, ok: bool) -> None:
    assert (reference.state_problem(code) is None) is ok


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-31", date(2026, 3, 31)), ("31/03/2026", date(2026, 3, 31)),
])
def test_dates_in_iso_and_mexican_order(raw: str, expected: date) -> None:
    assert cells.as_date(raw) == expected


def test_cells_accept_spanish_yes_and_excel_numbers() -> None:
    assert cells.as_bool("Sí") is True and cells.as_bool("no") is False
    assert cells.as_int(12.0) == 12 and cells.as_int("1,250") == 1250
    assert cells.state(cells.as_text(1.0)) == "01"
    assert cells.countries(["us", "CAN"]) == ["CAN", "USA"]
    with pytest.raises(cells.CellError):
        cells.as_int("many")
