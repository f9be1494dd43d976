"""Every message key the code names exists in the catalogs, in English and in Spanish.

The agency's staff read Spanish: a key missing from ``locales/*.csv`` would show as the raw key
(``t()`` never raises), and an empty Spanish cell would silently fall back to English. The scan
reads every ``t("...")``, ``Msg("...")`` and template ``t('...')`` literal of the package, so a
new message cannot ship without both translations.
"""

from __future__ import annotations

import ast
import csv
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

import comexlab
from comexlab import i18n
from comexlab.i18n import Msg, label, t

SRC = Path(comexlab.__file__).parent
TEMPLATE_KEY = re.compile(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]\s*[,)]""")  # not 'prefix.' ~ x
CALLS = {"t", "Msg"}


def _literal_keys() -> dict[str, str]:
    """Key → first place it is used, for every literal first argument of t()/Msg()."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else None)
            first = node.args[0]
            if name in CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, f"{path.relative_to(SRC)}:{node.lineno}")
    for path in sorted((SRC / "web" / "templates").glob("*.html")):
        for match in TEMPLATE_KEY.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1), f"web/templates/{path.name}")
    return found


def test_the_scan_finds_the_keys_it_should() -> None:
    keys = _literal_keys()
    assert len(keys) > 300
    # one from each kind of use: a CLI label, an error Msg, a validator Msg, a template
    assert {"hts.line", "error.unknown_reporter", "rfc.length", "web.import.title"} <= set(keys)


def test_every_literal_key_has_english_and_spanish() -> None:
    cat = i18n.catalog()
    missing = {k: where for k, where in _literal_keys().items() if k not in cat}
    assert not missing, f"keys used but not in locales/*.csv: {missing}"
    empty = {k: lang for k in _literal_keys() for lang in ("en", "es") if not cat[k][lang].strip()}
    assert not empty, f"keys without a translation: {empty}"


def test_every_catalog_row_is_complete_and_defined_once() -> None:
    folder = resources.files("comexlab") / "locales"
    keys: Counter[str] = Counter()
    for entry in folder.iterdir():
        if not entry.name.endswith(".csv"):
            continue
        with entry.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                keys[row["key"]] += 1
                assert row["en"].strip() and row["es"].strip(), (entry.name, row["key"])
    assert [k for k, n in keys.items() if n > 1] == []
    assert len(keys) == len(i18n.catalog())


def test_placeholders_agree_between_languages() -> None:
    """A {placeholder} only one language names would raise or vanish when formatted."""
    field = re.compile(r"{(\w+)}")
    bad = {k: v for k, v in i18n.catalog().items()
           if set(field.findall(v["en"])) != set(field.findall(v["es"]))}
    assert not bad


@pytest.mark.parametrize(("vocabulary", "enum_path"), [
    ("cluster_link", "comexlab.registry.vocab:ClusterLinkKind"),
    ("enrolment_status", "comexlab.registry.vocab:EnrolmentStatus"),
    ("program_kind", "comexlab.registry.vocab:ProgramKind"),
    ("chain_role", "comexlab.registry.vocab:ChainRole"),
    ("member_role", "comexlab.registry.vocab:MemberRole"),
    ("size_class", "comexlab.supply.size:SizeClass"),
    ("activity", "comexlab.supply.size:Activity"),
    ("cert_status", "comexlab.supply.certification:CertStatus"),
    ("rate_kind", "comexlab.tariffs.rates:RateKind"),
])
def test_every_code_of_a_vocabulary_has_a_name(vocabulary: str, enum_path: str) -> None:
    import importlib

    module, name = enum_path.split(":")
    codes = [m.value for m in getattr(importlib.import_module(module), name)]
    cat = i18n.catalog()
    assert [c for c in codes if f"enum.{vocabulary}.{c}" not in cat] == []


def test_labels_and_messages_follow_the_language() -> None:
    assert label("cluster_link", "supplier_exchange", "es") == "intercambio de proveedores"
    assert label("cluster_link", "supplier_exchange", "en") == "supplier exchange"
    assert label("cluster_link", "a_code_newer_than_the_catalog", "es") == (
        "a_code_newer_than_the_catalog")
    assert label("size_class", None, "es") == ""
    msg = Msg("rfc.length", n=8)
    assert msg.text("es").startswith("El RFC debe tener 12 (persona moral) o 13")
    assert str(msg) == msg.text("en") == (
        "RFC must have 12 (persona moral) or 13 (persona física) characters, got 8")
    nested = Msg("import.cell.joined", problems=[Msg("rfc.letters", n=3), Msg("rfc.length", n=8)])
    assert nested.text("es") == f"{t('rfc.letters', 'es', n=3)}; {t('rfc.length', 'es', n=8)}"
