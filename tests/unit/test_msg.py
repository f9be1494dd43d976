"""``Msg`` is the one message type: an immutable, hashable value (issue 11).

Report notes (the former ``reports.exports.Note``), audit-note details (once "str or Msg") and
error reasons are all ``Msg``; a frozen result holding them can be hashed, cached and pickled.
"""

from __future__ import annotations

import dataclasses
import pickle
import typing

import pytest

from comexlab.errors import AuditNote
from comexlab.i18n import Msg
from comexlab.reports import exports


def test_equal_messages_hash_alike_and_different_ones_differ() -> None:
    a = Msg("report.note.months_missing", months="2026-01")
    assert a == Msg("report.note.months_missing", months="2026-01")
    assert hash(a) == hash(Msg("report.note.months_missing", months="2026-01"))
    assert a != Msg("report.note.months_missing", months="2026-02")
    assert len({a, Msg("report.note.months_missing", months="2026-01"),
                Msg("report.note.months_missing", months="2026-02")}) == 2


def test_a_message_cannot_change() -> None:
    m = Msg("rfc.length", n=8)
    with pytest.raises(AttributeError):
        m.key = "other"  # type: ignore[misc]
    m.params["n"] = 9  # a copy
    assert m.text("es").endswith("tiene 8")


def test_list_parameters_are_kept_hashable_and_still_joined() -> None:
    parts = [Msg("audit.detail.share_year_fallback", flow_year=2025, inegi="EAEF",
                 share_year=2023), Msg("audit.detail.withheld")]
    m = Msg("audit.detail.joined", items=parts)
    assert hash(m) == hash(Msg("audit.detail.joined", items=tuple(parts)))
    assert m.text("en") == ("2025 flows split by INEGI EAEF 2023 shares (latest year "
                            "published); no figure published: kept in flow_withheld, not in flow")
    assert m.text("es").startswith("flujos de 2025 repartidos con las participaciones 2023")


def test_pickled_message_is_the_same_message() -> None:
    m = Msg("audit.valued", detail=Msg("audit.detail.blank_rate"), value="1,000", share="2%")
    assert pickle.loads(pickle.dumps(m)) == m
    assert pickle.loads(pickle.dumps(m)).text("es") == m.text("es")


def test_report_and_audit_notes_are_msg() -> None:
    assert not hasattr(exports, "Note") and not hasattr(exports, "note")
    hints = typing.get_type_hints(exports.MissingCut)
    assert hints["reason"] is Msg
    assert typing.get_type_hints(AuditNote)["detail"] is Msg
    note = AuditNote("unit_converted", 3, Msg("audit.detail.thousands_usd"))
    assert hash(note) == hash(dataclasses.replace(note))
