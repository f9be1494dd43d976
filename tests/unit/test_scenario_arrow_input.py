"""The engine takes its input as one Arrow table: dictionary columns become categoricals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from comexlab.tariffs.engine import aggregate, apply, as_frame
from comexlab.tariffs.scenario import parse_scenario

SCENARIO = parse_scenario("""
name: t
title: test
base: {edition: 2026r10, programs: [S], source: usitc_dataweb, years: [2025],
       reporters: [MEX, CAN]}
overlays:
  - {type: withdraw_program, programs: [S], partners: [MEX, CAN]}
""")


def _table() -> pa.Table:
    frame = pd.DataFrame({
        "reporter": ["MEX", "CAN", "MEX", "MEX"], "origin": ["MEX", "CAN", "MEX", "MEX"],
        "partner": ["USA"] * 4, "period": ["2025"] * 4,
        "product_code": ["8703230140", "8703230140", "0101210010", "9999999999"],
        "value_usd": [1000.0, 400.0, 50.0, 10.0], "preference_value_usd": [800.0, 0.0, 0.0, 0],
        "mfn_kind": ["ad_valorem", "ad_valorem", "free", None],
        "mfn_ad_valorem": [0.025, 0.025, 0.0, None], "mfn_rate_text": ["2.5%", "2.5%", "Free",
                                                                       None],
        "pref_kind": ["free", "free", None, None], "pref_ad_valorem": [0.0, 0.0, None, None],
    })
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name in ("reporter", "product_code", "mfn_kind", "pref_kind", "mfn_rate_text"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.dictionary_encode(table.column(i)))
    # two chunks, as DuckDB hands them over
    return pa.concat_tables([table.slice(0, 2), table.slice(2)])


def test_arrow_input_gives_the_same_result_as_a_frame() -> None:
    table = _table()
    frame = table.to_pandas()
    from_arrow = apply(SCENARIO, table)
    from_frame = apply(SCENARIO, frame)
    pd.testing.assert_frame_equal(aggregate(from_arrow.lines, ["reporter"]),
                                  aggregate(from_frame.lines, ["reporter"]))
    assert from_arrow.audit == from_frame.audit
    assert aggregate(from_arrow.lines).duty_after[0] == 0.025 * 1400


def test_dictionary_columns_become_categoricals_with_nulls_kept() -> None:
    frame = as_frame(_table())
    assert isinstance(frame["product_code"].dtype, pd.CategoricalDtype)
    assert frame["mfn_kind"].isna().tolist() == [False, False, False, True]
    assert frame["pref_kind"].astype(object).tolist()[:3] == ["free", "free", np.nan]
    again = as_frame(_table())  # second conversion reuses the categories: same values
    assert again["product_code"].tolist() == frame["product_code"].tolist()


def _encoded(codes: list[str | None]) -> pa.Table:
    return pa.table({"product_code": pc.dictionary_encode(pa.array(codes, pa.string()))})


def test_chunks_with_different_dictionaries_keep_their_own_codes() -> None:
    # two record batches from two ENUMs (or two DuckDB scans): index 0 means 8703… in the
    # first, 0101… in the second; the values must come out as printed, not by index
    table = pa.concat_tables([_encoded(["8703230140", "8708100000"]),
                              _encoded(["0101210010", "8703230140", None])])
    assert table.column("product_code").num_chunks == 2
    frame = as_frame(table)
    assert frame["product_code"].astype(object).tolist()[:4] == [
        "8703230140", "8708100000", "0101210010", "8703230140"]
    assert pd.isna(frame["product_code"][4])


def test_a_new_dictionary_for_a_column_is_not_served_from_the_last_one() -> None:
    first = as_frame(_encoded(["8703230140", "0101210010"]))["product_code"]
    second = as_frame(_encoded(["7406100000", "8703230140"]))["product_code"]
    assert first.tolist() == ["8703230140", "0101210010"]
    assert second.tolist() == ["7406100000", "8703230140"]
    assert list(second.cat.categories) == ["7406100000", "8703230140"]


def test_an_empty_table_gives_an_empty_frame() -> None:
    empty = pa.table({"product_code": pa.chunked_array(
        [], type=pa.dictionary(pa.int32(), pa.string()))})
    frame = as_frame(empty)
    assert len(frame) == 0 and isinstance(frame["product_code"].dtype, pd.CategoricalDtype)
