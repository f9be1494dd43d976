"""Bench: import the demo registry workbook (10 sheets, ~930 rows) into SQLite.

Each variant runs in its own subprocess so peak RSS (``ru_maxrss``) is that variant's alone:

* ``import``   — comexlab's validated all-or-nothing import into an empty registry;
* ``reimport`` — the same file again (every row compared, nothing written: idempotent path);
* ``read``     — baseline: openpyxl reading every cell of the same workbook (the least an
                 importer must do).

Usage: ``PYTHONPATH=src python bench/bench_registry_import.py [--repeat 3] [--record]``;
``--record`` appends the figures to bench/README-registry.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def _prepare(folder: Path) -> Path:
    from comexlab.registry import db
    from comexlab.registry.demo import seed_demo
    from comexlab.registry.exporter import export_frames, write_tables

    engine = db.make_engine(f"sqlite:///{folder / 'source.sqlite'}")
    db.upgrade(engine)
    seed_demo(engine, as_of=date(2026, 11, 25))
    with db.reading(engine) as session:
        frames = export_frames(session)
    path = folder / "registry.xlsx"
    write_tables(frames, path, fmt="xlsx")
    return path


def _variant(name: str, path: Path, folder: Path) -> None:
    from comexlab.registry import db
    from comexlab.registry.importer import import_files

    engine = db.make_engine(f"sqlite:///{folder / f'{name}.sqlite'}")
    db.upgrade(engine)
    if name == "reimport":
        import_files(engine, [path])
    start = time.perf_counter()
    if name == "read":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
        wb.close()
        rows = cells
    else:
        report = import_files(engine, [path])
        rows = sum(sum(c.values()) for c in report.counts.values())
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak_mb:.0f} {rows}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--variant")
    parser.add_argument("--path")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.variant:
        _variant(args.variant, Path(args.path), Path(args.folder))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = _prepare(folder)
        results: dict[str, tuple[float, float, int]] = {}
        for name in ("read", "import", "reimport"):
            runs = []
            for i in range(args.repeat):
                run_dir = folder / f"{name}{i}"
                run_dir.mkdir()
                out = subprocess.run(
                    [sys.executable, __file__, "--variant", name, "--path", str(path),
                     "--folder", str(run_dir)], check=True, capture_output=True, text=True)
                secs, mb, rows = out.stdout.split()
                runs.append((float(secs), float(mb), int(rows)))
            results[name] = min(runs)
    base = results["read"][0]
    lines = []
    for name, (secs, mb, rows) in results.items():
        unit = "cells" if name == "read" else "rows"
        lines.append(f"{name:9s} {secs:7.3f} s  peak {mb:5.0f} MB  ({rows} {unit})"
                     f"  x{secs / base:.1f} of read")
    for line in lines:
        print(line)
    if args.record:
        readme = Path(__file__).with_name("README-registry.md")
        header = f"\n## {date.today()} — {platform.processor() or platform.machine()}, " \
                 f"Python {platform.python_version()}, best of {args.repeat}\n```\n"
        with readme.open("a", encoding="utf-8") as fh:
            fh.write(header + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
