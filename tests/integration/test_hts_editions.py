"""The three real USITC editions: read, loaded and queried; figures checked by hand.

Row counts are those PROVENANCE.md gives for the shared files (35509 / 35859 / 28919). The
hand-checked lines are read off the printed schedule (the file's own texts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from comexlab.sources.usitc_hts import EDITIONS, read_edition, read_programs
from comexlab.tariffs.rates import RateKind
from comexlab.warehouse import hts
from comexlab.warehouse.db import connect

ROWS = {"2026r10": 35509, "2025": 35859, "2013": 28919}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory,
           shared_file: Callable[[str], Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path_factory.mktemp("wh") / "hts.duckdb")
    for key, ed in EDITIONS.items():
        hts.load_edition(con, key, shared_file(ed.file))
    yield con
    con.close()


@pytest.mark.parametrize(("key", "rows"), ROWS.items())
def test_row_counts_match_provenance(loaded: duckdb.DuckDBPyConnection, key: str,
                                     rows: int) -> None:
    n = loaded.execute("SELECT count(*) FROM hts_line WHERE edition = ?", [key]).fetchone()
    assert n == (rows,)
    logged = loaded.execute("SELECT rows FROM load_log WHERE dataset = ?", [f"hts:{key}"])
    assert logged.fetchone() == (rows,)


def test_1300_extra_pipe_lines_are_recovered(shared_file: Callable[[str], Path]) -> None:
    tables = read_edition("2013", shared_file(EDITIONS["2013"].file))
    recovered = [n for n in tables.notes if n.kind == "recovered_extra_fields"]
    assert recovered and recovered[0].count == 7
    lines = {r["hts"]: r for r in tables.lines.to_pylist() if r["hts"]}
    # 5403.49.90|00|0|Other (606)||kg|7.5%|Free (…)|||55%|  (12 fields in the file)
    assert lines["5403499000"]["units"] == ["kg"]
    assert lines["5403499000"]["general_text"] == "7.5%"
    assert lines["5403499000"]["other_text"] == "55%"
    assert lines["5403499000"]["special_text"].startswith("Free (AU,BH,CA")
    # 5403.39.90||4|Other|||8%|Free(…)|50%|  (an 8-digit heading row, no unit)
    assert lines["54033990"]["units"] == [] and lines["54033990"]["general_text"] == "8%"
    assert lines["54041980"]["footnotes"] == ["<spec>"]


def test_2013_passenger_cars_nafta(loaded: duckdb.DuckDBPyConnection) -> None:
    view = hts.show(loaded, "8703.23.01", "2013", lang="en")
    assert view.hts == "87032300"           # HS2012 numbering: 8703.23.00 in 2013
    assert view.notes and "8703.23.00" in view.notes[0]
    rates = view.rates.set_index(["rate_column", "program"], drop=False)
    assert view.general == "2.5%"
    assert rates.loc[("special", "MX"), "kind"] == "free"
    assert rates.loc[("special", "MX"), "agreement"] == "NAFTA"
    assert rates.loc[("special", "KR"), "ad_valorem"] == pytest.approx(0.025)
    assert view.other == "10%"


def test_2026_passenger_cars_usmca_and_chapter99(loaded: duckdb.DuckDBPyConnection) -> None:
    for code in ("8703.23.01", "87032301", "8703230140"):
        view = hts.show(loaded, code, "2026r10", lang="en")
        assert view.rate_line == "87032301"
        assert view.general == "2.5%"
        programs = set(view.rates.program.dropna())
        assert "S" in programs and "MX" not in programs
        s = view.rates[view.rates.program == "S"].iloc[0]
        assert s.kind == "free" and s.agreement == "USMCA"
        assert list(view.footnote_refs.heading) == ["9903.88.01", "9903.90.08"]
    assert "Motor cars" in view.description_path and view.hts == "8703230140"


def test_specific_and_compound_lines_by_hand(loaded: duckdb.DuckDBPyConnection) -> None:
    # 0201.10.05 (2026 Rev. 10, beef carcasses): general "4.4¢/kg" = 0.044 USD per kg.
    view = hts.show(loaded, "0201.10.05", "2026r10")
    assert view.notes == [] and view.general == "4.4¢/kg"
    mfn = view.rates[view.rates.rate_column == "general"].iloc[0]
    assert (mfn.kind, mfn.specific_unit) == ("specific", "kg")
    assert mfn.specific_amount == pytest.approx(0.044)
    # 1901.10.16.00 (infant formula): general "$1.035/kg + 14.9%".
    view = hts.show(loaded, "1901.10.16.00", "2026r10")
    assert view.notes == [] and view.general == "$1.035/kg + 14.9%"
    mfn = view.rates[view.rates.rate_column == "general"].iloc[0]
    assert mfn.kind == "compound"
    assert (mfn.specific_amount, mfn.ad_valorem) == pytest.approx((1.035, 0.149))


@pytest.mark.parametrize("key", list(ROWS))
def test_general_coverage_meets_goal(loaded: duckdb.DuckDBPyConnection, key: str) -> None:
    cov = hts.coverage(loaded, key)
    general = cov.summary.set_index("rate_column").loc["general"]
    assert general.share_parsed >= 0.995
    assert len(cov.unparsed) == int(cov.summary.unparsed.sum())


def test_every_program_code_is_in_the_table(loaded: duckdb.DuckDBPyConnection) -> None:
    known = set(read_programs())
    seen = {p for (p,) in loaded.execute(
        "SELECT DISTINCT program FROM hts_rate WHERE program IS NOT NULL").fetchall()}
    # Two 2013 source typos cannot be resolved into known codes: 'I IL' (stray I) and
    # 'PEMSG' (PE,SG with a stray M); they are reported by `hts coverage`, not dropped.
    assert seen - known == {"I", "PEMSG"}
    unknown = hts.coverage(loaded, "2013").unknown_programs
    assert set(unknown.program) == {"I", "PEMSG"}
    assert hts.coverage(loaded, "2026r10").unknown_programs.empty


def test_diff_2013_to_2026(loaded: duckdb.DuckDBPyConnection) -> None:
    changes = hts.diff(loaded, "2013", "2026r10").set_index("hts8")
    assert changes.loc["87032301", "change"] == "added"      # renumbered line
    assert changes.loc["87032300", "change"] == "removed"
    assert "mx_2013" in changes.columns and "s_2026r10" in changes.columns
    same = hts.diff(loaded, "2026r10", "2026r10")
    assert same.empty


def test_reference_rates_are_flagged_not_numbers(loaded: duckdb.DuckDBPyConnection) -> None:
    row = loaded.execute("""SELECT kind, ad_valorem, base FROM hts_rate WHERE edition='2026r10'
        AND rate_column='general' AND rate_text LIKE 'The duty provided in the applicable%+ 25%'
        LIMIT 1""").fetchone()
    assert row == (RateKind.ad_valorem.value, 0.25, "applicable subheading")
