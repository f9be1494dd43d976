"""Which products each process makes and which industries practise it: editable package data.

``supply/data/process_products.csv`` links each process of the taxonomy (processes.csv) to the
HS headings its parts fall in (``kind = hs4``) and to the SCIAN 6-digit classes whose plants
practise it (``kind = scian6``), each with the source of the link (the heading's or class's
official text). Agencies edit the file; :func:`check` refuses unknown processes, bad codes and
links without a source, so a typo is caught when the package is tested, not in a ranking.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from comexlab.package_data import csv_table
from comexlab.supply.processes import processes

KINDS = {"hs4": re.compile(r"\d{4}"), "scian6": re.compile(r"\d{6}")}


@dataclass(frozen=True, slots=True)
class Link:
    """One process ↔ product or industry link and where it comes from."""

    process: str
    kind: str  # 'hs4' | 'scian6'
    code: str
    source: str


@lru_cache(maxsize=1)
def links() -> tuple[Link, ...]:
    """Every link of the package file, in file order (validated)."""
    out = tuple(Link(r["process"], r["kind"], r["code"], r["source"])
                for r in csv_table("comexlab.supply", "process_products"))
    problems = check(out)
    if problems:
        raise ValueError("process_products.csv: " + "; ".join(problems))
    return out


def check(rows: tuple[Link, ...]) -> list[str]:
    """Problems of a mapping (line numbers count the header as line 1)."""
    known = processes()
    problems = []
    seen: set[tuple[str, str, str]] = set()
    for line, link in enumerate(rows, start=2):
        if link.process not in known:
            problems.append(f"line {line}: unknown process {link.process!r}")
        pattern = KINDS.get(link.kind)
        if pattern is None or not pattern.fullmatch(link.code):
            problems.append(f"line {line}: {link.kind!r} code {link.code!r} is malformed")
        if not link.source.strip():
            problems.append(f"line {line}: no source")
        key = (link.process, link.kind, link.code)
        if key in seen:
            problems.append(f"line {line}: repeated link {key}")
        seen.add(key)
    return problems


@lru_cache(maxsize=4)
def _by(kind: str, key_is_process: bool) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for link in links():
        if link.kind == kind:
            k, v = (link.process, link.code) if key_is_process else (link.code, link.process)
            out[k].append(v)
    return {k: tuple(v) for k, v in out.items()}


def processes_of_hs4(hs4: str) -> tuple[str, ...]:
    """Processes whose parts fall in HS heading ``hs4``."""
    return _by("hs4", False).get(hs4, ())


def processes_of_scian(scian6: str) -> tuple[str, ...]:
    """Processes practised by plants of SCIAN class ``scian6``."""
    return _by("scian6", False).get(scian6, ())


def scian_of_process(process: str) -> tuple[str, ...]:
    """SCIAN classes whose plants practise ``process``."""
    return _by("scian6", True).get(process, ())


def headings() -> tuple[str, ...]:
    """Every HS heading some process makes (sorted)."""
    return tuple(sorted(_by("hs4", False)))
