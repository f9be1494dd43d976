"""Rate parser: real texts from the three USITC editions, and invariants with hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comexlab.tariffs.rate_parser import normalize, parse_rate, parse_special
from comexlab.tariffs.rates import AdValoremDuty, Rate, RateKind, SpecificDuty

# (text as printed in the files, kind, ad valorem fraction, specific components)
REAL = [
    ("Free", RateKind.free, 0.0, ()),
    ("2.5%", RateKind.ad_valorem, 0.025, ()),
    ("6.5% ", RateKind.ad_valorem, 0.065, ()),                      # trailing blank, 2026
    ("25%", RateKind.ad_valorem, 0.25, ()),
    ("33 1/3%", RateKind.ad_valorem, 1 / 3, ()),                    # column 2, all editions
    ("4.4¢/kg", RateKind.specific, None, (SpecificDuty(0.044, "kg"),)),
    ("$1.035/kg", RateKind.specific, None, (SpecificDuty(1.035, "kg"),)),
    ("0.9¢/kg + 3%", RateKind.compound, 0.03, (SpecificDuty(0.009, "kg"),)),
    ("$1.035/kg +13.6%", RateKind.compound, 0.136, (SpecificDuty(1.035, "kg"),)),
    ("23.7¢/pf.liter", RateKind.specific, None, (SpecificDuty(0.237, "pf.liter"),)),
    ("$1.32/pf. Liter", RateKind.specific, None, (SpecificDuty(1.32, "pf.liter"),)),
    ("18.7¢/clean kg", RateKind.specific, None, (SpecificDuty(0.187, "clean kg"),)),
    ("0.9¢ each", RateKind.specific, None, (SpecificDuty(0.009, "each"),)),
    ("2.8¢/doz.", RateKind.specific, None, (SpecificDuty(0.028, "doz"),)),
    ("14.5¢/m2 + 0.4%", RateKind.compound, 0.004, (SpecificDuty(0.145, "m2"),)),
    ("90¢/pr. + 37.5%", RateKind.compound, 0.375, (SpecificDuty(0.9, "pr"),)),
    ("$1.13/m3", RateKind.specific, None, (SpecificDuty(1.13, "m3"),)),
    ("10.5¢/bbl", RateKind.specific, None, (SpecificDuty(0.105, "bbl"),)),
    ("38.4¢/1000", RateKind.specific, None, (SpecificDuty(0.384, "1000"),)),
    ("3.7¢/kg on drained weight", RateKind.specific, None,
     (SpecificDuty(0.037, "kg", "on drained weight"),)),
    ("2.6¢/kg ,", RateKind.specific, None, (SpecificDuty(0.026, "kg"),)),   # 2013 stray comma
    ("36¢ each + 5.6% + 2¢/jewel", RateKind.compound, 0.056,
     (SpecificDuty(0.36, "each"), SpecificDuty(0.02, "jewel"))),
    ("0.7¢/kg on copper content + 0.7¢/kg on lead content", RateKind.specific, None,
     (SpecificDuty(0.007, "kg", "on copper content"),
      SpecificDuty(0.007, "kg", "on lead content"))),
]


@pytest.mark.parametrize(("text", "kind", "adv", "specific"), REAL)
def test_real_texts(text: str, kind: RateKind, adv: float | None,
                    specific: tuple[SpecificDuty, ...]) -> None:
    rate = parse_rate(text)
    assert rate.kind is kind
    assert rate.text == text
    if adv is None:
        assert rate.ad_valorem is None
    else:
        assert rate.ad_valorem == pytest.approx(adv)
    assert rate.specific == specific


def test_parts_of_the_value_are_kept_apart() -> None:
    rate = parse_rate("30¢ each + 6.9% on the case + 5.3% on the battery")  # 9105.11.80 (2026)
    assert rate.kind is RateKind.compound
    assert rate.ad_valorem_parts == (AdValoremDuty(0.069, "on the case"),
                                     AdValoremDuty(0.053, "on the battery"))
    assert rate.on_part_of_value
    lead = parse_rate("2.5% on the value of the lead content")
    assert lead.ad_valorem == 0.025 and lead.ad_valorem_parts[0].basis is not None


def test_chapter99_additional_duty_and_references() -> None:
    add = parse_rate("The duty provided in the applicable subheading + 25%")
    assert add.kind is RateKind.ad_valorem and add.ad_valorem == 0.25
    assert add.base == "applicable subheading" and add.is_additional
    minus = parse_rate("The duty rate provided in such subheading minus 0.5%")
    assert minus.ad_valorem == pytest.approx(-0.005)
    assert parse_rate("The duty provided in the applicable subheading").kind is RateKind.reference
    assert parse_rate("No change").kind is RateKind.reference
    juice = parse_rate("The rate applicable to the natural juice in heading 2009")
    assert juice.kind is RateKind.reference and "natural juice" in (juice.base or "")
    assert parse_rate("See 9822.05.20").base == "9822.05.20"


def test_sugar_polarity_scale() -> None:
    text = ("3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of "
            "a degree in proportion) but not less than 3.143854¢/kg")
    rate = parse_rate(text)
    assert rate.kind is RateKind.specific and rate.rule == "per_degree"
    assert rate.specific[0].amount == pytest.approx(0.036606)


def test_mixed_and_range_forms() -> None:
    greater = parse_rate("the greater of 5% or 2¢/kg")
    assert greater.kind is RateKind.mixed and greater.rule == "greater"
    assert greater.ad_valorem == 0.05 and greater.specific == (SpecificDuty(0.02, "kg"),)
    floor = parse_rate("25%, but not less than 2¢/kg")
    assert floor.kind is RateKind.mixed and floor.rule == "minimum"
    rng = parse_rate("Free-6.5%")
    assert rng.ad_valorem == 0.0 and rng.range_high == 0.065


def test_free_with_condition_and_footnote_marker() -> None:
    bond = parse_rate("Free, under bond, as prescribed in U.S. note 1 to this subchapter")
    assert bond.is_free and bond.note and "under bond" in bond.note
    assert parse_rate("2.5% 1/").ad_valorem == 0.025


@pytest.mark.parametrize("text", ["kg", "Free (A,BH,CA,", "ree", "35.9 10%", "6.6¢/kg +"])
def test_broken_2013_texts_are_unparsed_not_guessed(text: str) -> None:
    rate = parse_rate(text)
    assert rate.kind is RateKind.unparsed and not rate.parsed and rate.text == text


def test_blank() -> None:
    assert parse_rate("").kind is RateKind.blank
    assert parse_rate("\n").kind is RateKind.blank


# --- special column --------------------------------------------------------------------------
def test_special_list_of_programs() -> None:
    pairs = parse_special("Free (A+,AU,BH,CA,CL,CO,D,E,IL,JO,KR,MA,MX,OM,P,PA,PE,SG)")
    assert [p for p, _ in pairs] == ["A+", "AU", "BH", "CA", "CL", "CO", "D", "E", "IL", "JO",
                                     "KR", "MA", "MX", "OM", "P", "PA", "PE", "SG"]
    assert all(r.is_free for _, r in pairs)


def test_special_multi_rate_and_see() -> None:
    text = "Free (A*,CA,MX) 1.2% (AU) See 9823.01.01-9823.01.07 (S+)"
    pairs = dict(parse_special(text))
    assert pairs["A*"].is_free and pairs["MX"].is_free
    assert pairs["AU"].ad_valorem == 0.012
    assert pairs["S+"].kind is RateKind.reference
    assert pairs["S+"].base == "9823.01.01-9823.01.07"


def test_special_with_parenthesis_inside_the_rate() -> None:
    text = ("Free (A*,CA) 0.7¢/kg less 0.01¢/kg for each degree under 100 degrees (and "
            "fractions of a degree in proportion) but not less than 0.4¢/kg (AU)")
    pairs = dict(parse_special(text))
    assert pairs["AU"].rule == "per_degree" and pairs["AU"].specific[0].amount == 0.007


def test_special_glued_codes_are_split_with_known_programs() -> None:
    known = {"OM", "P", "PA", "PE", "SG", "BH"}
    pairs = parse_special("Free (BH,OMP,PA,PESG)", known)        # 2013 source typos
    assert [p for p, _ in pairs] == ["BH", "OM", "P", "PA", "PE", "SG"]


def test_special_2013_markers_ignored() -> None:
    pairs = dict(parse_special("Free (JO,MX) $1.96/kg (KR) $2.269/kg (P)(s) See 9908.04.05 (IL)"))
    assert pairs["P"].specific[0].amount == 2.269 and pairs["IL"].kind is RateKind.reference


def test_special_leftover_is_kept_unparsed() -> None:
    pairs = parse_special("Free (AU,BH) 6.8% (AU")
    assert pairs[-1][0] is None and not pairs[-1][1].parsed


# --- invariants ------------------------------------------------------------------------------
percent = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False)
units = st.sampled_from(["kg", "liter", "pf.liter", "doz.", "m2", "clean kg", "t", "bbl"])


@given(p=percent)
def test_percent_becomes_fraction(p) -> None:  # type: ignore[no-untyped-def]
    text = f"{p.normalize():f}%"
    assert parse_rate(text).ad_valorem == pytest.approx(float(p) / 100)


@given(c=percent, unit=units)
def test_cents_become_dollars(c, unit: str) -> None:  # type: ignore[no-untyped-def]
    rate = parse_rate(f"{c.normalize():f}¢/{unit}")
    assert rate.kind is RateKind.specific
    assert rate.specific[0].amount == pytest.approx(float(c) / 100)


@given(c=percent, p=percent, unit=units)
def test_compound_has_both_parts(c, p, unit: str) -> None:  # type: ignore[no-untyped-def]
    rate = parse_rate(f"{c.normalize():f}¢/{unit} + {p.normalize():f}%")
    assert rate.kind is RateKind.compound
    assert rate.ad_valorem == pytest.approx(float(p) / 100)
    assert rate.specific[0].amount == pytest.approx(float(c) / 100)


@given(st.text(max_size=60))
def test_never_raises_and_keeps_text(text: str) -> None:
    rate = parse_rate(text)
    assert rate.text == text


@given(p=percent, pad=st.sampled_from(["", " ", "  ", "\xa0", "\n"]))
def test_layout_whitespace_does_not_change_the_rate(p, pad: str) -> None:  # type: ignore[no-untyped-def]
    text = f"{p.normalize():f}%"
    assert parse_rate(pad + text + pad).ad_valorem == parse_rate(text).ad_valorem
    assert normalize(pad + text + pad) == text


# Texts copied from the general (column 1) rate of USITC HTS 2026 Revision 10
# (usitc_hts/hts_2026_rev_10.json.gz); the expected fractions are the printed percentages / 100.
WATCH_9101_11_40 = "51¢ each + 6.25% on the case and strap, band or bracelet + 5.3% on the battery"
CLOCK_9105_11_80 = "30¢ each + 6.9% on the case + 5.3% on the battery"


@pytest.mark.parametrize(("text", "first", "last"), [
    (WATCH_9101_11_40, 0.0625, 0.053),
    (CLOCK_9105_11_80, 0.069, 0.053),
])
def test_compound_ad_valorem_is_the_first_printed_part(text: str, first: float,
                                                       last: float) -> None:
    # The AVE reads ``ad_valorem``: it must be the first percentage printed (6.25 % / 6.9 %),
    # not the battery's 5.3 % that comes last (issue 11: 0.069 → 0.053 went unnoticed).
    rate = parse_rate(text)
    assert rate.kind is RateKind.compound
    assert rate.ad_valorem == first
    assert [p.rate for p in rate.ad_valorem_parts] == [first, last]
    assert rate.specific[0].unit == "each"


def test_not_less_than_is_a_floor_and_not_more_than_a_cap() -> None:
    floor = parse_rate("25% but not less than 4¢/kg")
    cap = parse_rate("25% but not more than 4¢/kg")
    assert (floor.kind, floor.rule, floor.ad_valorem) == (RateKind.mixed, "minimum", 0.25)
    assert (cap.kind, cap.rule) == (RateKind.mixed, "maximum")
    assert floor.specific == cap.specific == (SpecificDuty(0.04, "kg"),)


def test_two_specific_parts_are_both_kept() -> None:
    # 2620.19.60 (2026r10): "0.7¢/kg on copper content + 0.7¢/kg on lead content"
    rate = parse_rate("0.7¢/kg on copper content + 0.7¢/kg on lead content")
    assert rate.kind is RateKind.specific and rate.ad_valorem is None
    assert [(d.amount, d.basis) for d in rate.specific] == [
        (0.007, "on copper content"), (0.007, "on lead content")]


@pytest.mark.parametrize(("text", "kind", "base", "note"), [
    # chapter 99 and references: "such subheading" is the applicable one, as in USITC's usage
    ("The duty provided in such subheading + 25%", RateKind.ad_valorem,
     "applicable subheading", None),
    ("The duty provided in the applicable subheading", RateKind.reference,
     "applicable subheading", None),
    ("No change", RateKind.reference, "underlying subheading", None),
])
def test_bases_and_notes_are_kept_with_the_printed_text(text: str, kind: RateKind,
                                                          base: str | None,
                                                          note: str | None) -> None:
    rate = parse_rate(text)
    assert (rate.kind, rate.text, rate.base, rate.note) == (kind, text, base, note)


def test_plate_proviso_is_a_note_of_a_compound_rate() -> None:
    # 9110.90.40 (HTS 2026r10), general column, printed as is
    text = ("4.3% + 1.7¢/jewel + 0.2¢ for each other piece or part, but if consisting in part of "
            "a plate or a set of plates the total duty shall not exceed the duty for the "
            "complete movement")
    rate = parse_rate(text)
    assert (rate.kind, rate.text, rate.ad_valorem) == (RateKind.compound, text, 0.043)
    assert rate.specific == (SpecificDuty(0.017, "jewel"), SpecificDuty(0.002, "piece"))
    assert rate.note is not None and rate.note.startswith("but if consisting in part of a plate")


def test_thousands_separators_plus_and_per_piece_parts() -> None:
    assert parse_rate("$1,000 each").specific == (SpecificDuty(1000.0, "each"),)
    plus = parse_rate("5% plus 2¢/kg")
    assert plus.kind is RateKind.compound and plus.ad_valorem == 0.05
    assert plus.specific == (SpecificDuty(0.02, "kg"),)
    parts = parse_rate("1¢ each + 2¢ for each other piece or part")
    assert parts.specific == (SpecificDuty(0.01, "each"), SpecificDuty(0.02, "piece"))
    higher = parse_rate("the higher of 5% or 2¢/kg")
    assert (higher.kind, higher.rule, higher.text) == (RateKind.mixed, "greater",
                                                       "the higher of 5% or 2¢/kg")


# --- exact Rate values of the remaining shapes (mutation testing, issue 11) -------------------

def test_a_part_qualifier_loses_its_trailing_comma() -> None:
    rate = parse_rate("4.5% on the case, + 30¢ each")
    assert rate.ad_valorem_parts == (AdValoremDuty(0.045, "on the case"),)
    assert rate.specific == (SpecificDuty(0.30, "each"),)
    assert rate.note is None  # a plain compound rate carries no note


@pytest.mark.parametrize("text", ["The greater of 5% or see note",
                                  "5%, but not less than see note"])
def test_an_alternative_with_a_side_not_understood_is_not_guessed(text: str) -> None:
    assert parse_rate(text) == Rate(text=text, kind=RateKind.unparsed)


def test_bounded_rates_keep_their_printed_text() -> None:
    text = "25%, but not less than 3¢/kg"
    assert parse_rate(text) == Rate(text=text, kind=RateKind.mixed, ad_valorem=0.25,
                                    specific=(SpecificDuty(0.03, "kg"),), rule="minimum",
                                    ad_valorem_parts=(AdValoremDuty(0.25),))


@pytest.mark.parametrize(("text", "base"), [
    ("No change", "underlying subheading"),
    ("The rate provided for heading 9902.01.01", "heading 9902.01.01"),
    ("The rate applicable to the article in 9903.88.01", "to the article in 9903.88.01"),
    ("A duty equal to the countervailing duty", "A duty equal to the countervailing duty"),
])
def test_references_name_the_provision_and_keep_the_text(text: str, base: str) -> None:
    assert parse_rate(text) == Rate(text=text, kind=RateKind.reference, base=base)


def test_special_column_whitespace_is_collapsed_in_the_stored_text() -> None:
    # layout newlines and double spaces of the file are not part of the rate
    [(code, rate)] = parse_special("4.4¢/kg  +\n5% (KR)")
    assert code == "KR" and rate.text == "4.4¢/kg + 5%"
    assert [(c, r.text, r.kind) for c, r in parse_special("Free\xa0(A,AU)")] == [
        ("A", "Free", RateKind.free), ("AU", "Free", RateKind.free)]


def test_special_column_edge_shapes() -> None:
    assert parse_special("") == []
    # codes with no rate before them: an unparsed, empty rate (never a blank "no rate")
    assert parse_special("(A)") == [("A", Rate(text="", kind=RateKind.unparsed))]
    # a footnote number after the last code list is not a leftover
    assert [c for c, _ in parse_special("Free (A,AU) (1)")] == ["A", "AU"]
    # text with no code list is parsed as a rate; after code lists it is kept unparsed
    assert parse_special("No change") == [
        (None, Rate(text="No change", kind=RateKind.reference, base="underlying subheading"))]
    assert parse_special("Free (A) See 9822.01")[-1] == (
        None, Rate(text="See 9822.01", kind=RateKind.unparsed))


def test_qualifiers_are_read_whatever_their_capitalisation() -> None:
    assert parse_rate("2¢/kg On drained weight").specific == (
        SpecificDuty(0.02, "kg", "On drained weight"),)


@pytest.mark.parametrize("text", ["The duty provided in such subheading + 10%",
                                  "The duty provided in the Applicable Subheading + 25%",
                                  "The duty provided in the applicable subheading"])
def test_chapter99_bases_are_one_canonical_name(text: str) -> None:
    # "such subheading", capitals or not: the same base, so additions group together
    assert parse_rate(text).base == "applicable subheading"


def test_a_chapter99_reference_alone_is_a_reference_with_its_text() -> None:
    text = "The duty provided in the applicable subheading"
    assert parse_rate(text) == Rate(text=text, kind=RateKind.reference,
                                    base="applicable subheading")


@pytest.mark.parametrize(("printed", "clean"), [
    ("5.6%\xa0+\u20092¢/kg", "5.6% + 2¢/kg"),             # no-break and thin spaces
    ("5.6%  +\n 2¢/kg", "5.6% + 2¢/kg"),                   # line breaks of the PDF layout
    ("The duty provided in the ap- plicable subheading",   # a word split at a hyphen
     "The duty provided in the applicable subheading"),
    ("4.4¢ /kg", "4.4¢/kg"),
    ("$1.05/ Liter", "$1.05/liter"),
    ("$1.05/ kg", "$1.05/kg"),
    ("$1.05/pf. Liter", "$1.05/pf.liter"),
    ("16on the value of the battery", "16 on the value of the battery"),
    ("5%+2¢/kg", "5% + 2¢/kg"),
    ("5%.", "5%"),
    ("5%, ", "5%"),
])
def test_normalize_gives_one_spelling(printed: str, clean: str) -> None:
    assert normalize(printed) == clean


def test_polarity_and_range_rates_in_full() -> None:
    text = ("3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of "
            "a degree in proportion) but not less than 3.143854¢/kg")
    assert parse_rate(text) == Rate(
        text=text, kind=RateKind.specific,
        specific=(SpecificDuty(0.036606, "kg", "at 100 degrees polarity"),), rule="per_degree",
        note="less 0.020668¢/kg for each degree under 100 degrees, but not less than "
             "3.143854¢/kg")
    assert parse_rate("Free-5%") == Rate(text="Free-5%", kind=RateKind.ad_valorem,
                                         ad_valorem=0.0, range_high=0.05,
                                         ad_valorem_parts=(AdValoremDuty(0.0),))
    assert parse_rate("5%-10%").ad_valorem_parts == (AdValoremDuty(0.05),)


def test_free_with_a_see_note_in_capitals() -> None:
    assert parse_rate("Free (See note 3)") == Rate(text="Free (See note 3)", kind=RateKind.free,
                                                   ad_valorem=0.0, note="(See note 3)")


def test_a_named_subheading_base_is_kept_as_printed() -> None:
    rate = parse_rate("The duty provided in subheading 9902.12.34 + 5%")
    assert (rate.base, rate.ad_valorem) == ("subheading 9902.12.34", 0.05)
