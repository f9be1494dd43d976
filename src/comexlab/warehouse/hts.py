"""The HTS in the warehouse: loading editions and the questions the CLI (and web) ask of them.

One service function per question — :func:`show` (one line and its rates), :func:`coverage`
(how much of an edition's rate text the parser understood), :func:`diff` (what changed between
two editions) — each returning plain DataFrames/dataclasses the CLI and web render.

:func:`coverage` and :func:`diff` are Ibis expressions (:mod:`comexlab.warehouse.expr`); the
diff's rate signature keeps ``concat_ws``'s skipping of NULL parts (Ibis compiles
``StringValue.join`` to it). :func:`show` stays SQL: a handful of keyed look-ups, not analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from comexlab.errors import AuditNote, InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.sources.usitc_hts import (
    HtsTables,
    check_complete,
    edition,
    programs_table,
    read_edition,
    read_programs,
)
from comexlab.warehouse.db import replace_many

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Ibis (and the sqlglot dialects it loads, ~1 s) is imported inside the coverage and diff
# functions only: `hts show` and `hts load` run plain DuckDB SQL and should start at once.

RATE_COLUMNS = ("general", "special", "other")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load wrote, and what the reader had to repair on the way."""

    edition: str
    path: Path
    lines: int
    rates: int
    notes: tuple[AuditNote, ...]


def load_programs(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)load the shipped program table into ``hts_program``."""
    return replace_many(con, [("hts_program", programs_table(read_programs()), None)])


def write_edition(con: duckdb.DuckDBPyConnection, tables: HtsTables) -> LoadResult:
    """Replace one edition's lines and rates (and the program table) in one transaction."""
    where = {"edition": tables.edition}
    replace_many(
        con,
        [("hts_line", tables.lines, where), ("hts_rate", tables.rates, where),
         ("hts_program", programs_table(read_programs()), None)],
        log=(f"hts:{tables.edition}", tables.path),
    )
    return LoadResult(tables.edition, tables.path, tables.lines.num_rows,
                      tables.rates.num_rows, tables.notes)


def load_edition(con: duckdb.DuckDBPyConnection, key: str, path: Path | None = None, *,
                 data_dir: Path | None = None, force: bool = False) -> LoadResult:
    """Read, validate and load an edition; a bad file raises before anything is written.

    An edition that looks incomplete (chapters missing, far fewer rows than the edition's known
    size or its previous load) is refused unless ``force``: it would replace the whole edition.
    """
    tables = read_edition(key, path, data_dir=data_dir)
    check_complete(tables, _loaded_rows(con, key), force=force)
    return write_edition(con, tables)


def _loaded_rows(con: duckdb.DuckDBPyConnection, key: str) -> int | None:
    """Rows of the edition now in the warehouse (None when it is not loaded)."""
    row = con.execute("SELECT count(*) FROM hts_line WHERE edition = ?", [key]).fetchone()
    return int(row[0]) if row and row[0] else None


def loaded_editions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Editions present in the warehouse with their row counts and last load."""
    return con.execute("""
        SELECT l.edition, count(*) AS lines,
               (SELECT count(*) FROM hts_rate r WHERE r.edition = l.edition) AS rates,
               (SELECT max(loaded_at) FROM load_log g WHERE g.dataset = 'hts:' || l.edition)
                   AS loaded_at
        FROM hts_line l GROUP BY l.edition ORDER BY l.edition""").df()


def description_paths(con: duckdb.DuckDBPyConnection, key: str, codes: list[str]
                      ) -> dict[str, str]:
    """Each code's description path in edition ``key`` (heading › subheading › line).

    The stored path ends with the line's own description.

    Why: a line's own text ('Other', 'New') means nothing without its ancestors. Codes not in
    the edition are left out (the caller shows the code alone).
    """
    if not codes:
        return {}
    rows = con.execute("""
        SELECT hts, arg_min(CASE WHEN description_path = '' THEN description
                                 ELSE description_path END, row_no)
        FROM hts_line WHERE edition = ? AND hts IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY hts""", [key, sorted(set(codes))]).fetchall()
    return {str(code): str(path) for code, path in rows}


def _require_edition(con: duckdb.DuckDBPyConnection, key: str) -> None:
    edition(key)
    n = con.execute("SELECT count(*) FROM hts_line WHERE edition = ?", [key]).fetchone()
    if not n or not n[0]:
        raise NotFoundError(Msg("error.edition_not_loaded", key=key))


def normalize_code(code: str) -> str:
    """'8703.23.01', '87032301', '8703230140', '8703.23.01.40' → digits; else InputError."""
    digits = re.sub(r"[\s.]", "", code)
    if not digits.isdigit() or len(digits) not in (4, 6, 8, 10):
        raise InputError(Msg("error.hts_code"),
                         field="line", value=code)
    return digits


# --- show --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LineView:
    """One line as `hts show` prints it."""

    edition: str
    requested: str
    hts: str
    hts_formatted: str
    description_path: str
    units: list[str]
    general: str | None
    special: str | None
    other: str | None
    rate_line: str | None
    rates: pd.DataFrame
    footnotes: list[str]
    footnote_refs: pd.DataFrame
    children: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _find_line(con: duckdb.DuckDBPyConnection, key: str, digits: str, lang: str = "en"
               ) -> tuple[dict[str, object] | None, list[str]]:
    q = """SELECT * FROM hts_line WHERE edition = ? AND hts = ? ORDER BY row_no LIMIT 1"""
    df = con.execute(q, [key, digits]).df()
    if len(df):
        return df.iloc[0].to_dict(), []
    # Not printed at this length: a 10-digit code whose 8-digit line carries the rates, or a code
    # renumbered between editions (2013 has 8703.23.00 where 2017+ has 8703.23.01).
    # Some editions print a line only at 10 digits (2026: 1901.10.16.00 has no 8-digit row), so
    # an 8-digit line is preferred and the first 10-digit line under the prefix is the fallback.
    for prefix_len, why in ((8, Msg("hts.note.why8")), (6, Msg("hts.note.why6"))):
        if len(digits) < prefix_len:
            continue
        alt = con.execute(
            """SELECT * FROM hts_line WHERE edition = ? AND hts LIKE ? || '%'
               AND digits >= 8 ORDER BY digits, row_no LIMIT 1""",
            [key, digits[:prefix_len]],
        ).df()
        if len(alt):
            row = alt.iloc[0].to_dict()
            if prefix_len == 8 and row["digits"] == 10 and len(digits) == 8:
                why = Msg("hts.note.why10")
            note = Msg("hts.note.shown_instead", code=digits, key=key,
                       shown=row["hts_formatted"], why=why)
            return row, [note.text(lang)]
    return None, []


def _rates_of(con: duckdb.DuckDBPyConnection, key: str, hts: str, lang: str) -> pd.DataFrame:
    name = "name_es" if lang == "es" else "name_en"
    return con.execute(f"""
        SELECT r.rate_column, r.program, p.agreement, p.{name} AS program_name, r.rate_text,
               r.kind, r.ad_valorem, r.specific_amount, r.specific_unit, r.base, r.parsed
        FROM hts_rate r LEFT JOIN hts_program p USING (program)
        WHERE r.edition = ? AND r.hts = ?
        ORDER BY CASE r.rate_column WHEN 'general' THEN 0 WHEN 'special' THEN 1 ELSE 2 END,
                 r.program""", [key, hts]).df()


def show(con: duckdb.DuckDBPyConnection, code: str, key: str, *, lang: str = "es") -> LineView:
    """One HTS line: description path, MFN, column 2, the rate under each program, footnotes."""
    _require_edition(con, key)
    digits = normalize_code(code)
    row, notes = _find_line(con, key, digits, lang)
    if row is None:
        raise NotFoundError(Msg("error.no_hts_line", code=code, key=key))
    rate_line = str(row["rate_hts"]) if row.get("rate_hts") else str(row["hts"])
    rate_row = row
    if rate_line != row["hts"]:
        rate_row = con.execute("SELECT * FROM hts_line WHERE edition = ? AND hts = ? LIMIT 1",
                               [key, rate_line]).df().iloc[0].to_dict()
    footnotes = [*_as_list(row["footnotes"]),
                 *(_as_list(rate_row["footnotes"]) if rate_row is not row else [])]
    refs = sorted({*_as_list(row["footnote_refs"]), *_as_list(rate_row["footnote_refs"])})
    ref_df = con.execute("""
        SELECT hts_formatted AS heading, general_text AS rate, description
        FROM hts_line WHERE edition = ? AND hts IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY hts""", [key, refs]).df()
    missing = sorted(set(refs) - {h.replace(".", "") for h in ref_df["heading"]})
    if missing:
        notes.append(Msg("hts.note.missing_refs", headings=", ".join(_fmt(m) for m in missing))
                     .text(lang))
    children = con.execute("""
        SELECT hts_formatted AS hts, description, array_to_string(units, ', ') AS units
        FROM hts_line WHERE edition = ? AND digits = 10 AND rate_hts = ? AND hts <> ?
        ORDER BY row_no""", [key, rate_line, row["hts"]]).df()
    return LineView(
        edition=key, requested=code, hts=str(row["hts"]), hts_formatted=str(row["hts_formatted"]),
        description_path=str(row["description_path"]), units=_as_list(row["units"]),
        general=rate_row["general_text"], special=rate_row["special_text"],
        other=rate_row["other_text"], rate_line=rate_line,
        rates=_rates_of(con, key, rate_line, lang), footnotes=footnotes,
        footnote_refs=ref_df, children=children, notes=notes,
    )


def _as_list(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [str(v) for v in list(value)]  # type: ignore[call-overload]


def _fmt(digits: str) -> str:
    return ".".join([digits[:4], *[digits[i:i + 2] for i in range(4, len(digits), 2)]])


# --- coverage ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Coverage:
    """Share of rate texts parsed per column, and every text that was not."""

    edition: str
    summary: pd.DataFrame      # rate_column, texts, parsed, unparsed, share_parsed
    unparsed: pd.DataFrame     # hts, rate_column, program, rate_text
    unknown_programs: pd.DataFrame  # program codes not in the program table, with lines


def _orphans(con: duckdb.DuckDBPyConnection, key: str) -> ir.Table:
    """Rate text printed on a row that is not an 8/10-digit line (2013 continuation rows).

    It cannot be attached to a tariff line, so it counts as text not understood. Columns:
    hts, hts_formatted, row_no, rate_column, rate_text.
    """
    import ibis

    from comexlab.warehouse import expr

    line = expr.table(con, "hts_line")
    rows = line.filter(line.edition == key, line.hts.isnull() | (line.digits < 8))
    parts = [rows.filter(rows[f"{col}_text"].notnull()).select(
                 "hts", "hts_formatted", "row_no", rate_column=ibis.literal(col),
                 rate_text=rows[f"{col}_text"]) for col in RATE_COLUMNS]
    return _union_all(*parts)


def _union_all(*tables: ir.Table) -> ir.Table:
    """UNION ALL of tables whose columns differ only in nullability (NOT NULL vs literals)."""
    import ibis

    return ibis.union(*[t.cast({name: typ.copy(nullable=True)
                                for name, typ in t.schema().items()}) for t in tables],
                      distinct=False)


def _column_order(column: ir.StringValue) -> ir.IntegerValue:
    import ibis

    return ibis.cases((column == "general", 0), (column == "special", 1), else_=2)


def coverage(con: duckdb.DuckDBPyConnection, key: str) -> Coverage:
    """How much of an edition's printed rate text the parser understood (never assumed)."""
    import ibis

    from comexlab.warehouse import expr

    _require_edition(con, key)
    rate = expr.table(con, "hts_rate")
    orphans = _orphans(con, key)
    mine = rate.filter(rate.edition == key)
    texts = _union_all(
        mine.filter(mine.kind != "blank").select("rate_column", "kind", "parsed"),
        orphans.select("rate_column", kind=ibis.literal("unparsed"),
                       parsed=ibis.literal(False)))
    parsed = texts.count(where=texts.parsed)
    summary = (texts.group_by("rate_column")
               .aggregate(texts=texts.count(), parsed=parsed,
                          unparsed=texts.count(where=~texts.parsed),
                          share_parsed=parsed / texts.count(),
                          references=texts.count(where=texts.kind == "reference"))
               .order_by(_column_order(ibis._.rate_column)).to_pandas())
    return Coverage(key, summary, _unparsed(con, key, mine, orphans),
                    _unknown_programs(con, mine))


def _unparsed(con: duckdb.DuckDBPyConnection, key: str, mine: ir.Table,
              orphans: ir.Table) -> pd.DataFrame:
    import ibis

    from comexlab.warehouse import expr

    line = expr.table(con, "hts_line")
    lines = line.filter(line.edition == key)
    formatted = lines.group_by("hts").aggregate(hts_formatted=lines.hts_formatted.arbitrary())
    bad = mine.filter(~mine.parsed)
    bad = bad.left_join(formatted, "hts").select(
        "hts", "hts_formatted", "rate_column", "program", "rate_text")
    from_rows = orphans.select(
        "hts", hts_formatted=orphans.hts_formatted.fill_null(
            "row " + orphans.row_no.cast("string")),
        rate_column=orphans.rate_column, program=ibis.null("string"),
        rate_text=orphans.rate_text)
    both = _union_all(bad, from_rows)
    return (both.order_by([_column_order(both.rate_column), both.hts_formatted])
            .to_pandas().drop(columns=["hts"]))


def _unknown_programs(con: duckdb.DuckDBPyConnection, mine: ir.Table) -> pd.DataFrame:
    from comexlab.warehouse import expr

    known = expr.table(con, "hts_program")
    unknown = mine.filter(mine.program.notnull(), ~mine.program.isin(known.program))
    counts = unknown.group_by("program").aggregate(lines=unknown.count())
    pairs = unknown.select("program", "hts").distinct()
    listed = pairs.group_by("program").aggregate(
        hts=pairs.hts.group_concat(", ", order_by=pairs.hts))
    return (counts.join(listed, "program").select("program", "lines", "hts")
            .order_by("program").to_pandas())


# --- diff --------------------------------------------------------------------------------------
def _signature(rate: ir.Table) -> ir.StringValue:
    """A rate as compared between editions: kind, amounts (6 decimals), units, base.

    CONCAT_WS skips NULL parts (Ibis compiles ``join`` to it), so 'free' has no trailing '|'.
    """
    import ibis

    def amount(column: str) -> ir.StringValue:
        return rate[column].round(6).cast("string")

    return ibis.literal("|").join([rate.kind, amount("ad_valorem"), amount("specific_amount"),
                                   rate.specific_unit, amount("specific2_amount"),
                                   rate.specific2_unit, rate.base])


def _rates8(con: duckdb.DuckDBPyConnection, key: str, program: str, prefix: str) -> ir.Table:
    """8-digit goods lines of an edition with their MFN and Mexican preference rates.

    Columns prefixed ``prefix``: hts, description, mfn, mfn_sig, pref, pref_sig.
    """
    from comexlab.warehouse import expr

    rate = expr.table(con, "hts_rate")
    line = expr.table(con, "hts_line")
    mine = rate.filter(rate.edition == key)
    general = mine.filter(mine.rate_column == "general")
    special = mine.filter(mine.rate_column == "special", mine.program == program)
    general = general.select(g_hts=general.hts, g_text=general.rate_text,
                             g_sig=_signature(general))
    special = special.select(p_hts=special.hts, p_text=special.rate_text,
                             p_sig=_signature(special))
    goods = line.filter(line.edition == key, line.digits == 8, ~line.hts.startswith("99"))
    goods = goods.select("hts", "description")
    joined = (goods.left_join(general, goods.hts == general.g_hts)
              .left_join(special, goods.hts == special.p_hts))
    return joined.group_by(joined.hts.name(f"{prefix}hts")).aggregate(**{
        f"{prefix}description": joined.description.arbitrary(),
        f"{prefix}mfn": joined.g_text.arbitrary(), f"{prefix}mfn_sig": joined.g_sig.arbitrary(),
        f"{prefix}pref": joined.p_text.arbitrary(), f"{prefix}pref_sig": joined.p_sig.arbitrary(),
    })


def diff(con: duckdb.DuckDBPyConnection, a: str, b: str) -> pd.DataFrame:
    """8-digit lines added, removed, or whose MFN or Mexico preferential rate changed.

    The Mexican preference is the program each edition's era uses (2013: ``MX`` under NAFTA;
    2025+: ``S`` under USMCA), so "MX free → S free" is *not* a change. Chapters 98-99 are left
    out: they are legal provisions, not goods. Rates are compared parsed (kind, amounts, units),
    so spacing or a trailing blank in the printed text is not a change.
    """
    import ibis

    for key in (a, b):
        _require_edition(con, key)
    ea, eb = edition(a), edition(b)
    old = _rates8(con, a, ea.mx_program, "a_")
    new = _rates8(con, b, eb.mx_program, "b_")
    both = old.outer_join(new, old.a_hts == new.b_hts)
    mfn_changed = ~both.a_mfn_sig.identical_to(both.b_mfn_sig)
    pref_changed = ~both.a_pref_sig.identical_to(both.b_pref_sig)
    change = ibis.cases((both.a_hts.isnull(), "added"), (both.b_hts.isnull(), "removed"),
                        (mfn_changed & pref_changed, "mfn+mx changed"),
                        (mfn_changed, "mfn changed"), else_="mx changed")
    changed = both.filter(both.a_hts.isnull() | both.b_hts.isnull() | mfn_changed
                          | pref_changed)
    return changed.select(**{
        "change": change, "hts8": both.b_hts.fill_null(both.a_hts),
        "description": both.b_description.fill_null(both.a_description),
        f"mfn_{a}": both.a_mfn, f"mfn_{b}": both.b_mfn,
        f"{ea.mx_program.lower()}_{a}": both.a_pref, f"{eb.mx_program.lower()}_{b}": both.b_pref,
    }).order_by("hts8").to_pandas()
