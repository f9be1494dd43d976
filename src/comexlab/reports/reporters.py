"""Turn what an analyst types ('GTO', 'MX-GTO', 'Guanajuato', 'MEX', 'Mexico') into a reporter.

States come first because this is a state agencies' tool and their abbreviations collide with
country codes ('COL' Colima / Colombia, 'NL' Nuevo León / Netherlands). One exception: 'MEX' and
'México' are also the abbreviation and name of the State of Mexico (INEGI 15), but agencies mean
the country when they type them; the state is 'MX-MEX', 'Estado de México' or 'Edomex'.
"""

from __future__ import annotations

import unicodedata

import pycountry

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.nomenclature import countries
from comexlab.nomenclature.states import REPORTER_PREFIX, state
from comexlab.reports.exports import Reporter

_MEXICO = frozenset({"mex", "mexico", "estados unidos mexicanos"})
_STATE_ALIASES: dict[str, str] = {"edomex": "MEX"}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _country(text: str) -> str | None:
    code = text.strip().upper()
    if len(code) == 3 and code.isalpha() and countries.is_known(code):
        return code
    try:
        found = pycountry.countries.lookup(text.strip())
    except LookupError:
        return None
    return None if len(text.strip()) == 2 else str(found.alpha_3)  # no alpha-2 guesses


def resolve_reporter(text: str, lang: str = "es") -> Reporter:
    """Reporter for a state or country reference; unknown text is an :class:`InputError`."""
    key = _plain(text)
    if key in _MEXICO:
        return Reporter("MEX", "country", countries.country_name("MEX", lang))
    ref = text.strip()
    if ref.upper().startswith(REPORTER_PREFIX):
        ref = ref[len(REPORTER_PREFIX):]
    ref = _STATE_ALIASES.get(key, ref)
    try:
        st = state(ref)
    except ValueError:
        iso3 = _country(text)
        if iso3 is None:
            raise InputError(Msg("error.unknown_reporter"), field="reporter",
                             value=text) from None
        return Reporter(iso3, "country", countries.country_name(iso3, lang))
    return Reporter(st.reporter, "state", st.short_name)
