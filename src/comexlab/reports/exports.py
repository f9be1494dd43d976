"""The state export report (S1) as pure computation: flow rows in, typed report out.

The warehouse side (``comexlab.services.reports``) picks the source, reads the reporter's rows
for the window and its prior window, tags each row with its cut keys (section, chapter,
subsector…) and hands them here. Everything an analyst reads — totals, % change, shares, the
list of cuts the data *cannot* give and why — is decided in this module, without I/O, so the
CLI, the xlsx export and the web page show the same figures.

Conventions: money is USD; changes and shares are fractions (0.06 = 6 %); a change against a
zero or missing prior value is ``None`` (shown as "—"), never 0 or infinity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import pandas as pd

from comexlab.i18n import Msg
from comexlab.reports.windows import Grain, Window

CutName = Literal["total", "sector", "subsector", "section", "chapter", "product", "partner"]
Classification = Literal["SCIAN", "HTS", "HS"]
Destinations = Literal["by_partner", "world_only", "us_only"]

WORLD = "WLD"
CURRENT = "current"
PRIOR = "prior"
OTHERS = "OTHERS"
UNASSIGNED = "UNASSIGNED"
STATES_IN_MEXICO = 32

#: Columns of every cut table, in order (labels are translated at display time).
CUT_COLUMNS: tuple[str, ...] = (
    "code", "label", "value_usd", "prior_value_usd", "change_usd", "change_pct", "share",
    "national_share",
)
PERCENT_COLUMNS: tuple[str, ...] = ("change_pct", "share", "national_share",
                                    "prior_national_share")


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """What a flow source can answer: its product classification, grain and destinations.

    The report never asks a source for a cut its profile lacks; it lists the cut as missing with
    the reason instead (INEGI has no destinations and no tariff lines, DataWeb is US-only …).
    """

    source: str
    classification: Classification
    product_level: str
    grain: Grain
    reporter_level: Literal["state", "country"]
    destinations: Destinations
    caveats: tuple[str, ...] = ()
    estimated: bool = False


#: Group cuts each classification supports, coarse to fine (dispatch table, not if/elif).
GROUP_CUTS: dict[Classification, tuple[CutName, ...]] = {
    "SCIAN": ("sector", "subsector"),
    "HTS": ("section", "chapter"),
    "HS": ("section", "chapter"),
}
#: Group cuts a report can be asked for (``report exports --by``).
GroupCut = Literal["sector", "subsector", "section", "chapter"]
ALL_GROUP_CUTS: tuple[GroupCut, ...] = get_args(GroupCut)


@dataclass(frozen=True, slots=True)
class Reporter:
    """Whose exports: a country (ISO3 'MEX') or a Mexican state ('MX-GTO')."""

    code: str
    level: Literal["state", "country"]
    name: str


@dataclass(frozen=True, slots=True)
class MissingCut:
    """A cut the report cannot give, with the reason (a catalog message)."""

    cut: CutName
    reason: Msg


@dataclass(frozen=True, slots=True, eq=False)
class CutTable:
    """One cut of the report: rows with :data:`CUT_COLUMNS`, largest first."""

    cut: CutName
    rows: pd.DataFrame


@dataclass(frozen=True, slots=True)
class TotalLine:
    """The headline: total, prior, change and share of the national total."""

    value_usd: float
    prior_value_usd: float | None
    change_usd: float | None
    change_pct: float | None
    national_value_usd: float | None
    national_share: float | None
    prior_national_share: float | None


@dataclass(frozen=True, slots=True, eq=False)
class ExportReport:
    """Everything the S1 report shows, ready to render in any language or format."""

    reporter: Reporter
    partner: str | None
    window: Window
    prior: Window
    source: SourceProfile
    total: TotalLine
    cuts: tuple[CutTable, ...]
    missing: tuple[MissingCut, ...]
    notes: tuple[Msg, ...] = field(default_factory=tuple)
    engine: str = "duckdb"  # what computed it (COMEXLAB_ENGINE), recorded in every output

    def cut(self, name: CutName) -> pd.DataFrame:
        """Rows of cut ``name``; a :class:`KeyError` if the report does not have it."""
        for c in self.cuts:
            if c.cut == name:
                return c.rows
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What the warehouse hands the pure report.

    ``rows``: the reporter's flow rows for both windows, columns ``window`` ('current' |
    'prior'), ``product_code``, ``partner``, ``value_usd``, ``is_total`` (a source-given total
    row, like INEGI's "Exportaciones totales"), and one column per group cut of the profile
    (``section``, ``chapter`` or ``sector``, ``subsector``). ``national``: the same for all
    reporters of the nation (same source) or ``None`` with ``national_reason`` saying why.
    ``prior_loaded`` is False when the source does not cover the prior window.
    """

    rows: pd.DataFrame
    national: pd.DataFrame | None = None
    national_reason: Msg | None = None
    prior_loaded: bool = True
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    notes: tuple[Msg, ...] = ()  # source-specific notes (preliminary years, share years …)


def pct_change(value: float | None, prior: float | None) -> float | None:
    """``value / prior − 1``; ``None`` when there is nothing to compare against (prior ≤ 0)."""
    if value is None or prior is None or pd.isna(prior) or prior <= 0 or pd.isna(value):
        return None
    return value / prior - 1.0


def share(part: float | None, whole: float | None) -> float | None:
    """``part / whole``; ``None`` for a missing or non-positive whole."""
    if part is None or whole is None or pd.isna(whole) or whole <= 0 or pd.isna(part):
        return None
    return part / whole


def _sum(frame: pd.DataFrame, window: str) -> float:
    return float(frame.loc[frame["window"] == window, "value_usd"].sum())


def window_total(rows: pd.DataFrame, window: str) -> float:
    """Total of one window: the source's own total rows if it gives them, else the sum."""
    part = rows[rows["window"] == window]
    totals = part[part["is_total"]]
    if not totals.empty:
        return float(totals["value_usd"].sum())
    return float(part["value_usd"].sum())


def compare(rows: pd.DataFrame, key: str, *, current_total: float,
            prior_total: float | None, labels: Mapping[str, str] | None = None,
            national: pd.DataFrame | None = None, top: int | None = None,
            residual_label: str = UNASSIGNED) -> pd.DataFrame:
    """Group ``rows`` by ``key`` and compare windows: value, prior, change, share.

    ``share`` is of ``current_total`` (the reporter's total, not the sum of shown rows), and a
    residual row (code ``UNASSIGNED``) carries whatever part of the total the groups do not
    explain (INEGI's unspecified subsectors, rounding), so a cut always adds up to the total.
    With ``top``, rows past the first ``top`` fold into one ``OTHERS`` row for the same reason.
    ``national`` (same columns) adds ``national_share`` = group value / national group value.
    """
    detail = rows[~rows["is_total"]] if "is_total" in rows else rows
    pivot = (detail.pivot_table(index=key, columns="window", values="value_usd",
                                aggfunc="sum", fill_value=0.0)
             .reindex(columns=[CURRENT, PRIOR], fill_value=0.0))
    table = pd.DataFrame({
        "code": pivot.index.astype(str),
        "value_usd": pivot[CURRENT].to_numpy(dtype=float),
        "prior_value_usd": pivot[PRIOR].to_numpy(dtype=float),
    })
    table = table.sort_values(["value_usd", "code"], ascending=[False, True], kind="stable")
    if top is not None and len(table) > top:
        rest = table.iloc[top:]
        table = pd.concat([table.iloc[:top], pd.DataFrame({
            "code": [OTHERS], "value_usd": [rest["value_usd"].sum()],
            "prior_value_usd": [rest["prior_value_usd"].sum()]})], ignore_index=True)
    residual = _residual_row(table, current_total, prior_total, residual_label)
    if residual is not None:
        table = pd.concat([table, residual], ignore_index=True)
    if prior_total is None:
        table["prior_value_usd"] = float("nan")
    table["label"] = [(labels or {}).get(c, "") for c in table["code"]]
    table["change_usd"] = table["value_usd"] - table["prior_value_usd"]
    table["change_pct"] = [pct_change(v, p) for v, p in
                           zip(table["value_usd"], table["prior_value_usd"], strict=True)]
    table["share"] = [share(v, current_total) for v in table["value_usd"]]
    table["national_share"] = _national_shares(table, key, national)
    return table.reset_index(drop=True).reindex(columns=list(CUT_COLUMNS)).astype(
        {"change_pct": float, "share": float, "national_share": float})


def _residual_row(table: pd.DataFrame, current_total: float, prior_total: float | None,
                  code: str) -> pd.DataFrame | None:
    gap = current_total - float(table["value_usd"].sum())
    prior_gap = (prior_total - float(table["prior_value_usd"].sum())
                 if prior_total is not None else 0.0)
    if abs(gap) < 0.5 and abs(prior_gap) < 0.5:
        return None
    return pd.DataFrame({"code": [code], "value_usd": [gap], "prior_value_usd": [prior_gap]})


def _national_shares(table: pd.DataFrame, key: str,
                     national: pd.DataFrame | None) -> list[float | None]:
    if national is None:
        return [None] * len(table)
    detail = national[~national["is_total"]] if "is_total" in national else national
    by_group = detail[detail["window"] == CURRENT].groupby(key)["value_usd"].sum()
    return [share(v, by_group.get(c)) if c not in (OTHERS, UNASSIGNED) else None
            for c, v in zip(table["code"], table["value_usd"], strict=True)]


def drop_world_if_partners(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep partner detail and drop 'WLD' rows when both exist.

    Comtrade's World rows are present for only part of the codes, so they must not be added
    to the partner rows (nor used as totals).
    """
    if rows.empty or not (rows["partner"] != WORLD).any():
        return rows
    return rows[rows["partner"] != WORLD]


def missing_cuts(profile: SourceProfile, *, partner: str | None,
                 wanted: Sequence[CutName]) -> tuple[MissingCut, ...]:
    """The cuts asked for (or offered by default) that this source cannot give, and why."""
    out: list[MissingCut] = []
    supported = GROUP_CUTS[profile.classification]
    for cut in wanted:
        if cut in ALL_GROUP_CUTS and cut not in supported:
            out.append(MissingCut(cut, Msg(f"report.why.{cut}_not_in_{profile.classification}",
                                            source=profile.source)))
    if profile.classification == "SCIAN":
        out.append(MissingCut("product", Msg("report.why.product_scian", source=profile.source)))
    if partner is not None:
        out.append(MissingCut("partner", Msg("report.why.partner_filtered", partner=partner)))
    elif profile.destinations == "world_only":
        out.append(MissingCut("partner", Msg("report.why.partner_world_only",
                                              source=profile.source)))
    elif profile.destinations == "us_only":
        out.append(MissingCut("partner", Msg("report.why.partner_us_only",
                                              source=profile.source)))
    return tuple(out)


def cuts_to_build(profile: SourceProfile, *, by: CutName | None,
                  partner: str | None) -> tuple[CutName, ...]:
    """Cuts the report will compute: the group cut(s), products, destinations, as available."""
    supported = GROUP_CUTS[profile.classification]
    # An unsupported --by is listed as missing (see missing_cuts); the supported cuts stand in.
    groups = (by,) if by in supported else supported
    extra: list[CutName] = []
    if profile.classification != "SCIAN":
        extra.append("product")
    if partner is None and profile.destinations == "by_partner":
        extra.append("partner")
    return (*groups, *extra)


def build_report(reporter: Reporter, window: Window, profile: SourceProfile,
                 data: ReportInput, *, partner: str | None = None, by: CutName | None = None,
                 top: int = 10) -> ExportReport:
    """Compute the S1 report: total, group cuts, top products and destinations vs prior."""
    rows = drop_world_if_partners(data.rows)
    national = drop_world_if_partners(data.national) if data.national is not None else None
    current_total = window_total(rows, CURRENT)
    prior_total = window_total(rows, PRIOR) if data.prior_loaded else None
    total = _total_line(current_total, prior_total, national)
    cuts = tuple(
        CutTable(cut, compare(rows, cut, current_total=current_total, prior_total=prior_total,
                              labels=data.labels.get(cut),
                              national=national if cut != "partner" else None,
                              top=top if cut in ("product", "partner") else None))
        for cut in cuts_to_build(profile, by=by, partner=partner)
    )
    wanted: tuple[CutName, ...] = (by,) if by is not None else ()
    notes = [Msg(key, source=profile.source) for key in profile.caveats]
    if profile.estimated:
        notes.insert(0, Msg("report.note.estimated"))
    if not data.prior_loaded:
        notes.append(Msg("report.note.prior_not_loaded", prior=window.prior()))
    if data.national_reason is not None:
        notes.append(data.national_reason)
    notes.extend(data.notes)
    shown_partner = partner or ("USA" if profile.destinations == "us_only" else None)
    return ExportReport(reporter=reporter, partner=shown_partner, window=window,
                        prior=window.prior(), source=profile, total=total, cuts=cuts,
                        missing=missing_cuts(profile, partner=partner, wanted=wanted),
                        notes=tuple(notes))


def _total_line(current: float, prior: float | None,
                national: pd.DataFrame | None) -> TotalLine:
    nat_now = window_total(national, CURRENT) if national is not None else None
    nat_prior = window_total(national, PRIOR) if national is not None else None
    return TotalLine(
        value_usd=current, prior_value_usd=prior,
        change_usd=None if prior is None else current - prior,
        change_pct=pct_change(current, prior), national_value_usd=nat_now,
        national_share=share(current, nat_now),
        prior_national_share=share(prior, nat_prior) if prior is not None else None,
    )
