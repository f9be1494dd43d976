"""Shape an :class:`ExportReport` for people: translated sheets, notes, and a JSON document.

Figures stay numbers here (xlsx formats them; the screen table formats them with the locale);
only headers, labels and notes are translated. Machine formats (csv, parquet, json) keep the
canonical snake_case column names so scripts do not break when the language changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

import pandas as pd

from comexlab.i18n import fmt_number, fmt_pct, fmt_usd, t
from comexlab.nomenclature.countries import country_name
from comexlab.reports.exports import (
    CUT_COLUMNS,
    OTHERS,
    PERCENT_COLUMNS,
    UNASSIGNED,
    ExportReport,
)

UNSPECIFIED = "UNSPECIFIED"

MONEY_COLUMNS = ("value_usd", "prior_value_usd", "change_usd", "national_value_usd")


def title(report: ExportReport, lang: str) -> str:
    """'Exportaciones de Guanajuato, 2018 vs. 2017' (+ ' — ESTIMADO' for estimates)."""
    partner = (t("report.title.partner", lang, partner=_country(report.partner, lang))
               if report.partner else "")
    text = t("report.title", lang, reporter=report.reporter.name, partner=partner,
             window=report.window.label(lang), prior=report.prior.label(lang))
    return f"{text} — {t('report.title.estimated', lang)}" if report.source.estimated else text


def _country(iso3: str, lang: str) -> str:
    try:
        return country_name(iso3, lang)
    except ValueError:
        return iso3


def _headers(report: ExportReport, lang: str) -> dict[str, str]:
    window, prior = report.window.label(lang), report.prior.label(lang)
    cols = (*CUT_COLUMNS, "national_value_usd", "prior_national_share")
    return {c: t(f"report.col.{c}", lang, window=window, prior=prior) for c in cols}


def summary_frame(report: ExportReport) -> pd.DataFrame:
    """The headline as a one-row table (canonical columns)."""
    tot = report.total
    row: dict[str, Any] = {
        "code": report.reporter.code, "label": report.reporter.name,
        "value_usd": tot.value_usd, "prior_value_usd": tot.prior_value_usd,
        "change_usd": tot.change_usd, "change_pct": tot.change_pct,
    }
    if report.reporter.level == "state":
        row |= {"national_value_usd": tot.national_value_usd,
                "national_share": tot.national_share,
                "prior_national_share": tot.prior_national_share}
    return pd.DataFrame([row]).astype({"change_pct": float})


def _display_code(code: object) -> object:
    return "—" if code in (OTHERS, UNASSIGNED, UNSPECIFIED) else code


def _drop_empty(df: pd.DataFrame) -> pd.DataFrame:
    empty = [c for c in ("national_share", "prior_national_share", "national_value_usd")
             if c in df and df[c].isna().all()]
    return df.drop(columns=empty)


def cut_frames(report: ExportReport) -> dict[str, pd.DataFrame]:
    """Canonical frames by cut name, 'total' first (empty national columns dropped)."""
    frames = {"total": _drop_empty(summary_frame(report))}
    frames |= {c.cut: _drop_empty(c.rows) for c in report.cuts}
    return frames


def missing_frame(report: ExportReport, lang: str) -> pd.DataFrame:
    """The cuts the data cannot give, with the reason, translated."""
    return pd.DataFrame({
        t("report.col.cut", lang): [t(f"report.cut.{m.cut}", lang) for m in report.missing],
        t("report.col.reason", lang): [m.reason.text(lang) for m in report.missing],
    })


def notes(report: ExportReport, lang: str, *, files: Sequence[tuple[str, str, str]] = (),
          file_limit: int = 3) -> list[str]:
    """Notes for every output: title, source, window, caveats, missing cuts, files read."""
    source = t(f"report.source.{report.source.source}", lang)
    lines = [title(report, lang), f"{t('report.label.source', lang)}: {source}",
             f"{t('report.label.window', lang)}: {report.window.label(lang)} ({report.window}); "
             f"{t('report.label.prior', lang)}: {report.prior.label(lang)} ({report.prior})"]
    lines += [n.text(lang) for n in report.notes]
    lines += [t("report.label.missing", lang, cut=t(f"report.cut.{m.cut}", lang),
                reason=m.reason.text(lang)) for m in report.missing]
    lines += file_lines(files, lang, limit=file_limit)
    lines.append(t("report.label.engine", lang, engine=report.engine))
    return lines


def file_lines(files: Sequence[tuple[str, str, str]], lang: str, *, limit: int = 3) -> list[str]:
    """Provenance lines: each file with its hash, or a summary when there are many."""
    if len(files) <= limit:
        return [t("report.label.file", lang, file=f, sha=sha[:12], at=at) for f, sha, at in files]
    folders = sorted({str(PurePath(f).parent) for f, _, _ in files})
    return [t("report.label.files", lang, n=len(files), folder=", ".join(folders),
              at=max(at for _, _, at in files))]


def sheets(report: ExportReport, lang: str) -> dict[str, pd.DataFrame]:
    """Workbook sheets: one per cut with translated headers, then the missing cuts."""
    headers = _headers(report, lang)
    out = {t(f"report.cut.{name}", lang): frame.rename(columns=headers)
           for name, frame in cut_frames(report).items()}
    if report.missing:
        out[t("report.cut.missing", lang)] = missing_frame(report, lang)
    return out


def percent_headers(report: ExportReport, lang: str) -> list[str]:
    """Translated names of the fraction columns (formatted 0.0 % in xlsx)."""
    headers = _headers(report, lang)
    return [headers[c] for c in PERCENT_COLUMNS if c in headers]


def long_frame(report: ExportReport) -> pd.DataFrame:
    """All cuts stacked with a ``cut`` column (csv/parquet: canonical column names).

    The ``estimated`` column travels with every row, because a csv loses the notes.
    """
    frames = [f.assign(cut=name) for name, f in cut_frames(report).items()]
    stacked = pd.concat(frames, ignore_index=True).assign(estimated=report.source.estimated)
    return stacked[["cut", *[c for c in stacked.columns if c != "cut"]]]


def display_frame(frame: pd.DataFrame, report: ExportReport, lang: str) -> pd.DataFrame:
    """Screen version of a cut: millions of USD, locale-formatted, short translated headers.

    Files keep whole dollars; a terminal is 80 columns wide, so the screen shows US$ millions
    and leaves out the change in dollars.
    """
    window, prior = report.window.label(lang), report.prior.label(lang)
    out = frame.drop(columns=[c for c in ("change_usd", "national_value_usd") if c in frame])
    if "code" in out:
        out["code"] = out["code"].map(_display_code)
    for col in out.columns:
        if col in PERCENT_COLUMNS:
            out[col] = [fmt_pct(None if _nan(v) else v, lang) for v in out[col]]
        elif col in MONEY_COLUMNS:
            out[col] = [fmt_number(None if _nan(v) else v / 1e6, lang, digits=1)
                        for v in out[col]]
    headers = {c: t(f"report.short.{c}", lang, window=window, prior=prior) for c in out.columns}
    return out.rename(columns=headers)


def headline(report: ExportReport, lang: str) -> str:
    """One-line summary: 'Total exports: US$24.91 bn (−5.1 % vs 2017); 6.4 % of Mexico'."""
    tot = report.total
    parts = [f"{t('report.label.total', lang)}: {fmt_usd(tot.value_usd, lang)}"]
    if tot.change_pct is not None:
        parts.append(f"{fmt_pct(tot.change_pct, lang)} vs. {report.prior.label(lang)}")
    if tot.national_share is not None:
        parts.append(f"{t('report.col.national_share', lang)}: {fmt_pct(tot.national_share, lang)}")
    return "; ".join(parts)


def _nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def to_document(report: ExportReport, lang: str, *,
                files: Sequence[tuple[str, str, str]] = ()) -> dict[str, Any]:
    """JSON document: request, headline, every cut as records, missing cuts, notes."""
    def records(df: pd.DataFrame) -> list[dict[str, Any]]:
        return [{str(k): (None if _nan(v) else v) for k, v in r.items()}
                for r in df.to_dict(orient="records")]

    return {
        "title": title(report, lang),
        "reporter": {"code": report.reporter.code, "level": report.reporter.level,
                     "name": report.reporter.name},
        "partner": report.partner,
        "window": report.window.codes(), "prior": report.prior.codes(),
        "source": report.source.source, "estimated": report.source.estimated,
        "cuts": {name: records(f) for name, f in cut_frames(report).items()},
        "missing": [{"cut": m.cut, "reason": m.reason.text(lang)} for m in report.missing],
        "notes": notes(report, lang, files=files, file_limit=len(files)),
        "engine": report.engine,
    }
