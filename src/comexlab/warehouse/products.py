"""Product names from the warehouse and the data folder, for labels and the product search.

The labelling rule is :mod:`comexlab.nomenclature.products`; here we gather its inputs — HS
names from the official files (``sources.hs_names``), the printed rows of every loaded HTS
edition and the SIAVI (TIGIE) subheading names when SIAVI is loaded — once per load: the
result is kept in memory under the load times of the editions and of SIAVI, so a page that
labels 200 lines does not re-read 35,000 rows, and a reload is seen at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import duckdb

from comexlab.nomenclature.products import (
    HtsPath,
    HtsRow,
    ProductLabel,
    ProductNames,
    SearchEntry,
    hts_paths,
    names_of,
    product_label,
    search_entry,
)
from comexlab.sources.hs_names import hs_name_maps
from comexlab.sources.usitc_hts import EDITIONS

#: Catalog key of the note saying which parts of the labels are English only.
ENGLISH_ONLY = "products.note.english_only"
_LEVEL = {2: "hs2", 4: "hs4", 6: "hs6", 8: "hts8", 10: "hts10"}
_lock = threading.Lock()
_names: dict[tuple[object, ...], ProductNames] = {}
_index: dict[tuple[object, ...], tuple[SearchEntry, ...]] = {}
_labels: dict[tuple[int, str], dict[str, ProductLabel]] = {}
_KEEP = 4  # warehouses remembered (tests open several)


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                        [name]).fetchone()
    return bool(found and found[0])


def _stamp(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    """What the names depend on: each HTS edition's and SIAVI's last load (and the file)."""
    if not _table_exists(con, "load_log"):
        return ()
    rows = con.execute("""
        SELECT dataset, max(loaded_at) FROM load_log
        WHERE dataset LIKE 'hts:%' OR dataset = 'se_siavi' GROUP BY dataset ORDER BY dataset
        """).fetchall()
    db = con.execute("SELECT current_database()").fetchone()
    where = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = ?",
                        [db[0] if db else ""]).fetchone()
    return (where[0] if where else None, *((str(d), str(t)) for d, t in rows))


def _hts_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[HtsRow]]:
    """Printed rows of every loaded edition, oldest edition first."""
    if not _table_exists(con, "hts_line"):
        return {}
    loaded = {r[0] for r in con.execute("SELECT DISTINCT edition FROM hts_line").fetchall()}
    out: dict[str, list[HtsRow]] = {}
    for key in [k for k in EDITIONS if k in loaded]:
        rows = con.execute("SELECT row_no, indent, hts, description FROM hts_line "
                           "WHERE edition = ? ORDER BY row_no", [key]).fetchall()
        out[key] = [HtsRow(int(n), int(i or 0), h, str(d or "")) for n, i, h, d in rows]
    return out


def _siavi_subheadings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """HS6 → Spanish subheading text printed by SIAVI (rows 'NNNN.NN.' of the TIGIE)."""
    if not _table_exists(con, "siavi_top_line"):
        return {}
    rows = con.execute("""
        SELECT fraccion, min(description) FROM siavi_top_line
        WHERE length(fraccion) = 6 AND coalesce(trim(description), '') <> ''
        GROUP BY fraccion""").fetchall()
    return {str(code): str(text) for code, text in rows}


def product_names(con: duckdb.DuckDBPyConnection) -> ProductNames:
    """Every name the labeller may use, read once per load of the HTS editions and SIAVI."""
    key = _stamp(con)
    with _lock:
        if key in _names:
            return _names[key]
    english, spanish = hs_name_maps()
    paths: dict[str, HtsPath] = {}
    headings: dict[str, str] = {}
    for rows in _hts_rows(con).values():  # newer editions override older ones
        paths.update(hts_paths(rows))
        headings.update({r.hts: r.description for r in rows
                         if r.hts and len(r.hts) == 4 and r.indent == 0})
    # National headings (98xx, 99xx) have no WCO name: the schedule's own heading text.
    names = ProductNames(hs_en={**headings, **english},
                         hs_es={**spanish, **_siavi_subheadings(con)}, hts=paths)
    with _lock:
        if len(_names) >= _KEEP:
            _names.clear()
            _index.clear()
            _labels.clear()
        _names[key] = names
    return names


def product_labels(con: duckdb.DuckDBPyConnection, codes: Iterable[str], lang: str
                   ) -> dict[str, ProductLabel]:
    """Each code's label (code and description path) in ``lang``.

    Labels are kept with the names they were made from: a DataWeb report names 14,000 lines,
    and the next window or reporter asks for the same ones.
    """
    names = product_names(con)
    with _lock:
        made = _labels.setdefault((id(names), lang), {})
    out: dict[str, ProductLabel] = {}
    for c in codes:
        code = str(c)
        label = made.get(code)
        if label is None:
            label = made[code] = product_label(code, lang, names)
        out[code] = label
    return out


def label_texts(con: duckdb.DuckDBPyConnection, codes: Iterable[str], lang: str
                ) -> tuple[dict[str, str], bool]:
    """Labels as text, and whether some part had to be given in English (for the notes)."""
    labels = product_labels(con, codes, lang)
    return ({c: lab.text for c, lab in labels.items()},
            any(lab.foreign for lab in labels.values()))


def search_index(con: duckdb.DuckDBPyConnection) -> tuple[SearchEntry, ...]:
    """Every HS2/HS4/HS6 code and loaded HTS line with its labels in both languages."""
    names = product_names(con)
    key = _stamp(con)
    with _lock:
        if key in _index:
            return _index[key]
    codes = sorted({*names.hs_en, *names.hs_es, *names.hts})
    entries = tuple(
        search_entry(code, _LEVEL[len(code)],
                     names_of(code, names))
        for code in codes if len(code) in _LEVEL and code.isdigit())
    with _lock:
        _index[key] = entries
    return entries
