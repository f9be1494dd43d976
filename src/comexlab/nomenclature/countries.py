"""Countries: ISO3 codes, Spanish/English names, and the code systems of each publisher.

Names come from pycountry (ISO 3166) and its gettext catalogues (``iso3166-1`` domain), so
Spanish names are the ISO/Debian translations (MEX → México, DEU → Alemania). Publisher codes
map to ISO3 through package data: Census Schedule C codes (``census_country_iso3.csv``), UN M49
numeric codes (pycountry, plus Comtrade's own non-ISO codes in ``m49_iso3_overrides.csv``), and
DataMéxico's lowercase ISO3. 'WLD' stands for all partners; codes 'X..' are ISO 3166
user-assigned codes for Comtrade's "nes" areas (XKX = Kosovo, as the EU and IMF use it).
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from comexlab.nomenclature._data import table

WORLD = "WLD"
_EXTRA_NAMES: dict[str, tuple[str, str]] = {
    "WLD": ("World", "Mundo"),
    "XKX": ("Kosovo", "Kosovo"),
    "XOE": ("Other Europe, n.e.s.", "Otros de Europa, n.e.p."),
    "XRA": ("Rest of America, n.e.s.", "Resto de América, n.e.p."),
    "XNC": ("North and Central America, n.e.s.", "América del Norte y Central, n.e.p."),
    "XBK": ("Bunkers", "Avituallamiento"),
    "XFZ": ("Free zones", "Zonas francas"),
    "XSP": ("Special categories", "Categorías especiales"),
    "XNS": ("Areas, n.e.s.", "Zonas n.e.p."),
}


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                               fallback=True)


def country_name(iso3: str, lang: str = "es") -> str:
    """Common name of a country in ``lang`` ('MEX' → 'México'); unknown codes raise."""
    code = iso3.upper()
    if code in _EXTRA_NAMES:
        en, es = _EXTRA_NAMES[code]
        return es if lang == "es" else en
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise ValueError(f"unknown ISO3 country code: {iso3!r}")
    english = getattr(country, "common_name", None) or country.name
    if lang == "en":
        return english
    translated = _translation(lang).gettext(english)
    return translated if translated != english else _translation(lang).gettext(country.name)


def is_known(iso3: str) -> bool:
    """True if ``iso3`` is an ISO 3166 alpha-3 code or one of comexlab's extra codes."""
    return iso3 in _EXTRA_NAMES or pycountry.countries.get(alpha_3=iso3) is not None


@cache
def _census() -> dict[str, str]:
    return {r["census_code"]: r["iso3"] for r in table("census_country_iso3")}


def census_to_iso3(code: str | int) -> str:
    """ISO3 of a Census Schedule C country code ('2010' → 'MEX', '1220' → 'CAN')."""
    try:
        return _census()[str(code).strip()]
    except KeyError:
        raise ValueError(f"unknown Census country code: {code!r}") from None


def iso3_to_census(iso3: str) -> str:
    """Census code of a country (first one when Census splits a territory, e.g. PSE)."""
    for census, iso in _census().items():
        if iso == iso3:
            return census
    raise ValueError(f"no Census country code for {iso3!r}")


@cache
def _m49_overrides() -> dict[int, str]:
    return {int(r["m49"]): r["iso3"] for r in table("m49_iso3_overrides")}


def m49_to_iso3(code: str | int) -> str:
    """ISO3 of a UN M49 numeric code as Comtrade uses it (484 → 'MEX', 842 → 'USA', 0 → 'WLD')."""
    text = str(code).strip()
    if not text.isdigit():
        raise ValueError(f"not an M49 numeric code: {code!r}")
    number = int(text)
    if number in _m49_overrides():
        return _m49_overrides()[number]
    country = pycountry.countries.get(numeric=f"{number:03d}")
    if country is None:
        raise ValueError(f"unknown M49 country code: {code!r}")
    return str(country.alpha_3)


def datamexico_to_iso3(code: str) -> str:
    """ISO3 of a DataMéxico 'Country ID' (lowercase ISO3: 'usa' → 'USA')."""
    iso3 = code.strip().upper()
    if len(iso3) != 3 or not is_known(iso3):
        raise ValueError(f"unknown DataMéxico country id: {code!r}")
    return iso3
