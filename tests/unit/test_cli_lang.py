"""One ``--lang`` option for every command, its default from COMEXLAB_LANG (issue 11).

Before: ``--lang`` defaulted to "es" in hts, scenario, regime, kpi, markets and program, to ""
or None (then COMEXLAB_LANG) elsewhere, so ``COMEXLAB_LANG=en`` was ignored by half the CLI.
These commands need no data: ``hts programs`` and ``scenario list`` read package data,
``scenario new`` writes a template.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comexlab import cli
from comexlab.commands.choices import LangOpt, default_lang
from comexlab.settings import get_settings


@pytest.fixture
def lang_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Settings re-read from the environment for each command (they are cached per process)."""
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli.app, list(args), terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


CASES = {  # command → (Spanish text, English text) of its output
    ("hts", "programs"): ("Programas arancelarios especiales", "Special tariff programs"),
    ("scenario", "list"): ("Escenarios incluidos", "Shipped scenarios"),
    ("scenario", "new"): ("Plantilla escrita en", "Template written to"),
}


@pytest.mark.parametrize("command", list(CASES))
def test_comexlab_lang_sets_the_language_of_every_command(
        lang_env: pytest.MonkeyPatch, tmp_path: Path, command: tuple[str, ...]) -> None:
    es, en = CASES[command]
    extra = (str(tmp_path / "s.yaml"),) if command[-1] == "new" else ()
    lang_env.setenv("COMEXLAB_LANG", "en")
    get_settings.cache_clear()
    out = _run(*command, *extra)
    assert en in out and es not in out
    lang_env.delenv("COMEXLAB_LANG")
    get_settings.cache_clear()
    (tmp_path / "s.yaml").unlink(missing_ok=True)
    out = _run(*command, *extra)  # unset: Spanish, the agency's language
    assert es in out and en not in out


def test_the_option_beats_the_setting(lang_env: pytest.MonkeyPatch) -> None:
    lang_env.setenv("COMEXLAB_LANG", "en")
    get_settings.cache_clear()
    assert "Escenarios incluidos" in _run("scenario", "list", "--lang", "es")
    assert "Escenarios incluidos" in _run("scenario", "list", "--lang", "ES")  # any case


def test_an_unknown_language_is_refused_before_the_command_runs() -> None:
    result = CliRunner().invoke(cli.app, ["scenario", "list", "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of 'es', 'en'" in result.output


def test_default_lang_reads_the_setting(lang_env: pytest.MonkeyPatch) -> None:
    lang_env.setenv("COMEXLAB_LANG", "en")
    get_settings.cache_clear()
    assert default_lang() == "en"
    lang_env.delenv("COMEXLAB_LANG")
    get_settings.cache_clear()
    assert default_lang() == "es"


def test_every_command_takes_the_one_lang_option() -> None:
    """Each command's --lang is LangOpt's (same choices, default from the settings)."""
    from typer.main import get_command

    exempt = {"registry cluster path", "demo"}  # a path of codes; demo run prints English
    seen = []

    def walk(command: object, path: list[str]) -> None:
        if hasattr(command, "list_commands"):
            ctx = type(command).context_class(command)  # type: ignore[attr-defined]
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), [*path, name])
            return
        name = " ".join(path)
        option = next((p for p in command.params if "--lang" in p.opts), None)  # type: ignore[attr-defined]
        if name in exempt:
            return
        assert option is not None, f"{name} has no --lang"
        assert option.default is default_lang, name
        seen.append(name)

    for group in cli.GROUPS:
        walk(get_command(cli.load_group(group)), [group])
    assert len(seen) > 50
    assert LangOpt.__metadata__[0].default_factory is default_lang


@pytest.mark.parametrize(("argv", "choices"), [
    (["report", "exports", "-r", "MEX", "--from", "2018", "--by", "region"],
     "'sector', 'subsector', 'section', 'chapter'"),
    (["report", "top", "-r", "GTO", "--level", "hs7"], "'hts10', 'hs8', 'hs6', 'hs4', 'hs2'"),
    (["scenario", "run", "usmca-ends", "--by", "hs2"], "'section', 'chapter', 'subsector'"),
    (["regime", "show", "--on", "2026-01-01", "--by", "country"],
     "'authority', 'section', 'subsector', 'line'"),
])
def test_option_sets_are_refused_by_the_one_literal(argv: list[str], choices: str) -> None:
    """Each set is its domain Literal: an unknown value stops before any data is read."""
    result = CliRunner().invoke(cli.app, argv, terminal_width=200)
    assert result.exit_code == 2
    shown = " ".join(result.output.replace("│", " ").split())  # rich boxes the message
    assert f"is not one of {choices}" in shown
