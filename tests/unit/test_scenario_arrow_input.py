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
