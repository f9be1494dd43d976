"""Site profile → rows (JSON, xlsx sheets, the side-by-side comparison), in the reader's words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from comexlab.i18n import t
from comexlab.nomenclature.scian import subsectors
from comexlab.nomenclature.states import state as find_state
from comexlab.services.sites import SiteProfile
from comexlab.sites.profile import DETOUR_FACTOR, NearPlant, role
from comexlab.supply.processes import processes


def state_abbr(code: str) -> str:
    """'11' → 'GTO'."""
    return find_state(code).abbr


def process_name(code: str, lang: str) -> str:
    """A process code in the reader's words."""
    p = processes().get(code)
    return p.name(lang) if p else code


def subsector_name(code: str, lang: str) -> str:
    """A SCIAN subsector code in the reader's words."""
    s = subsectors().get(code)
    if s is None:
        return code
    return s.short_es if lang == "es" else s.short_en


def plant_record(n: NearPlant) -> dict[str, Any]:
    """A plant as ``--format json`` lists it: names as published, place, class, distance."""
    p = n.plant
    return {"nra": p.ref, "name": p.name, "state_code": p.state_code,
            "state": find_state(p.state_code).name, "municipality": p.municipality,
            "scian": p.scian, "role": role(p.scian), "km": round(n.km, 1),
            "road_km_estimate": round(n.road_km, 1), "latitude": p.latitude,
            "longitude": p.longitude}


def as_json(prof: SiteProfile) -> dict[str, Any]:
    """Everything of the profile as plain data (numbers unrounded except distances)."""
    s = prof.site
    return {
        "site": {"label": s.label, "state_code": s.state_code, "latitude": s.latitude,
                 "longitude": s.longitude, "located_by": s.located_by},
        "radius_km": prof.radius_km, "depth_km": prof.depth_km, "retc_year": prof.retc_year,
        "detour_factor": DETOUR_FACTOR,
        "plants": [plant_record(n) for n in prof.plants],
        "bands": [{"km": b.km, "oem": b.oem, "tier1": b.tier1} for b in prof.bands],
        "oem_by_state": {str(int(km)): dict(rows) for km, rows in prof.oem_by_state},
        "tier1_by_state": {str(int(km)): dict(rows) for km, rows in prof.tier1_by_state},
        "brands": [{"brand": b.brand, "known": b.known, "plants": b.plants,
                    "nearest_km": round(b.nearest_km, 1), "states": list(b.states)}
                   for b in prof.brands],
        "supply_depth": [{"process": d.process, "plants": d.plants, "firms": d.firms,
                          "certified_firms": d.certified_firms,
                          "certifications": dict(d.certifications),
                          "unplaced_firms": d.unplaced_firms,
                          "nearest": [plant_record(n) for n in d.nearest]}
                         for d in prof.depth],
        "fdi": None if prof.fdi is None else {
            "latest_year": prof.fdi.latest_year, "rank": prof.fdi.rank,
            "states_ranked": prof.fdi.states_ranked, "recent_3y_usd": prof.fdi.recent_usd,
            "earlier_3y_usd": prof.fdi.earlier_usd, "growth": prof.fdi.growth,
            "series_usd": {y.year: y.usd for y in prof.fdi.series},
            "partial_years_left_out": list(prof.fdi.partial_years)},
        "exports": None if prof.exports is None else {
            "year": prof.exports.year, "base_year": prof.exports.base_year,
            "total_usd": prof.exports.total_usd, "total_growth": prof.exports.total_growth,
            "top": [{"scian3": x.scian3, "usd": x.usd, "share": x.share, "growth": x.growth}
                    for x in prof.exports.top]},
        "parks": [{"source": p.source, "name": p.name, "state_code": p.state_code,
                   "km": round(p.km, 1), "plants": p.plants, "services": p.services,
                   "available_land_ha": p.available_land_ha} for p in prof.parks],
    }


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:+.0%}"


def _by_state(rows: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{state_abbr(c)} {n}" for c, n in rows) or "0"


def indicators(prof: SiteProfile, lang: str) -> list[tuple[str, str]]:
    """(indicator, value) rows: the one-page summary and the comparison's lines."""
    rows = [(t("sites.ind.site", lang), prof.site.label),
            (t("sites.ind.state", lang), prof.state_name or "—")]
    for b in prof.bands:
        rows.append((t("sites.ind.oem_within", lang, km=int(b.km)), f"{b.oem}"))
        rows.append((t("sites.ind.tier1_within", lang, km=int(b.km)), f"{b.tier1}"))
    for km, by in prof.oem_by_state:
        rows.append((t("sites.ind.oem_by_state", lang, km=int(km)), _by_state(by)))
    rows.append((t("sites.ind.brands", lang, km=int(prof.radius_km)),
                 ", ".join(f"{b.brand} {b.nearest_km:.0f} km" for b in prof.brands) or "—"))
    for d in prof.depth:
        rows.append((t("sites.ind.depth", lang, process=process_name(d.process, lang),
                       km=int(prof.depth_km)),
                     t("sites.ind.depth_value", lang, plants=d.plants, firms=d.firms,
                       certified=d.certified_firms)))
    if prof.fdi is not None:
        f = prof.fdi
        rows.append((t("sites.ind.fdi", lang, year=f.latest_year),
                     t("sites.ind.fdi_value", lang, usd=f"{f.series[-1].usd / 1e6:,.0f}",
                       rank=f.rank, n=f.states_ranked)))
        rows.append((t("sites.ind.fdi_growth", lang, a=f.latest_year - 2, b=f.latest_year),
                     _pct(f.growth)))
    if prof.exports is not None:
        e = prof.exports
        rows.append((t("sites.ind.exports", lang, year=e.year),
                     f"{e.total_usd / 1e6:,.0f} M USD ({_pct(e.total_growth)} vs {e.base_year})"))
        rows.append((t("sites.ind.top_exports", lang),
                     "; ".join(f"{subsector_name(x.scian3, lang)} {x.share:.0%}"
                               for x in e.top[:3])))
    rows.append((t("sites.ind.parks", lang, km=int(prof.radius_km)), f"{len(prof.parks)}"))
    return rows


def compare_frame(profiles: Sequence[SiteProfile], lang: str) -> pd.DataFrame:
    """Indicators as rows, one column per site (same indicators for every site)."""
    columns = {}
    for p in profiles:
        columns[p.site.label] = [v for _, v in indicators(p, lang)]
    names = [k for k, _ in indicators(profiles[0], lang)]
    frame = pd.DataFrame(columns)
    frame.insert(0, t("sites.col.indicator", lang), names)
    return frame.iloc[1:].reset_index(drop=True)  # the site row is the header


def plants_frame(plants: Sequence[NearPlant], lang: str, width: int | None = None
                 ) -> pd.DataFrame:
    """Plants with distance, as published; ``width``: a narrow screen table (name cut)."""
    rows = []
    for n in plants:
        row = {t("sites.col.name", lang): n.plant.name if width is None else n.plant.name[:width],
               t("sites.col.state", lang): state_abbr(n.plant.state_code),
               t("sites.col.municipality", lang): n.plant.municipality or "",
               "SCIAN": n.plant.scian,
               t("sites.col.role", lang): t(f"sites.role.{role(n.plant.scian)}", lang),
               "km": round(n.km, 1), t("sites.col.road_km", lang): round(n.road_km)}
        if width is not None:
            del row[t("sites.col.municipality", lang)], row[t("sites.col.road_km", lang)]
        rows.append(row)
    return pd.DataFrame(rows)


def sheets(prof: SiteProfile, lang: str) -> dict[str, pd.DataFrame]:
    """The xlsx workbook: summary, plants, supply depth, FDI series, exports, parks."""
    out = {t("sites.sheet.summary", lang): pd.DataFrame(
        indicators(prof, lang), columns=[t("sites.col.indicator", lang),
                                         t("sites.col.value", lang)]),
           t("sites.sheet.plants", lang): plants_frame(prof.plants, lang)}
    out[t("sites.sheet.depth", lang)] = pd.DataFrame([{
        t("sites.col.process", lang): process_name(d.process, lang),
        t("sites.col.plants", lang): d.plants, t("sites.col.firms", lang): d.firms,
        t("sites.col.certified", lang): d.certified_firms,
        t("sites.col.certifications", lang): "; ".join(f"{c} {n}" for c, n in d.certifications),
        t("sites.col.nearest", lang): "; ".join(f"{n.plant.name} ({n.km:.0f} km)"
                                                for n in d.nearest)} for d in prof.depth])
    if prof.fdi is not None:
        out[t("sites.sheet.fdi", lang)] = pd.DataFrame(
            [{t("sites.col.year", lang): y.year, "USD": y.usd,
              t("sites.col.confidential", lang): y.confidential_cells} for y in prof.fdi.series])
    if prof.exports is not None:
        out[t("sites.sheet.exports", lang)] = pd.DataFrame([{
            "SCIAN": x.scian3, t("sites.col.subsector", lang): subsector_name(x.scian3, lang),
            "USD": x.usd, t("sites.col.share", lang): x.share,
            t("sites.col.growth", lang): x.growth} for x in prof.exports.top])
    out[t("sites.sheet.parks", lang)] = pd.DataFrame([{
        t("sites.col.name", lang): p.name, t("sites.col.source", lang):
            t(f"sites.park_source.{p.source}", lang),
        t("sites.col.state", lang): state_abbr(p.state_code), t("sites.col.km", lang):
            round(p.km, 1), t("sites.col.plants", lang): p.plants,
        t("sites.col.services", lang): p.services or "",
        t("sites.col.land_ha", lang): p.available_land_ha} for p in prof.parks])
    return out


PERCENT_COLUMNS = ("sites.col.share", "sites.col.growth")
