"""``comexlab match``: suppliers for a buyer need, needs for a firm, export consortia.

Presentation only: the questions are answered by :mod:`comexlab.services.matching`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from comexlab.commands.choices import LangOpt
from comexlab.errors import InputError
from comexlab.i18n import Msg, fmt_number, fmt_pct, t

if TYPE_CHECKING:  # pandas and the table writer load when a command prints, not on --help
    import pandas as pd

app = typer.Typer(help="Buyer–supplier matching and export consortia over the firm registry.",
                  no_args_is_help=True)


class Format(StrEnum):
    """What ``match`` prints."""

    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table or json.")]
DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the registry (default: COMEXLAB_REGISTRY_URL).")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Day certificates are judged on, YYYY-MM-DD (default: today).")]
TopOpt = Annotated[int, typer.Option(help="How many firms to list.")]
COMPONENTS = ("processes", "certifications", "distance", "size", "history")


def _day(text: str | None, lang: str) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(Msg("error.as_of"), field="--as-of", value=text, lang=lang) from None


def _read(path: Path, lang: str) -> tuple[str, bytes]:
    if not path.is_file():
        raise InputError(Msg("fair.error.file_missing"), file=path.name, lang=lang)
    return path.name, path.read_bytes()


def _session(db_url: str | None):  # type: ignore[no-untyped-def]
    from comexlab.registry import db

    return db.reading(db.make_engine(db_url))


def _match_json(m: Any, lang: str) -> dict[str, Any]:
    return {"rfc": m.rfc, "name": m.name, "need": m.need, "qualified": m.qualified,
            "score": m.score, "components": dict(m.components), "failed": list(m.failed),
            "distance_km": None if m.distance_km is None else round(m.distance_km, 1),
            "gaps": [g.text(lang) for g in m.gaps]}


def _frame(matches: Sequence[Any], lang: str, first: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Matches as a screen table: the ``first`` columns, score, components, km, gaps."""
    import pandas as pd

    columns: dict[str, Sequence[str]] = dict(first)
    columns[t("match.col.score", lang)] = [fmt_number(100 * m.score, lang, digits=1)
                                           for m in matches]
    for c in COMPONENTS:
        columns[t(f"match.col.{c}", lang)] = [fmt_pct(m.components[c], lang, digits=0)
                                              for m in matches]
    columns[t("match.col.km", lang)] = ["—" if m.distance_km is None
                                        else fmt_number(m.distance_km, lang) for m in matches]
    columns[t("match.col.gaps", lang)] = ["; ".join(g.text(lang) for g in m.gaps) or "—"
                                          for m in matches]
    return pd.DataFrame(columns)


def _ranked(matches: Sequence[Any], lang: str) -> pd.DataFrame:
    return _frame(matches, lang, {t("match.col.rank", lang): [str(i) for i in
                                                              range(1, len(matches) + 1)],
                                  t("match.col.rfc", lang): [m.rfc for m in matches],
                                  t("match.col.name", lang): [m.name for m in matches]})


@dataclass(frozen=True, slots=True)
class _Screen:
    """What ``--format table`` prints: lines, titled tables, lines (plain text, no markup)."""

    tables: Sequence[tuple[str, pd.DataFrame]]
    before: Sequence[str] = ()
    after: Sequence[str] = ()


def _output(fmt: Format, document: Mapping[str, Any], screen: _Screen, lang: str) -> None:
    """The one output block of every ``match`` command: the JSON document or the screen."""
    from comexlab.output import OutputFormat, emit

    if fmt is Format.json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    console = Console()
    for line in screen.before:
        console.print(Text(line))
    for title, frame in screen.tables:
        emit(frame, OutputFormat.table, title=title, console=console, lang=lang,
             max_rows=len(frame))
    for line in screen.after:
        console.print(Text(line, style="dim"))


@app.command()
def need(
    file: Annotated[Path, typer.Argument(help="Need file (YAML): one need or a list.")],
    code: Annotated[str | None, typer.Option(help="Which need, if the file has several.")]
    = None,
    top: TopOpt = 10,
    as_of: AsOfOpt = None,
    db_url: DbOpt = None,
    fmt: FormatOpt = Format.table,
    *, lang: LangOpt,
) -> None:
    """Rank registry firms for a buyer need: score components and gaps of each."""
    from comexlab.services import matching

    request = matching.NeedRequest(_read(file, lang), _day(as_of, lang), code, lang)
    with _session(db_url) as session:
        result = matching.suppliers_for_need(session, request)
    qualified = result.qualified[:top]
    near = [m for m in result.matches if not m.qualified][:top]
    tables = [(t("match.title.qualified", lang, count=len(result.qualified),
                 need=result.need.code, buyer=result.need.buyer), _ranked(qualified, lang))]
    if near:
        tables.append((t("match.title.near", lang, failed=", ".join(sorted(result.need.hard))),
                       _ranked(near, lang)))
    _output(fmt, {"need": result.need.code, "buyer": result.need.buyer,
                  "qualified": [_match_json(m, lang) for m in qualified],
                  "near": [_match_json(m, lang) for m in near]},
            _Screen(tables, after=[t("match.basis", lang)]), lang)


@app.command()
def firm(
    rfc: Annotated[str, typer.Argument(help="RFC of the registry firm.")],
    needs: Annotated[list[Path] | None, typer.Option(
        help="Need files (YAML); default: the packaged demo needs.")] = None,
    as_of: AsOfOpt = None,
    db_url: DbOpt = None,
    fmt: FormatOpt = Format.table,
    *, lang: LangOpt,
) -> None:
    """The open needs a firm fits, and what it lacks for the others."""
    from comexlab.services import matching

    files = tuple(_read(p, lang) for p in needs) if needs else (matching.demo_needs_file(),)
    request = matching.FirmRequest(rfc, files, _day(as_of, lang), lang)
    with _session(db_url) as session:
        result = matching.needs_for_firm(session, request)
    title = t("match.title.firm", lang, name=result.supplier.name, rfc=result.supplier.rfc,
              count=len(result.needs))
    frame = _frame(result.matches, lang, {
        t("match.col.need", lang): [m.need for m in result.matches],
        t("match.col.qualified", lang): ["✓" if m.qualified else "✗" for m in result.matches]})
    _output(fmt, {"rfc": result.supplier.rfc, "name": result.supplier.name,
                  "needs": [_match_json(m, lang) for m in result.matches]},
            _Screen([(title, frame)], before=[] if needs else [
                t("match.demo_needs", lang, file=matching.DEMO_NEEDS)]), lang)


@app.command()
def consortium(
    file: Annotated[Path, typer.Argument(help="Bill file (YAML): bill: [processes], filters.")],
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take.")] = 10.0,
    as_of: AsOfOpt = None,
    db_url: DbOpt = None,
    fmt: FormatOpt = Format.table,
    *, lang: LangOpt,
) -> None:
    """The fewest eligible SMEs whose processes cover a bill, with the proof of minimality."""
    from comexlab.services import matching

    request = matching.ConsortiumRequest(_read(file, lang), _day(as_of, lang), time_limit,
                                         lang)
    with _session(db_url) as session:
        result = matching.consortium_for_bill(session, request)
    c = result.consortium
    _output(fmt, {
        "bill": list(c.bill), "size": c.size, "members": list(c.members),
        "covers": {p: list(v) for p, v in c.covers.items()},
        "uncovered": list(c.uncovered), "lp_bound": c.lp_bound,
        "dual_bound": c.dual_bound, "status": c.status,
        "proven_optimal": c.proven_optimal, "gap": c.gap, "eligible": c.eligible,
        "member_matches": [_match_json(m, lang) for m in result.members]},
        _consortium_screen(result, lang), lang)


def _consortium_screen(result: Any, lang: str) -> _Screen:
    import pandas as pd

    c = result.consortium
    names = {m.rfc: m.name for m in result.members}
    frame = pd.DataFrame({
        t("match.col.process", lang): [t(f"enum.process.{p}", lang) for p in c.covers],
        t("match.col.members", lang): ["; ".join(f"{r} {names.get(r, '')}" for r in rfcs)
                                       for rfcs in c.covers.values()]})
    verdict = t("match.consortium.optimal", lang) if c.proven_optimal else t(
        "match.consortium.not_proven", lang, gap=fmt_pct(c.gap, lang))
    after = [t("match.consortium.proof", lang, lp=fmt_number(c.lp_bound, lang, digits=2),
               ceil=math.ceil(c.lp_bound - 1e-9), status=c.status, verdict=verdict)]
    if c.uncovered:
        after.append(t("match.consortium.uncovered", lang, processes=", ".join(
            t(f"enum.process.{p}", lang) for p in c.uncovered)))
    title = t("match.consortium.title", lang, count=len(c.bill), size=c.size,
              eligible=c.eligible)
    return _Screen([(title, frame)], after=after)
