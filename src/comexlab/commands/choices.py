"""The CLI's ``--lang`` option, declared once; how closed option sets are declared.

Every closed option set is a ``Literal`` of the domain (``i18n.Lang``,
``nomenclature.hs.LineLevel``, ``reports.exports.GroupCut``, ``tariffs.engine.BasketCut``,
``services.regime.By``), used as the option's type: Typer makes it a Click choice, refuses any
other value before the command runs (``Invalid value for '--lang': 'fr' is not one of 'es',
'en'``), lists the values in ``--help`` and hands the command the canonical spelling
(``--lang EN`` gives ``"en"``). The web app validates the same Literals with pydantic.

This module is kept light (no pandas, no DuckDB) because every verb group imports it,
``match --help`` included; :mod:`comexlab.commands.options` re-exports :data:`LangOpt`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from comexlab.i18n import Lang
from comexlab.settings import get_settings


def default_lang() -> Lang:
    """The language of a command run without ``--lang``: COMEXLAB_LANG (default ``es``)."""
    return get_settings().lang


#: The one ``--lang`` option of every command: es or en (any case), default from the settings.
#: A command declares ``lang: LangOpt`` without a default (keyword-only after parameters that
#: have one); Typer calls :func:`default_lang` when the option is not given.
LangOpt = Annotated[Lang, typer.Option(
    "--lang", help="Language of labels and messages: es or en.", case_sensitive=False,
    default_factory=default_lang, show_default="COMEXLAB_LANG, else es")]


#: Domain field names (services, loaders) → the option a reader typed (see
#: :func:`comexlab.errors.rename_fields`; ``cli.main`` applies it to every error it prints).
FLAGS: dict[str, str] = {
    "reporter": "--reporter", "partner": "--partner", "window": "--window",
    "source": "--source", "level": "--level", "lang": "--lang", "entity": "--entity",
    "format": "--format", "standard": "--standard", "hops": "--hops", "start": "--from",
    "end": "--to", "data_dir": "--data", "state": "--state", "base_url": "--base-url",
    "on": "--on", "warehouse": "--warehouse", "output": "--output",
}
