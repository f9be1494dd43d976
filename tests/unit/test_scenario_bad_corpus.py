"""The bad-scenario corpus (tests/scenario_bad/): each file is refused with a plain sentence.

Every file starts with ``# expect-en:`` and ``# expect-es:`` lines (a fragment of the message
in each language); a line ending in ``#<-`` is where the problem is, and the error must name
that line. Checked through the parser and through the CLI's ``scenario validate`` (exit code 2,
message in the reader's language). The web upload goes through the same corpus in
tests/integration/web/test_web_scenario_limits.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from comexlab.errors import InputError
from comexlab.tariffs.scenario import parse_scenario

CORPUS = Path(__file__).parents[1] / "scenario_bad"
CASES = sorted(CORPUS.glob("*.yaml"))
#: pydantic's and PyYAML's internals that must never reach an analyst
JARGON = ("Input should", "discriminator", "Value error", "validation error", "Field required",
          "_ScenarioIn", "union_tag", "pydantic", "at at ", "Traceback")


def expectation(path: Path) -> tuple[str, str, int | None]:
    """(English fragment, Spanish fragment, line of the problem or None)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    en = lines[0].removeprefix("# expect-en: ")
    es = lines[1].removeprefix("# expect-es: ")
    marked = next((i for i, text in enumerate(lines, 1) if text.endswith("#<-")), None)
    return en, es, marked


def test_corpus_has_at_least_twenty_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_refused_with_a_sentence_naming_key_and_line(path: Path) -> None:
    en, es, line = expectation(path)
    with pytest.raises(InputError) as info:
        parse_scenario(path.read_text(encoding="utf-8"), source=path.name)
    error = info.value
    for lang, fragment in (("en", en), ("es", es)):
        text = error.render(lang)
        assert fragment in text, text
        assert not [j for j in JARGON if j in text], text
    assert error.problems and all(p.file == path.name and p.row for p in error.problems)
    if line is not None:
        assert line in [p.row for p in error.problems], [str(p) for p in error.problems]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_cli_validate_exits_2_with_the_message(path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    from comexlab.cli import main

    _, es, _ = expectation(path)
    monkeypatch.chdir(tmp_path)  # no warehouse here: the file alone is validated
    monkeypatch.setenv("COLUMNS", "2000")  # one message, one line
    monkeypatch.setattr("sys.argv", ["comexlab", "scenario", "validate", str(path)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert es in capsys.readouterr().err
