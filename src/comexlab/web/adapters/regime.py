"""The "Arancel vigente" page's data: the regime service's overview as view models."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from comexlab.i18n import t
from comexlab.services import regime as service
from comexlab.tariffs.regime.compute import AUTHORITIES
from comexlab.warehouse.products import ENGLISH_ONLY, label_texts
from comexlab.web.views_regime import (
    AuthorityPart,
    RegimeLine,
    RegimeMeasure,
    RegimeSegment,
    RegimeView,
)


def _num(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def regime(con: duckdb.DuckDBPyConnection, *, on: dt.date, reporter: str,
           lang: str) -> RegimeView:
    """ETR and its parts on ``on``, the largest lines with their measures, the series."""
    res = service.overview(con, service.OverviewRequest(on=on, reporter=reporter,
                                                        end=max(on, dt.date.today())))
    day, s = res.day, res.series
    parts = [AuthorityPart(authority=a.value, rate=day.by_authority[a.value],
                           duty_usd=day.by_authority[a.value] * day.weights.value_usd)
             for a in AUTHORITIES if day.by_authority[a.value]]
    labels, english = label_texts(con, [str(c) for c in day.table["product_code"]], lang)
    lines = [RegimeLine(product_code=str(r["product_code"]), description=labels.get(
        str(r["product_code"])) or str(r.get("description") or ""), value_usd=float(r["value_usd"]),
        claimed_share=_num(r["claimed_share"]), etr=_num(r["etr"]),
        measures=str(r.get("measures") or "")) for _, r in day.table.iterrows()]
    segments = [RegimeSegment(start=r["from"], end=r["to"], edition=str(r["edition"]),
                              measures=str(r["measures"]), etr=float(r["etr"]))
                for _, r in s.segments.iterrows()]
    return RegimeView(
        on=on, reporter=reporter, edition=day.edition, etr=day.etr, parts=parts,
        estimated=day.estimated, window_first=day.weights.first, window_last=day.weights.last,
        window_value_usd=day.weights.value_usd, claimed_share=day.weights.claimed_share,
        measures=[RegimeMeasure(id=m.id, title=m.title, authority=m.authority.value,
                                rate=m.rate, reason="") for m in day.measures],
        not_modelled=[RegimeMeasure(id=m.id, title=m.title, authority=m.authority.value,
                                    rate=m.rate, reason=m.not_modelled_reason)
                      for m in day.not_modelled],
        lines=lines, segments=segments, computations=s.computations,
        value_unknown_rate_usd=day.value_unknown_rate,
        notes=[n.text(lang) for n in day.notes] + ([t(ENGLISH_ONLY, lang)] if english else []))
