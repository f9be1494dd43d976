"""Import problems come in the reader's language (the agency's staff read Spanish).

The same bad file is imported with ``lang="es"`` and ``lang="en"``: rows, fields and values are
the same, the reasons are the catalog's Spanish and English texts. The CLI entry point prints
them in the language of ``--lang`` / ``COMEXLAB_LANG``.
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

import pytest
from registry_rows import FIRM_A
from registry_support import bare_engine, engine  # noqa: F401  (fixtures)
from sqlalchemy import Engine

from comexlab import cli
from comexlab.errors import InputError
from comexlab.registry.entities import FIRMS
from comexlab.registry.importer import import_files
from comexlab.supply.rfc import make_rfc

BAD_ROWS = [  # row 2: RFC of 8 characters; row 3: no state 99; row 4: negative employees
    {"rfc": "ABC12345", "legal_name": "RFC corto S.A.", "state_code": "14"},
    {"rfc": make_rfc("EST", date(2001, 1, 1), "B2"), "legal_name": "Estado 99", "state_code": "99"},
    {"rfc": make_rfc("EMP", date(2001, 1, 1), "C3"), "legal_name": "Empleados", "state_code": "11",
     "employees": "-5"},
    {"rfc": FIRM_A, "legal_name": "Sin destinos", "state_code": "11", "exporter": "no",
     "export_destinations": "USA"},
]
SPANISH = {
    2: "El RFC debe tener 12 (persona moral) o 13 (persona física) caracteres, tiene 8",
    3: "ningún estado tiene la clave INEGI 99 (01-32)",
    4: "no puede ser negativo",
    5: "se indican destinos de exportación pero exportadora es 'no'",
}
ENGLISH = {
    2: "RFC must have 12 (persona moral) or 13 (persona física) characters, got 8",
    3: "no state has INEGI code 99 (01-32)",
    4: "cannot be negative",
    5: "export destinations given but exporter is 'no'",
}


def _bad_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(FIRMS.column_names))
        writer.writeheader()
        writer.writerows(BAD_ROWS)
    return path


@pytest.mark.parametrize(("lang", "expected", "summary"), [
    ("es", SPANISH, "4 fila(s) con errores; no se importó nada"),
    ("en", ENGLISH, "4 bad row(s); nothing imported"),
])
def test_import_problems_are_in_the_readers_language(engine: Engine, tmp_path: Path,  # noqa: F811
                                                     lang: str, expected: dict[int, str],
                                                     summary: str) -> None:
    with pytest.raises(InputError) as caught:
        import_files(engine, [_bad_file(tmp_path / "firms.csv")], lang=lang)
    error = caught.value
    assert {p.row: p.message for p in error.problems} == expected
    assert error.message == summary
    assert [p.field for p in error.problems] == ["rfc", "state_code", "employees", "exporter"]
    # the key travels with the problem: another edge may show it in the other language
    other = "en" if lang == "es" else "es"
    assert {p.row: p.text(other) for p in error.problems} == (ENGLISH if lang == "es" else SPANISH)


def test_cli_prints_import_errors_in_spanish_or_english(tmp_path: Path, capsys,
                                                        monkeypatch) -> None:
    from comexlab.registry import db

    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    db.upgrade(db.make_engine(url))
    path = _bad_file(tmp_path / "firms.csv")
    monkeypatch.setenv("COLUMNS", "400")
    for lang_args, expected, where in (([], SPANISH, "fila 2, campo 'rfc'"),
                                       (["--lang", "en"], ENGLISH, "row 2, field 'rfc'")):
        monkeypatch.setattr(sys, "argv", ["comexlab", "registry", "import", str(path),
                                          "--db", url, *lang_args])
        with pytest.raises(SystemExit) as stopped:
            cli.main()
        assert stopped.value.code == 2
        printed = capsys.readouterr().err
        assert all(text in printed for text in expected.values()), printed
        assert f"firms.csv, {where}: {expected[2]} ({'valor' if not lang_args else 'value'} " \
               "'ABC12345')" in printed


@pytest.mark.parametrize(("argv", "env", "lang"), [
    (["report", "exports", "--lang", "en"], "es", "en"),
    (["report", "exports", "--lang=es"], "en", "es"),
    (["hts", "show", "8703"], "en", "en"),
    (["hts", "show", "8703"], "es", "es"),
])
def test_cli_error_language_follows_lang_option_then_setting(argv: list[str], env: str,
                                                             lang: str, monkeypatch) -> None:
    from comexlab.settings import get_settings

    monkeypatch.setenv("COMEXLAB_LANG", env)
    get_settings.cache_clear()
    try:
        assert cli.error_lang(argv) == lang
    finally:
        get_settings.cache_clear()


def test_cli_common_input_errors_in_spanish(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    cases = [
        (["report", "exports", "--reporter", "XYZ", "--from", "2024", "--lang", "es"],
         "reportante desconocido: indique un estado de México"),
        (["report", "exports", "--reporter", "GTO", "--from", "2024-13", "--lang", "es"],
         "se esperaba un año 'AAAA' o un mes 'AAAA-MM'"),
        (["report", "exports", "--reporter", "GTO", "--from", "2024", "--to", "2023",
          "--lang", "es"], "--to es anterior a --from"),
        (["hts", "load", "1999", "--lang", "es", "--warehouse", str(tmp_path / "w.duckdb")],
         "edición del HTS desconocida '1999'"),
        (["scenario", "validate", "no-such-file.yaml", "--lang", "es"],
         "no se encontró el archivo del escenario"),
    ]
    for argv, expected in cases:
        monkeypatch.setattr(sys, "argv", ["comexlab", *argv])
        with pytest.raises(SystemExit) as stopped:
            cli.main()
        assert stopped.value.code == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and expected in err, (argv, err)


def test_unknown_scenario_names_the_shipped_ones_in_both_languages() -> None:
    from comexlab.errors import NotFoundError
    from comexlab.services.scenarios import scenario_text

    with pytest.raises(NotFoundError) as caught:
        scenario_text("no-such-scenario")
    assert caught.value.text("es").startswith("no hay un escenario llamado 'no-such-scenario'")
    assert caught.value.text("en").startswith("no scenario named 'no-such-scenario'")
    assert "s232-autos" in caught.value.text("es")
