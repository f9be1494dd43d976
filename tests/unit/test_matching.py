"""Buyer-need ranking, the reverse view and consortia on hand-made profiles."""

from __future__ import annotations

from datetime import date

import pytest

from comexlab.errors import InputError
from comexlab.matching.consortium import minimum_cover
from comexlab.matching.needfile import Known, bill_from_data, needs_from_data
from comexlab.matching.places import state_point
from comexlab.matching.suppliers import (
    Need,
    ProgramStep,
    Reference,
    Supplier,
    evaluate,
    for_firm,
    km_between,
    rank,
)
from comexlab.supply.certification import CertStatus, Requirement

REF = Reference(
    (Requirement("automotive", "ISO9001", "required", ""),
     Requirement("automotive", "IATF16949", "required", ""),
     Requirement("automotive", "ISO14001", "recommended", "")),
    {"IATF16949": ("ISO9001",)}, {"IATF16949": "IATF 16949", "ISO9001": "ISO 9001"})
CERT_IATF = ProgramStep("CERT-IATF", "certification_support", "in_progress",
                        date(2026, 9, 1), date(2027, 3, 31), "IATF16949")
SILAO = Need("N1", "OEM", ("stamping", "welding"), "automotive", None, "",
             (), state_point("11"), 300.0)


def _firm(rfc: str, processes: set[str], state: str = "14", *, certs=(), steps=(),
          exporter: bool = False, size: str = "small") -> Supplier:
    return Supplier(rfc, f"Firm {rfc}", state, size, exporter, frozenset(processes),
                    tuple(certs), tuple(steps), state_point(state), "state capital")


def test_score_components_by_hand() -> None:
    # Guadalajara is 220.64 km from Guanajuato city (haversine between the capitals)
    firm = _firm("AAA", {"stamping"}, certs=[("ISO9001", CertStatus.valid)], steps=[CERT_IATF])
    m = evaluate(SILAO, firm, REF)
    assert km_between(state_point("11"), state_point("14")) == pytest.approx(220.64, abs=0.01)
    assert m.components["processes"] == 0.5  # 1 of 2 processes
    assert m.components["certifications"] == 0.5  # ISO 9001 of ISO 9001 + IATF 16949
    assert m.components["distance"] == pytest.approx(1 - 220.6436 / 300, abs=1e-5)
    assert m.components["size"] == 1.0 and m.components["history"] == 0.0
    # 0.40·0.5 + 0.25·0.5 + 0.15·0.26452 + 0.10·1 + 0.10·0 = 0.46468
    assert m.score == pytest.approx(0.46468, abs=1e-5)
    assert not m.qualified and m.failed == ("processes",)
    texts = [g.text("en") for g in m.gaps]
    assert texts == ["does not run welding and assembly of metal parts",
                     "missing IATF 16949 — enrolled in CERT-IATF (in progress), due 2027-03"]
    assert m.gaps[1].text("es") == ("le falta IATF 16949 — inscrita en CERT-IATF (en curso), "
                                    "fin previsto 2027-03")


def test_iatf_counts_as_iso9001_and_expiry_halves() -> None:
    firm = _firm("BBB", {"stamping", "welding"}, "11",
                 certs=[("IATF16949", CertStatus.expiring)])
    m = evaluate(SILAO, firm, REF)
    # IATF held (expiring → ½) and ISO 9001 contained in it (expiring too → ½): (½+½)/2
    assert m.components["certifications"] == 0.5
    assert m.qualified and m.distance_km == 0.0
    assert [g.text("en") for g in m.gaps] == ["ISO 9001 expires within 90 days",
                                              "IATF 16949 expires within 90 days"]


def test_hard_criteria_filter_soft_ones_rank() -> None:
    far = _firm("CCC", {"stamping", "welding"}, "19", exporter=True,
                certs=[("IATF16949", CertStatus.valid)])  # Monterrey, 560 km
    near = _firm("DDD", {"stamping", "welding"}, "11")
    hard_location = Need("N2", "OEM", ("stamping", "welding"), "automotive", None, "", (),
                         state_point("11"), 300.0, hard=frozenset({"processes", "location"}))
    ranked = rank(hard_location, [far, near], REF)
    assert [m.rfc for m in ranked] == ["DDD", "CCC"]  # CCC scores higher but is too far
    assert ranked[0].score < ranked[1].score and ranked[1].failed == ("location",)
    soft = rank(SILAO, [far, near], REF)  # location only ranks: CCC first
    assert [m.rfc for m in soft] == ["CCC", "DDD"] and all(m.qualified for m in soft)


def test_ranking_is_deterministic_with_ties_by_rfc() -> None:
    firms = [_firm(r, {"stamping", "welding"}, "11") for r in ("ZZZ", "AAA", "MMM")]
    assert [m.rfc for m in rank(SILAO, firms, REF)] == ["AAA", "MMM", "ZZZ"]
    assert rank(SILAO, firms, REF) == rank(SILAO, list(reversed(firms)), REF)


def test_reverse_view_lists_fits_first() -> None:
    firm = _firm("EEE", {"machining"}, "11")
    needs = [SILAO, Need("N9", "Aero", ("machining",), None, ())]
    out = for_firm(firm, needs, REF)
    assert [(m.need, m.qualified) for m in out] == [("N9", True), ("N1", False)]


def test_export_and_size_criteria() -> None:
    need = Need("N3", "Buyer", ("machining",), None, (), "", (), None, None, ("small",),
                True, frozenset({"export", "size"}))
    mission = ProgramStep("MISION", "trade_mission", "completed", date(2026, 1, 1))
    ok = _firm("FFF", {"machining"}, steps=[mission])
    big = _firm("GGG", {"machining"}, size="large")
    assert evaluate(need, ok, REF).components["history"] == 0.75
    assert evaluate(need, ok, REF).qualified
    assert evaluate(need, big, REF).failed == ("size", "export")


# -- consortia ------------------------------------------------------------------------------

def test_minimum_cover_by_hand() -> None:
    # bill a,b,c,d. Covers of size 2: {F1,F2}, {F3,F4}, {F5,F2}, {F5,F4}; none of size 1.
    firms = [_firm("F1", {"a", "b"}), _firm("F2", {"c", "d"}), _firm("F3", {"a", "c"}),
             _firm("F4", {"b", "d"}), _firm("F5", {"a", "b", "c"}), _firm("F6", {"x"})]
    result = minimum_cover(["a", "b", "c", "d"], firms,
                           scores={"F3": 0.9, "F4": 0.9, "F1": 0.5, "F2": 0.5})
    assert result.size == 2 and result.proven_optimal and result.status == "optimal"
    assert result.members == ("F3", "F4")  # the best-scored pair of size 2
    assert result.covers == {"a": ("F3",), "b": ("F4",), "c": ("F3",), "d": ("F4",)}
    assert result.eligible == 5  # F6 runs none of the bill


def test_fractional_lp_bound_is_rounded_up_in_the_proof() -> None:
    # a, b, c pairwise: the LP takes ½ of each firm (1.5); any cover needs 2
    firms = [_firm("P", {"a", "b"}), _firm("Q", {"b", "c"}), _firm("R", {"a", "c"})]
    result = minimum_cover(["a", "b", "c"], firms)
    assert result.lp_bound == pytest.approx(1.5) and result.size == 2
    assert result.proven_optimal and result.gap == 0


def test_uncovered_processes_are_reported() -> None:
    result = minimum_cover(["a", "zz"], [_firm("F1", {"a"})])
    assert result.members == ("F1",) and result.uncovered == ("zz",)
    empty = minimum_cover(["zz"], [_firm("F1", {"a"})])
    assert empty.size == 0 and empty.status == "infeasible"


# -- need files -----------------------------------------------------------------------------

KNOWN = Known(frozenset({"stamping", "welding"}), frozenset({"ISO9001", "IATF16949"}),
              frozenset({"automotive"}))


def test_need_file_parsed() -> None:
    needs = needs_from_data({"code": "N1", "buyer": "OEM", "sector": "automotive",
                             "processes": ["stamping"], "location": {"from_state": "11",
                                                                      "max_km": 300},
                             "hard": ["processes", "location"]}, known=KNOWN, file="n.yaml")
    assert needs[0].certifications is None  # "usual" by default: the sector's required ones
    assert needs[0].origin == state_point("11") and needs[0].max_km == 300
    assert needs[0].hard == frozenset({"processes", "location"})


def test_bad_need_file_lists_every_problem() -> None:
    data = [{"code": "N1", "processes": ["stampin"], "certifications": ["ISO9000"],
             "location": {"from_state": "40", "max_km": -5}, "hard": ["price"], "colour": 1},
            {"code": "N1", "certifications": "usual", "export_experience": "yes"}]
    with pytest.raises(InputError) as caught:
        needs_from_data(data, known=KNOWN, file="needs.yaml", lang="es")
    fields = [p.field for p in caught.value.problems]
    assert fields == ["[1].colour", "[1].processes", "[1].certifications",
                      "[1].location.from_state", "[1].location.max_km", "[1].hard",
                      "[2].certifications", "[2].export_experience", "code"]
    assert "proceso desconocido" in caught.value.render("es")
    assert all(p.file == "needs.yaml" for p in caught.value.problems)


def test_bill_file() -> None:
    bill, filters = bill_from_data({"bill": ["stamping", "welding"]}, known=KNOWN, file="b")
    assert bill == ("stamping", "welding") and filters.sizes == ("micro", "small", "medium")
    with pytest.raises(InputError):
        bill_from_data({"bill": []}, known=KNOWN, file="b")
    with pytest.raises(InputError):
        bill_from_data(["stamping"], known=KNOWN, file="b")
