"""Bad-input corpus of the HTS loader: each file gets its own error, and nothing changes.

Every case is built in a temp folder from the real shared exports (2026 Rev. 10 JSON, 2013
"1300"), loaded over a warehouse that already holds both editions. Each asserts the error's
file, row and field and its wording, and that every warehouse table is identical (row count
and row hash) before and after. Issue 9 findings: a duplicated ``htsno`` (8703.23.01 twice,
one at 10 %) and a valid JSON holding only the first 200 rows were both accepted.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner
from warehouse_state import fingerprint

from comexlab.cli import app
from comexlab.errors import InputError
from comexlab.sources.usitc_hts import EDITIONS, completeness_problems, read_edition
from comexlab.warehouse import hts
from comexlab.warehouse.db import connect

JSON_KEY, KEY_1300 = "2026r10", "2013"
SMALL = 300  # rows kept by the small files: enough for chapters 01-02, far from complete


@dataclass(frozen=True)
class Source:
    """The real exports, read once: JSON rows and 1300 text lines (header first)."""

    rows: list[dict[str, object]]
    lines: list[str]

    def index(self, htsno: str) -> int:
        return next(i for i, r in enumerate(self.rows) if r["htsno"] == htsno)

    def line_index(self, prefix: str) -> int:
        return next(i for i, line in enumerate(self.lines) if line.startswith(prefix))


@dataclass(frozen=True)
class Case:
    """A bad file, the edition it claims to be, and where the error must point."""

    key: str
    data: bytes
    row: int | None
    field: str | None
    texts: tuple[str, ...]


def _json(rows: object) -> bytes:
    return gzip.compress(json.dumps(rows).encode())


def _text_1300(lines: list[str]) -> bytes:
    return gzip.compress("\r\n".join(lines).encode("latin-1"))


def _edit(src: Source, n: int, **changes: object) -> list[dict[str, object]]:
    """The first SMALL rows with row ``n`` (1-based) changed."""
    rows = [dict(r) for r in src.rows[:SMALL]]
    rows[n - 1].update(changes)
    return rows


def _dup_8703(src: Source) -> Case:
    line = src.rows[src.index("8703.23.01")]
    rows = [*src.rows[:SMALL], line, {**line, "general": "10%"}]
    return Case(JSON_KEY, _json(rows), SMALL + 2, "htsno",
                ("8703.23.01", f"rows {SMALL + 1} and {SMALL + 2}"))


def _dup_stat_line(src: Source) -> Case:
    i = src.index("0101.21.00.10") if any(r["htsno"] == "0101.21.00.10" for r in src.rows) \
        else next(i for i, r in enumerate(src.rows) if len(str(r["htsno"])) == 13)
    rows = [*src.rows[:SMALL], src.rows[i]]
    return Case(JSON_KEY, _json(rows), SMALL + 1, "htsno",
                (str(src.rows[i]["htsno"]), f"rows {i + 1} and {SMALL + 1}"))


def _dup_exact_copy(src: Source) -> Case:
    rows = [*src.rows[:SMALL]]
    i = next(i for i, r in enumerate(rows) if len(str(r["htsno"])) == 10)
    rows.insert(i + 1, dict(rows[i]))
    return Case(JSON_KEY, _json(rows), i + 2, "htsno", (f"rows {i + 1} and {i + 2}",))


def _first_200(src: Source) -> Case:
    return Case(JSON_KEY, _json(src.rows[:200]), None, "htsno",
                ("does not look like the whole 2026r10 edition", "--force", "only 200 rows",
                 "35,509 rows in the official export", "96 chapter(s)"))


def _no_chapter_87(src: Source) -> Case:
    rows = [r for r in src.rows if not str(r["htsno"]).startswith("87")]
    return Case(JSON_KEY, _json(rows), None, "htsno", ("1 chapter(s)", ": 87"))


def _every_8th_dropped(src: Source) -> Case:
    """All chapters present but 12.5 % of the rows gone: the row count alone refuses it."""
    rows = [r for i, r in enumerate(src.rows) if i % 8 != 7]
    return Case(JSON_KEY, _json(rows), None, None, (f"only {len(rows):,} rows",))


def _empty_list(src: Source) -> Case:
    return Case(JSON_KEY, _json([]), None, "htsno", ("only 0 rows", "98 chapter(s)"))


def _dict_top(src: Source) -> Case:
    return Case(JSON_KEY, _json({"rows": src.rows[:10]}), None, "(top level)",
                ("expected a JSON list", "got a dict"))


def _truncated_json(src: Source) -> Case:
    text = json.dumps(src.rows[:SMALL], indent=1).encode()
    return Case(JSON_KEY, gzip.compress(text[:-200]), text[:-200].count(b"\n") + 1, None,
                ("not valid JSON",))


def _truncated_gzip(src: Source) -> Case:
    data = _json(src.rows[:SMALL])
    return Case(JSON_KEY, data[: len(data) // 2], None, None, ("gzip",))


def _zero_bytes(src: Source) -> Case:
    return Case(JSON_KEY, b"", 1, None, ("not valid JSON",))


def _latin1(src: Source) -> Case:
    text = json.dumps(src.rows[:SMALL], ensure_ascii=False).replace("Live", "Liv\u00e9")
    return Case(JSON_KEY, gzip.compress(text.encode("latin-1", "replace")), None, None,
                ("not UTF-8",))


def _missing_general(src: Source) -> Case:
    rows = _edit(src, 100)
    del rows[99]["general"]
    return Case(JSON_KEY, _json(rows), 100, "general", ("required key missing",))


def _indent_word(src: Source) -> Case:
    return Case(JSON_KEY, _json(_edit(src, 5, indent="two")), 5, "indent",
                ("indent is not a whole number",))


def _indent_99(src: Source) -> Case:
    return Case(JSON_KEY, _json(_edit(src, 7, indent=99)), 7, "indent", ("out of range 0-20",))


def _bad_htsno(src: Source) -> Case:
    return Case(JSON_KEY, _json(_edit(src, 3, htsno="01O1.21.00")), 3, "htsno",
                ("not an HTS number",))


def _description_number(src: Source) -> Case:
    return Case(JSON_KEY, _json(_edit(src, 9, description=42)), 9, "description",
                ("expected text, got int",))


def _general_number(src: Source) -> Case:
    return Case(JSON_KEY, _json(_edit(src, 3, general=2.5)), 3, "general",
                ("expected text, got float",))


def _units_text(src: Source) -> Case:
    return Case(JSON_KEY, _json(_edit(src, 3, units="No.")), 3, "units",
                ("expected a list of unit names",))


def _footnotes_text(src: Source) -> Case:
    return Case(JSON_KEY, _json(_edit(src, 3, footnotes="See 9903.88.15.")), 3, "footnotes",
                ("expected a list of footnotes",))


def _row_is_list(src: Source) -> Case:
    rows: list[object] = list(src.rows[:SMALL])
    rows[11] = ["0101.21.00", 2]
    return Case(JSON_KEY, _json(rows), 12, None, ("expected an object, got list",))


def _dup_1300(src: Source) -> Case:
    i = src.line_index("8703.23.00||")
    doubled = src.lines[i].replace("|2.5%|", "|10%|", 1)
    lines = [*src.lines[:SMALL], src.lines[i], doubled]
    return Case(KEY_1300, _text_1300(lines), SMALL + 2, "HTS No.",
                ("8703.23.00", f"rows {SMALL + 1} and {SMALL + 2}"))


def _first_200_1300(src: Source) -> Case:
    return Case(KEY_1300, _text_1300(src.lines[:200]), None, "HTS No.",
                ("whole 2013 edition", "only 199 rows", "28,919 rows", "--force"))


def _header_1300(src: Source) -> Case:
    lines = [src.lines[0].replace("Special Rate", "Special"), *src.lines[1:SMALL]]
    return Case(KEY_1300, _text_1300(lines), 1, "Special Rate", ("missing column(s)",))


def _short_row_1300(src: Source) -> Case:
    lines = list(src.lines[:SMALL])
    lines[10] = "|".join(lines[10].split("|")[:6])
    return Case(KEY_1300, _text_1300(lines), 11, "Special Rate", ("only 6 of 9 fields",))


def _surplus_cell_1300(src: Source) -> Case:
    lines = list(src.lines[:SMALL])
    lines[20] = "0101.21.00|10|3|Purebred|No.|Free|A|Free|note|extra"
    return Case(KEY_1300, _text_1300(lines), 21, None, ("surplus ones are not empty",))


def _level_1300(src: Source) -> Case:
    lines = list(src.lines[:SMALL])
    cells = lines[30].split("|")
    cells[2] = "x"
    lines[30] = "|".join(cells)
    return Case(KEY_1300, _text_1300(lines), 31, "Level", ("indent is not a whole number",))


def _empty_1300(src: Source) -> Case:
    return Case(KEY_1300, gzip.compress(b""), 1, "HTS No.", ("not the USITC 1300 layout",))


CASES: dict[str, Callable[[Source], Case]] = {
    f.__name__.strip("_"): f for f in (
        _dup_8703, _dup_stat_line, _dup_exact_copy, _first_200, _no_chapter_87,
        _every_8th_dropped, _empty_list, _dict_top, _truncated_json, _truncated_gzip,
        _zero_bytes, _latin1, _missing_general, _indent_word, _indent_99, _bad_htsno,
        _description_number, _general_number, _units_text, _footnotes_text, _row_is_list,
        _dup_1300, _first_200_1300, _header_1300, _short_row_1300, _surplus_cell_1300,
        _level_1300, _empty_1300,
    )
}


@pytest.fixture(scope="module")
def source(shared_file: Callable[[str], Path]) -> Source:
    rows = json.loads(gzip.decompress(shared_file(EDITIONS[JSON_KEY].file).read_bytes()))
    text = gzip.decompress(shared_file(EDITIONS[KEY_1300].file).read_bytes()).decode("latin-1")
    return Source(rows, text.split("\r\n"))


@pytest.fixture(scope="module")
def loaded_wh(tmp_path_factory: pytest.TempPathFactory,
              shared_file: Callable[[str], Path]) -> Path:
    """A warehouse holding both real editions (what a bad file must not disturb)."""
    path = tmp_path_factory.mktemp("hts_bad") / "wh.duckdb"
    con = connect(path)
    for key in (JSON_KEY, KEY_1300):
        hts.load_edition(con, key, shared_file(EDITIONS[key].file))
    con.close()
    return path


@pytest.fixture()
def con(loaded_wh: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    copy = tmp_path / "wh.duckdb"
    shutil.copyfile(loaded_wh, copy)
    c = connect(copy)
    yield c
    c.close()


def test_corpus_is_large_enough() -> None:
    assert len([k for k in CASES if not k.endswith("1300")]) >= 20
    assert len(CASES) >= 25


@pytest.mark.parametrize("name", list(CASES))
def test_bad_hts_file_refused_and_warehouse_unchanged(
        name: str, source: Source, con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    case = CASES[name](source)
    path = tmp_path / ("hts.json.gz" if case.key == JSON_KEY else "hts_1300.txt.gz")
    path.write_bytes(case.data)
    before = fingerprint(con)
    assert before["hts_line"][0] == 35_509 + 28_919, "both real editions must be loaded"
    with pytest.raises(InputError) as info:
        hts.load_edition(con, case.key, path)
    err = info.value
    problem = err.problems[0]
    assert problem.file == str(path)
    assert (problem.row, problem.field) == (case.row, case.field)
    message = str(err)
    assert path.name in message
    for text in case.texts:
        assert text in message, (text, message)
    assert fingerprint(con) == before


def test_duplicate_refused_before_it_can_change_the_duty_bill(source: Source,
                                                              tmp_path: Path) -> None:
    """The whole real file with 8703.23.01 doubled (one at 10%): refused at read time."""
    i = source.index("8703.23.01")
    rows = [*source.rows[: i + 1], {**source.rows[i], "general": "10%"}, *source.rows[i + 1:]]
    path = tmp_path / "hts.json.gz"
    path.write_bytes(_json(rows))
    with pytest.raises(InputError) as info:
        read_edition(JSON_KEY, path)
    assert (info.value.problems[0].row, info.value.problems[0].field) == (i + 2, "htsno")
    assert f"rows {i + 1} and {i + 2}" in str(info.value)


def test_real_editions_pass_the_new_checks(source: Source, shared_file: Callable[[str], Path]
                                           ) -> None:
    """Row counts and chapters of the registry match the real files (and 2013 has no ch. 98)."""
    for key in EDITIONS:
        tables = read_edition(key, shared_file(EDITIONS[key].file))
        assert tables.source_rows == EDITIONS[key].rows
        assert completeness_problems(EDITIONS[key], tables, None) == []
    assert EDITIONS["2013"].chapters_absent == {"77", "98"}


def test_previous_load_is_a_reference_too(source: Source, tmp_path: Path) -> None:
    """A file 95 % of the known size passes alone but not after a load 20 % larger."""
    path = tmp_path / "hts.json.gz"
    rows = [r for i, r in enumerate(source.rows) if i % 20 != 19]
    path.write_bytes(_json(rows))
    tables = read_edition(JSON_KEY, path)
    assert completeness_problems(EDITIONS[JSON_KEY], tables, None) == []
    problems = completeness_problems(EDITIONS[JSON_KEY], tables, 40_000)
    assert [p.message for p in problems] == [
        f"only {len(rows):,} rows; edition 2026r10 has 40,000 rows in its previous load "
        "(refused below 90%)"]


def test_force_loads_an_incomplete_file_from_the_cli(source: Source, tmp_path: Path) -> None:
    """The CLI refuses the 200-row file naming --force, then loads it with --force."""
    data = tmp_path / "data"
    (data / "usitc_hts").mkdir(parents=True)
    (data / EDITIONS[JSON_KEY].file).write_bytes(_json(source.rows[:200]))
    wh = tmp_path / "w.duckdb"
    runner = CliRunner()
    args = ["hts", "load", JSON_KEY, "--warehouse", str(wh), "--data", str(data),
            "--lang", "en"]
    refused = runner.invoke(app, args)
    assert isinstance(refused.exception, InputError)
    assert "--force" in str(refused.exception) and "only 200 rows" in str(refused.exception)
    assert not wh.exists() or connect(wh, read_only=True).execute(
        "SELECT count(*) FROM hts_line").fetchone() == (0,)
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    c = connect(wh, read_only=True)
    try:
        assert c.execute("SELECT count(*) FROM hts_line").fetchone() == (200,)
    finally:
        c.close()
