"""Downloads of what a page shows, as xlsx or CSV, headers in the reader's language.

Presentation only: every table comes from the view model the page itself renders (so a firm
user's download holds exactly what their page holds), and every file goes through
:func:`comexlab.spreadsheet.write_xlsx` / :func:`~comexlab.spreadsheet.csv_bytes`, which escape
formula-like text — firm names and RFCs are typed by people and must stay inert in Excel.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Literal

import pandas as pd
from fastapi.responses import Response

from comexlab.i18n import label, t
from comexlab.spreadsheet import csv_bytes, write_xlsx
from comexlab.web.views import ClusterGraph, Cut, Dashboard, FirmPage, GapView

Format = Literal["csv", "xlsx"]
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASHBOARD_CUTS = ("sectors", "products", "destinations", "series")


def download(name: str, sheets: Mapping[str, pd.DataFrame], fmt: Format, *,
             percent_columns: Sequence[str] = (), notes: Sequence[str] = ()) -> Response:
    """An attachment: every sheet in one workbook, or the first sheet as CSV.

    CSV holds one table only (a CSV file has no sheets); pages offer one CSV link per table.
    """
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "export"
    if fmt == "csv":
        first = next(iter(sheets.values()))
        return Response(csv_bytes(first), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'})
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer, percent_columns=percent_columns, notes=notes)
    return Response(buffer.getvalue(), media_type=XLSX_MEDIA,
                    headers={"Content-Disposition": f'attachment; filename="{safe}.xlsx"'})


def _cut_frame(rows: list[Cut], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [[r.code, r.full_label or r.label, r.value_usd, r.prior_usd, r.change, r.share]
         for r in rows],
        columns=[t("web.export.code", lang), t("common.description", lang),
                 t("common.value_usd", lang), t("web.export.prior_usd", lang),
                 t("common.change", lang), t("common.share", lang)],
    )


def dashboard_sheets(d: Dashboard, lang: str, cut: str | None = None) -> dict[str, pd.DataFrame]:
    """The dashboard's cuts (all, or the one ``cut``), one sheet each, named in ``lang``."""
    frames = {
        "sectors": _cut_frame(d.sectors, lang),
        "products": _cut_frame(d.products, lang),
        "destinations": _cut_frame(d.destinations, lang),
        "series": pd.DataFrame([[p.period, p.value_usd] for p in d.series],
                               columns=[t("web.export.period", lang), t("common.value_usd", lang)]),
    }
    return {t(f"web.dash.{key}", lang): frame for key, frame in frames.items()
            if cut is None or key == cut}


def dashboard_percent_columns(lang: str) -> tuple[str, ...]:
    """Columns of the dashboard sheets that hold fractions."""
    return (t("common.change", lang), t("common.share", lang))


def dashboard_notes(d: Dashboard, lang: str) -> list[str]:
    """What a forwarded file must carry: reporter, window, estimates, sources."""
    window = d.start if d.end == d.start else f"{d.start}–{d.end}"
    notes = [f"{d.reporter_label} ({d.reporter}) · {window}"]
    if d.estimated:
        notes.append(t("web.dash.estimated", lang))
    notes += [f"{m.cut}: {m.reason}" for m in d.missing] + list(d.notes)
    if d.sources:
        notes.append(f"{t('web.dash.sources', lang)}: {'; '.join(d.sources)}")
    return notes


def firms_sheet(data: FirmPage, lang: str) -> dict[str, pd.DataFrame]:
    """The firms list as filtered on the page (every page of it)."""
    rows = [[f.legal_name, f.rfc, f.state, f.municipality,
             label("size_class", f.size_class, lang) if f.size_class else None, f.employees,
             ", ".join(f.processes), ", ".join(f.certifications), ", ".join(f.clusters)]
            for f in data.firms]
    columns = [t("web.firms.name", lang), "RFC", t("web.firms.state", lang),
               t("web.export.municipality", lang), t("web.firms.size", lang),
               t("web.export.employees", lang), t("web.firms.process", lang),
               t("web.firms.certs_current", lang), t("web.firms.cluster", lang)]
    return {t("web.firms.title", lang): pd.DataFrame(rows, columns=columns)}


def gap_sheet(gap: GapView, firm_name: str, lang: str) -> dict[str, pd.DataFrame]:
    """One row per standard the sector asks for or the firm holds, with its standing."""
    standing: dict[str, str] = {}
    for key, std in [("held", s) for s in gap.held] + [("required", s) for s in gap.required]:
        standing.setdefault(std, key)
    for key, group in (("missing", gap.missing), ("expiring", gap.expiring),
                       ("expired", gap.expired), ("recommended", gap.recommended_missing)):
        for std in group:
            standing[std] = key
    rows = [[firm_name, gap.sector, std, std in gap.required, std in gap.held,
             t(f"web.export.gap.{key}", lang)] for std, key in standing.items()]
    columns = [t("web.firms.name", lang), t("web.export.sector", lang),
               t("web.export.standard", lang), t("web.gap.required", lang),
               t("web.gap.held", lang), t("web.export.standing", lang)]
    return {t("web.export.gap_sheet", lang): pd.DataFrame(rows, columns=columns)}


def cluster_sheets(graph: ClusterGraph, lang: str) -> dict[str, pd.DataFrame]:
    """The clusters table and the links table of the clusters page (names, not codes)."""
    names = {n.id: n.name for n in graph.nodes}
    nodes = pd.DataFrame([[n.name, n.state, n.members] for n in graph.nodes],
                         columns=[t("web.clusters.cluster", lang), t("web.firms.state", lang),
                                  t("web.clusters.members", lang)])
    links = pd.DataFrame(
        [[names.get(x.source, x.source), names.get(x.target, x.target),
          ", ".join(label("cluster_link", k, lang) for k in x.kinds)] for x in graph.links],
        columns=[t("web.clusters.cluster", lang), t("web.clusters.cluster", lang) + " 2",
                 t("web.export.link_kind", lang)])
    return {t("web.clusters.cluster", lang): nodes, t("web.clusters.links", lang): links}
