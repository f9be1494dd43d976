"""Small hand-written registry rows shared by the registry integration tests."""

from __future__ import annotations

from datetime import date

from comexlab.registry.entities import ENTITIES
from comexlab.registry.importer import Sheet
from comexlab.supply.rfc import make_rfc

FIRM_A = make_rfc("EBA", date(2005, 3, 14), "K7")  # automotive, ISO 9001 only
FIRM_B = make_rfc("MOC", date(1998, 11, 2), "T2")  # automotive, ISO 9001 + IATF 16949


def rows() -> dict[str, list[dict]]:
    """Two firms with plants, certificates, a cluster and a program."""
    return {
        "firms": [
            {"rfc": FIRM_A, "legal_name": "Estampados Bajío Test S.A. de C.V.",
             "state_code": "11", "municipality_code": "020", "employees": 45,
             "sectors": "automotive", "processes": "stamping; welding", "exporter": "no"},
            {"rfc": FIRM_B, "legal_name": "Moldes Occidente Test S.A. de C.V.",
             "state_code": "14", "municipality_code": "120", "employees": 300,
             "sectors": "automotive", "processes": "mold_fabrication", "exporter": "sí",
             "export_destinations": "USA; CAN"},
        ],
        "plants": [{"firm_rfc": FIRM_A, "plant_name": "Planta León", "state_code": "11",
                    "municipality_code": "020", "industrial_park": "Colinas"}],
        "certifications": [
            {"firm_rfc": FIRM_A, "standard": "ISO 9001", "certificate_number": "Q-1",
             "issued_on": "2025-01-10", "expires_on": "2028-01-09", "plant_name": "Planta León"},
            {"firm_rfc": FIRM_B, "standard": "ISO 9001", "certificate_number": "Q-2",
             "issued_on": "2024-05-01", "expires_on": "2027-04-30"},
            {"firm_rfc": FIRM_B, "standard": "IATF 16949", "certificate_number": "A-2",
             "issued_on": "2024-05-01", "expires_on": "2026-12-15"},
        ],
        "clusters": [{"cluster_code": "TESTCL", "name": "Test cluster", "state_code": "14"}],
        "cluster_members": [{"cluster_code": "TESTCL", "firm_rfc": FIRM_B}],
        "programs": [{"program_code": "P1", "name": "Test program", "kind": "training"}],
        "enrolments": [{"program_code": "P1", "firm_rfc": FIRM_A, "status": "applied",
                        "status_on": "2026-01-05"}],
    }


def sheets(data: dict[str, list[dict]] | None = None) -> list[Sheet]:
    """``rows()`` as importer sheets (row numbers as Excel would show them)."""
    out = []
    for name, table in (data or rows()).items():
        spec = ENTITIES[name]
        out.append(Sheet(f"{name}.csv", spec, spec.column_names,
                         tuple((i + 2, r) for i, r in enumerate(table))))
    return out
