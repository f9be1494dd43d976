"""SIAVI: the loader of SE's original HTML pages gives the same rows as the flattened CSV.

``DERIVED_siavi_top_products_long.csv.gz`` (a flattening made for this project, PROVENANCE.md)
has 543,595 rows (flow × country × fracción × year). Our parse of the HTML archive must give the
very same rows with the same values (thousands of USD), plus what the flattening dropped: the
"Total" row of each page and 3,484 rows of lines printed as ``NNNN.NN.`` (6 digits).
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from comexlab.errors import InputError
from comexlab.sources import se_siavi

ARCHIVE = "se_siavi_top_products_by_country/se_siavi_ppm_ppx_bc_html_2008_2020.tar.gz"
FLAT = "se_siavi_top_products_by_country/DERIVED_siavi_top_products_long.csv.gz"


@pytest.fixture(scope="module")
def pages(shared_file: Callable[[str], Path]) -> pa.Table:
    return se_siavi.load(shared_file(ARCHIVE))


def test_html_pages_equal_flattened_csv(pages: pa.Table,
                                        shared_file: Callable[[str], Path]) -> None:
    ours = Counter(
        (r["flow"], r["country_se"], r["fraccion"], int(r["year"]), int(r["value_usd"] // 1000))
        for r in pages.to_pylist() if len(r["fraccion"]) == 8)
    with gzip.open(shared_file(FLAT), "rt", encoding="utf-8") as fh:
        # the flattening glued the page footer to 1,033 last cells ("2 Fuente: SAT…"):
        # its leading number is the value
        flat = Counter(
            (r["flow"], r["country_code_se"], r["fraccion"].replace(".", ""), int(r["year"]),
             int(re.match(r"-?\d+", r["value_thousand_usd"]).group()))  # type: ignore[union-attr]
            for r in csv.DictReader(fh))
    assert sum(flat.values()) == 543_595
    assert ours == flat


def test_what_the_flattening_dropped(pages: pa.Table) -> None:
    rows = pages.to_pylist()
    assert sum(1 for r in rows if len(r["fraccion"]) == 6) == 3484
    china_2019 = [r for r in rows if r["country_se"] == "Z3" and r["flow"] == "import"
                  and r["year"] == 2019]
    total = next(r for r in china_2019 if r["fraccion"] == "TOTAL")
    # the page's Total row, 2019: 83,052,518 thousand USD (hand-read from Z3_CHINA….html)
    assert total["value_usd"] == 83_052_518_000
    line = next(r for r in china_2019 if r["fraccion"] == "84733002")
    assert (line["value_usd"], line["iso3"], line["hs4"]) == (3_854_497_000, "CHN", "8473")


HEAD = ('<table><tr><td>Fracción</td><td>Descripción</td><td>2019<br></td>'
        '<td>2020<br>enero-diciembre</td></tr>')


@pytest.mark.parametrize("body,row,field", [
    ("<tr><td>8473.30.02</td><td>Circuitos</td><td>1,0x2</td><td>5</td></tr>", 1, "2019"),
    ("<tr><td>8473.3002</td><td>Circuitos</td><td>1</td><td>5</td></tr>", 1, "Fracción"),
    ("<tr><td>8473.30.02</td><td>Circuitos</td><td>1</td></tr>", 1, None),
])
def test_malformed_page_names_page_row_field(body: str, row: int, field: str | None) -> None:
    with pytest.raises(InputError) as info:
        se_siavi.parse_page(HEAD + body + "</table>", "x.tar.gz:ppm_e/Z3_CHINA.html",
                            "import", "Z3", "CHINA", "CHN")
    problem = info.value.problems[0]
    assert (problem.file, problem.row, problem.field) == ("x.tar.gz:ppm_e/Z3_CHINA.html", row,
                                                          field)


def test_blank_cells_are_not_zeros_and_no_table_is_refused() -> None:
    rows = se_siavi.parse_page(HEAD + "<tr><td>8473.30.02</td><td>C</td><td>  </td>"
                               "<td>7</td></tr></table>", "p", "import", "Z3", "CHINA", None)
    assert [(r["year"], r["value_usd"]) for r in rows] == [(2020, 7000.0)]
    with pytest.raises(InputError):
        se_siavi.parse_page("<p>no table</p>", "p", "import", "Z3", "CHINA", None)
