"""Reference files the regime computation needs: BEA metal-content shares per HTS10 line.

``budgetlab_tariff_resources/metal_content_shares_bea_hs10.csv.gz`` (Budget Lab at Yale, from
BEA input-output tables) gives each HTS10 line's steel, aluminium and copper shares of value;
Section 232 derivative duties fall on that share. The shares are returned as read (some exceed
1); the pure computation clamps them and reports how many lines it clamped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.sources.files import data_path

METAL_SHARES = "budgetlab_tariff_resources/metal_content_shares_bea_hs10.csv.gz"
SHARE_COLUMNS = {"steel_share": "steel", "aluminum_share": "aluminum",
                 "copper_share": "copper"}


def read_metal_shares(*, data_dir: Path | None = None) -> pd.DataFrame:
    """``hts10``, ``steel``, ``aluminum``, ``copper`` (fractions as published, NaN if blank)."""
    path = data_path(METAL_SHARES, data_dir=data_dir)
    frame = pd.read_csv(path, dtype={"hs10": str})
    missing = [c for c in ("hs10", *SHARE_COLUMNS) if c not in frame.columns]
    if missing:
        raise InputError(Msg("error.regime_metal_columns", columns=", ".join(missing)),
                         file=path, field=missing[0])
    bad = frame[~frame["hs10"].str.fullmatch(r"\d{10}", na=False)]
    if len(bad):
        raise InputError(Msg("error.regime_metal_code"), file=path, row=int(bad.index[0]) + 2,
                         field="hs10", value=str(bad["hs10"].iloc[0]))
    out = frame.rename(columns={"hs10": "hts10", **SHARE_COLUMNS})
    out = out[["hts10", *SHARE_COLUMNS.values()]]
    for column in SHARE_COLUMNS.values():
        out[column] = pd.to_numeric(out[column], errors="coerce")
    return out.drop_duplicates("hts10").reset_index(drop=True)
