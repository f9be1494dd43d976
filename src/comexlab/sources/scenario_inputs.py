"""Reference files the scenario engine needs: Budget Lab product lists and Hauk elasticities.

Product lists (``budgetlab_tariff_resources``) become lists of HTS prefixes; the Budget Lab's
files are derived from the official proclamations, so they are used as reference, not law.
Import demand elasticities come from Hauk (2012) (``us_trade_elasticities_hauk``): only
estimates with the right sign (``positive == 1`` and ``impliedelasticity > 0``) are kept, so a
wrong-signed HS10 estimate falls back to the HS6 one. The default for lines with no estimate at
any level is the **median of the kept HS6 estimates**, stated in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.sources.files import data_path
from comexlab.tariffs.product_lists import PRODUCT_LISTS, ProductList
from comexlab.tariffs.smart import ElasticityTables

HAUK = "us_trade_elasticities_hauk"
HAUK_FILES: dict[str, tuple[str, str]] = {
    "hts10": (f"{HAUK}/us_import_demand_elasticities_hs10_1989_2001.csv", "hs10"),
    "hs6": (f"{HAUK}/us_import_demand_elasticities_hs6_1978_2001.csv", "hs6"),
    "naics6": (f"{HAUK}/us_import_demand_elasticities_naics6_1978_2001.csv", "naics6"),
}


def read_product_list(name: str, *, data_dir: Path | None = None,
                      catalog: Mapping[str, ProductList] | None = None) -> list[str]:
    """HTS prefixes (digits only) of a named list from ``catalog`` (:data:`PRODUCT_LISTS`)."""
    spec = (PRODUCT_LISTS if catalog is None else catalog).get(name)
    if spec is None:
        raise InputError(Msg("error.src.unknown_list", name=name), field="lists", value=name)
    path = data_path(spec.file, data_dir=data_dir)
    if spec.code_column is None:
        codes = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if spec.code_column not in frame.columns:
            raise InputError(Msg("error.src.column_absent", column=spec.code_column), file=path,
                             field=spec.code_column)
        for column, values in spec.filters:
            frame = frame[frame[column].isin(values)]
        codes = frame[spec.code_column].tolist()
    cleaned = [c.replace(".", "").strip() for c in codes]
    bad = [c for c in cleaned if c and not c.isdigit()]
    if bad:
        raise InputError(Msg("error.src.list_non_numeric"), file=path, value=bad[0])
    return sorted({c for c in cleaned if c})


def read_product_lists(names: Iterable[str], *, data_dir: Path | None = None,
                       catalog: Mapping[str, ProductList] | None = None
                       ) -> dict[str, list[str]]:
    """Every named list a scenario (or the regime timeline) uses, resolved to prefixes."""
    return {name: read_product_list(name, data_dir=data_dir, catalog=catalog)
            for name in names}


def _hauk(relative: str, code_column: str, data_dir: Path | None) -> dict[str, float]:
    path = data_path(relative, data_dir=data_dir)
    frame = pd.read_csv(path, dtype={code_column: str},
                        usecols=[code_column, "impliedelasticity", "positive"])
    ok = (frame["positive"] == 1) & (frame["impliedelasticity"] > 0)
    kept = frame[ok]
    return dict(zip(kept[code_column], kept["impliedelasticity"].astype(float), strict=True))


def read_elasticities(*, data_dir: Path | None = None) -> ElasticityTables:
    """Hauk (2012) import demand elasticities at HS10, HS6 and NAICS6, right-signed only."""
    tables = {level: _hauk(rel, col, data_dir) for level, (rel, col) in HAUK_FILES.items()}
    default = float(pd.Series(list(tables["hs6"].values())).median())
    return ElasticityTables(hts10=tables["hts10"], hs6=tables["hs6"], naics6=tables["naics6"],
                            default=default)
