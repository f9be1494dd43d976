"""SE SIAVI: Mexico's top tariff lines imported from / exported to each country, 2008–2020.

Read from the Secretaría de Economía's own HTML pages as published (the tar.gz of
``se_siavi_top_products_by_country``, read in place): ``ppm_e/<CC>_<NAME>.html`` = "Principales
productos importados por México procedentes de <país>", ``ppx_e/…`` = exported to it. Each page
is one table: ``Fracción | Descripción | 2008 … 2020``, values in **thousands** of USD (× 1000
here), a first "Total" row (all of Mexico's trade with that country: kept as fraccion
``TOTAL`` so outputs can say what share the top lines cover), then ~100 fracciones
``NNNN.NN.NN`` (TIGIE 8 digits, 2012-era; first 6 = HS6). Some pages print a line as
``NNNN.NN.`` (no last two digits: 217 rows, e.g. 8409.91. or 8708.29.); they are kept with a
6-digit ``fraccion`` (= the HS6) rather than dropped — the flattened CSV drops them. Blank
cells are years without trade in that line and are skipped (not written as 0).

Country codes are SE's two-character codes; ``siavi_country_iso3.csv`` (package data, editable)
gives ISO3 for the partners we map; others keep ``iso3`` NULL and are still loaded.
National level only — no state.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pyarrow as pa

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg
from comexlab.nomenclature._data import table

SOURCE = "se_siavi"
FOLDER = "se_siavi_top_products_by_country"
ARCHIVE = "se_siavi_ppm_ppx_bc_html_2008_2020.tar.gz"
TABLE = "siavi_top_line"
UNIT = 1000
NO_DATA = "No existe información"
FLOWS = {"ppm_e": "import", "ppx_e": "export"}
_FRACCION = re.compile(r"\d{4}\.\d{2}\.(\d{2})?")
_YEAR = re.compile(r"(\d{4})")
SCHEMA = pa.schema([
    ("flow", pa.string()), ("country_se", pa.string()), ("country_name_se", pa.string()),
    ("iso3", pa.string()), ("fraccion", pa.string()), ("hs6", pa.string()),
    ("hs4", pa.string()), ("description", pa.string()), ("year", pa.int16()),
    ("value_usd", pa.float64()),
])


class _Rows(HTMLParser):
    """Cells of every ``<tr>`` (the pages leave many tags unclosed, so only td/tr matter)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._close()
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "tr", "table"):
            self._close()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _close(self) -> None:
        if self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
        self._cell = None


def iso3_of_se() -> dict[str, str]:
    """SE two-character country code → ISO3 (package data)."""
    return {r["se_code"]: r["iso3"] for r in table("siavi_country_iso3")}


def _header_years(rows: list[list[str]], where: str) -> tuple[int, list[int]]:
    for i, cells in enumerate(rows):
        if cells[:2] == ["Fracción", "Descripción"]:
            years = [int(m.group(1)) for c in cells[2:] if (m := _YEAR.match(c))]
            if len(years) == len(cells) - 2:
                return i, years
    raise InputError(Msg("supply.error.siavi_no_table"), file=where)


def _value(text: str, where: str, row: int, year: int) -> float | None:
    digits = text.replace(",", "")
    if digits == "":
        return None
    if not re.fullmatch(r"-?\d+", digits):
        raise InputError(Msg("supply.error.number"), file=where, row=row, field=str(year),
                         value=text)
    return float(digits) * UNIT


def parse_page(html: str, where: str, flow: str, country_se: str, country_name: str,
               iso3: str | None) -> list[dict[str, object]]:
    """Rows of one SIAVI page (``where`` names it in errors; ``row`` = table row number)."""
    parser = _Rows()
    parser.feed(html)
    rows = [r for r in parser.rows if r]
    start, years = _header_years(rows, where)
    out: list[dict[str, object]] = []
    for n, cells in enumerate(rows[start + 1:], start=1):
        if len(cells) != len(years) + 2:
            raise InputError(Msg("supply.error.row_width"), file=where, row=n,
                             value=len(cells))
        code, label = cells[0], cells[1]
        if label.startswith(NO_DATA) and not _FRACCION.fullmatch(code):
            continue  # "No existe información disponible…": a page without data, not zeros
        if label == "Total" and not _FRACCION.fullmatch(code):
            fraccion = "TOTAL"
        elif _FRACCION.fullmatch(code):
            fraccion = code.replace(".", "")
        else:
            raise InputError(Msg("supply.error.fraccion"), file=where, row=n, field="Fracción",
                             value=code)
        for year, text in zip(years, cells[2:], strict=True):
            value = _value(text, where, n, year)
            if value is not None:
                out.append({"flow": flow, "country_se": country_se,
                            "country_name_se": country_name, "iso3": iso3,
                            "fraccion": fraccion,
                            "hs6": None if fraccion == "TOTAL" else fraccion[:6],
                            "hs4": None if fraccion == "TOTAL" else fraccion[:4],
                            "description": label, "year": year, "value_usd": value})
    return out


def _members(archive: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, str, str, str]]:
    for member in archive.getmembers():
        parts = PurePosixPath(member.name).parts
        if member.isfile() and len(parts) >= 2 and parts[-2] in FLOWS \
                and member.name.endswith(".html"):
            code, _, name = PurePosixPath(member.name).stem.partition("_")
            yield member, FLOWS[parts[-2]], code, name


def load(path: Path) -> pa.Table:
    """Every import and export page of the archive as one table; any bad page refuses all."""
    iso = iso3_of_se()
    rows: list[dict[str, object]] = []
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member, flow, code, name in _members(archive):
                fh = archive.extractfile(member)
                assert fh is not None
                where = f"{path.name}:{member.name}"
                try:
                    html = fh.read().decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(Msg("supply.error.not_utf8", position=exc.start),
                                     file=where) from exc
                rows += parse_page(html, where, flow, code, name, iso.get(code))
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(Msg("supply.error.unreadable", reason=type(exc).__name__),
                         problems=[Problem(str(exc), str(path))]) from exc
    if not rows:
        raise InputError(Msg("supply.error.no_rows"), file=path)
    return pa.Table.from_pylist(rows, schema=SCHEMA)
