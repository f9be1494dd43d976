"""A deterministic demo registry: clearly labelled fictional firms, clusters and programs.

Everything here is invented (legal names start with ``DEMO``, every row has ``is_demo = yes``,
e-mails use the reserved ``.example`` domain) but shaped like the agencies' real spreadsheets:
suppliers across Jalisco and Guanajuato (a few in the partner clusters' states) with plausible
processes and certifications, the Jalisco automotive cluster with 30+ members linked to the
Guanajuato, Nuevo León, Querétaro, Aguascalientes and Estado de México clusters, and programs
with enrolment histories. Certificate dates are placed relative to ``as_of`` so that, whatever
the day, some certificates are valid, some expiring and some expired. The tables go through the
normal importer, so the demo is validated like any agency file and re-seeding is idempotent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from comexlab.registry.entities import ENTITIES
from comexlab.registry.importer import ImportReport, Sheet, import_sheets
from comexlab.supply.rfc import make_rfc

DEMO_SEED = 2026


@dataclass(frozen=True, slots=True)
class _Place:
    state: str
    municipality: str
    town: str
    park: str


_PLACES: dict[str, tuple[_Place, ...]] = {
    "14": (_Place("14", "039", "Guadalajara", "Parque Industrial Guadalajara"),
           _Place("14", "120", "Zapopan", "Parque Industrial Belenes"),
           _Place("14", "098", "Tlaquepaque", "Parque Industrial San Pedro"),
           _Place("14", "097", "Tlajomulco", "Parque Industrial Tlajomulco"),
           _Place("14", "070", "El Salto", "Parque Industrial El Salto"),
           _Place("14", "053", "Lagos de Moreno", "Parque Industrial Lagos")),
    "11": (_Place("11", "020", "León", "Parque Industrial Colinas de León"),
           _Place("11", "037", "Silao", "Puerto Interior"),
           _Place("11", "017", "Irapuato", "Parque Industrial Castro del Río"),
           _Place("11", "007", "Celaya", "Parque Industrial Amistad Bajío"),
           _Place("11", "027", "Salamanca", "Parque Industrial Salamanca"),
           _Place("11", "005", "Apaseo el Grande", "Parque Industrial Apaseo"),
           _Place("11", "032", "San José Iturbide", "Parque Industrial Opción")),
    "19": (_Place("19", "006", "Apodaca", "Parque Industrial Apodaca"),),
    "22": (_Place("22", "011", "El Marqués", "Parque Industrial Bernardo Quintana"),),
    "01": (_Place("01", "001", "Aguascalientes", "Parque Industrial San Francisco"),),
    "15": (_Place("15", "051", "Lerma", "Parque Industrial Lerma"),),
}

# Trade word of the legal name → processes such a shop usually runs, and its sectors.
_TRADES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Estampados", ("stamping", "welding", "painting"), ("automotive", "appliances")),
    ("Troqueles", ("mold_fabrication", "mold_maintenance", "machining"), ("automotive",)),
    ("Moldes", ("mold_fabrication", "mold_maintenance"), ("automotive", "appliances")),
    ("Inyectados", ("plastic_injection", "packaging"), ("automotive", "appliances", "medical")),
    ("Plásticos", ("plastic_injection", "blow_moulding", "extrusion_plastic"),
     ("automotive", "food")),
    ("Maquinados", ("machining", "heat_treatment"), ("automotive", "aerospace")),
    ("Fundiciones", ("casting", "die_casting", "machining"), ("automotive",)),
    ("Forjas", ("forging", "heat_treatment", "machining"), ("automotive", "energy")),
    ("Recubrimientos", ("surface_treatment", "painting"), ("automotive", "appliances")),
    ("Arneses", ("wire_harness", "electromechanical_assembly"), ("automotive", "appliances")),
    ("Electrónica", ("pcb_assembly", "electromechanical_assembly"), ("electronics", "automotive")),
    ("Suajes y Laminados", ("die_cutting", "lamination"), ("automotive", "electronics")),
    ("Resortes", ("spring_making", "heat_treatment"), ("automotive", "appliances")),
    ("Tornillería", ("fasteners", "heat_treatment"), ("automotive",)),
    ("Vestiduras", ("textile_cut_sew", "leather_cut_sew", "foam_moulding"),
     ("automotive", "footwear")),
    ("Hules Técnicos", ("rubber_moulding", "die_cutting"), ("automotive", "appliances")),
    ("Herramentales", ("tool_making", "machining"), ("automotive", "aerospace")),
    ("Automatización", ("industrial_automation", "electromechanical_assembly"),
     ("automotive", "food")),
    ("Metrología", ("metrology",), ("automotive", "aerospace", "medical")),
    ("Tubos y Doblados", ("tube_bending", "welding"), ("automotive", "agricultural_machinery")),
)
_REGIONS = {"14": ("de Occidente", "Tapatíos", "de Jalisco", "Alteños", "del Pacífico"),
            "11": ("del Bajío", "de Guanajuato", "Leoneses", "Celayenses", "del Centro"),
            "19": ("del Norte",), "22": ("Queretanos",), "01": ("Hidrocálidos",),
            "15": ("Mexiquenses",)}
_FORMS = ("S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V.")
_BODIES = ("DEMO Certificadora Bajío", "DEMO Registro de Calidad Occidente",
           "DEMO Auditores Internacionales")
_HOMOCLAVE = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"


def _letters(name: str) -> str:
    words = [w for w in name.replace("DEMO ", "").split() if w[0].isupper()]
    initials = "".join(w[0] for w in words)
    return (initials + "XXX")[:3].upper().replace("É", "E").replace("Í", "I").replace("Ó", "O")


def _firm_rows(rng: random.Random) -> list[dict[str, Any]]:
    plan = [("14", 62), ("11", 52), ("19", 4), ("22", 4), ("01", 3), ("15", 3)]
    firms, names, rfcs = [], set(), set()
    for state, count in plan:
        for _ in range(count):
            trade, procs, sectors = rng.choice(_TRADES)
            name = f"DEMO {trade} {rng.choice(_REGIONS[state])} {rng.choice(_FORMS)}"
            while name in names:
                name = name.replace("DEMO ", f"DEMO {rng.choice('ABCDEFGHJK')}. ", 1)
            names.add(name)
            rfc = ""
            while not rfc or rfc in rfcs:
                born = date(1985, 1, 1) + timedelta(days=rng.randrange(13000))
                rfc = make_rfc(_letters(name), born,
                               rng.choice(_HOMOCLAVE) + rng.choice(_HOMOCLAVE))
            rfcs.add(rfc)
            place = rng.choice(_PLACES[state])
            employees = int(min(2500, rng.lognormvariate(4.0, 1.1)))
            exporter = employees > 60 and rng.random() < 0.6
            firms.append({
                "rfc": rfc, "legal_name": name, "state_code": state,
                "municipality_code": place.municipality, "employees": employees,
                "activity": "services" if trade == "Metrología" else "industry",
                "chain_role": ("service" if trade in ("Metrología", "Automatización")
                               else rng.choice(("tier1", "tier2", "tier2", "tier3"))),
                "sectors": "; ".join(sectors[: rng.randint(1, len(sectors))]),
                "processes": "; ".join(procs[: rng.randint(1, len(procs))]),
                "exporter": exporter,
                "export_destinations": ("; ".join(rng.sample(["USA", "CAN", "DEU", "BRA", "JPN"],
                                                             rng.randint(1, 3)))
                                        if exporter else None),
                "website": None, "is_demo": True,
                "_place": place, "_sectors": sectors,
            })
    return firms


def _certifications(rng: random.Random, firms: list[dict[str, Any]], as_of: date
                    ) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(firm: dict[str, Any], standard: str, years: int = 3) -> None:
        issued = as_of - timedelta(days=rng.randrange(0, 365 * years + 200))
        expires = issued + timedelta(days=365 * years)
        rows.append({"firm_rfc": firm["rfc"], "standard": standard,
                     "certificate_number": f"DEMO-{standard}-{len(rows) + 1:05d}",
                     "certifying_body": rng.choice(_BODIES), "issued_on": issued,
                     "expires_on": expires, "plant_name": f"Planta {firm['_place'].town}"})

    for firm in firms:
        if rng.random() < 0.75:
            add(firm, "ISO9001")
            if "automotive" in firm["_sectors"] and rng.random() < 0.5:
                add(firm, "IATF16949")
        if rng.random() < 0.3:
            add(firm, "ISO14001")
        if rng.random() < 0.1:
            add(firm, "INDUSTRIA_LIMPIA", years=2)
        extra = {"aerospace": "AS9100", "medical": "ISO13485", "electronics": "IPCA610"}
        for sector, standard in extra.items():
            if sector in firm["_sectors"] and rng.random() < 0.4:
                add(firm, standard)
    return rows


_CLUSTERS = (
    ("CLAJAL", "Clúster Automotriz de Jalisco (demo)", "14", 34),
    ("CLAUGTO", "Clúster Automotriz de Guanajuato (demo)", "11", 30),
    ("CLAUT", "Clúster Automotriz de Nuevo León (demo)", "19", 4),
    ("CAQRO", "Clúster Automotriz de Querétaro (demo)", "22", 4),
    ("CLAGS", "Clúster Automotriz de Aguascalientes (demo)", "01", 3),
    ("CAEM", "Clúster Automotriz del Estado de México (demo)", "15", 3),
)
_LINKS = (
    ("CLAJAL", "CLAUGTO", "collaboration_agreement", date(2019, 5, 14)),
    ("CLAJAL", "CLAUGTO", "supplier_exchange", date(2021, 9, 2)),
    ("CLAJAL", "CLAUT", "joint_trade_mission", date(2022, 3, 8)),
    ("CLAUGTO", "CAQRO", "supplier_exchange", date(2020, 11, 20)),
    ("CLAUGTO", "CLAGS", "collaboration_agreement", date(2018, 6, 1)),
    ("CLAUT", "CAQRO", "information_exchange", date(2023, 1, 17)),
    ("CAQRO", "CAEM", "shared_training", date(2024, 4, 9)),
)


def _cluster_rows(rng: random.Random, firms: list[dict[str, Any]]
                  ) -> tuple[list[dict], list[dict], list[dict]]:
    clusters, members = [], []
    for code, name, state, size in _CLUSTERS:
        clusters.append({"cluster_code": code, "name": name, "state_code": state,
                         "sector": "automotive", "is_demo": True,
                         "description": "Demo data: fictional membership, not the real cluster"})
        pool = [f for f in firms if f["state_code"] == state and "automotive" in f["_sectors"]]
        pool += [f for f in firms if f["state_code"] == state and f not in pool]
        for i, firm in enumerate(pool[:size]):
            members.append({"cluster_code": code, "firm_rfc": firm["rfc"],
                            "role": "anchor" if i == 0 else "board" if i < 3 else "member",
                            "joined_on": date(2016, 1, 1) + timedelta(days=rng.randrange(3000))})
    links = [{"cluster_a": a, "cluster_b": b, "kind": k, "since": s, "notes": "demo link"}
             for a, b, k, s in _LINKS]
    return clusters, members, links


_PROGRAMS = (
    ("CERT-IATF", "DEMO Acompañamiento a la certificación IATF 16949", "certification_support",
     None, None, "IATF16949"),
    ("LEAN", "DEMO Capacitación en manufactura esbelta", "training", None, None, None),
    ("MODERNIZA", "DEMO Fondo de modernización de maquinaria", "modernisation_funding",
     None, None, None),
    ("CONSORCIO-AUTOPARTES", "DEMO Consorcio de exportación de autopartes",
     "export_consortium", None, "USA; CAN", None),
    ("MISION-TEXAS", "DEMO Misión comercial a Texas", "trade_mission", None, "USA", None),
    ("FERIA-HANNOVER", "DEMO Pabellón en Hannover Messe", "trade_fair", None, "DEU", None),
    ("ECOM-AMAZON-US", "DEMO Alta de productos en Amazon Estados Unidos",
     "ecommerce_onboarding", "Amazon", "USA", None),
    ("ECOM-MELI", "DEMO Alta en Mercado Libre Latinoamérica", "ecommerce_onboarding",
     "Mercado Libre", "ARG; CHL; COL", None),
)
_PATH = ("applied", "accepted", "in_progress", "completed")


def _program_rows(rng: random.Random, firms: list[dict[str, Any]], as_of: date,
                  certs: list[dict[str, Any]]) -> tuple[list[dict], list[dict], list[dict]]:
    programs, enrolments, history = [], [], []
    for code, name, kind, market, countries, standard in _PROGRAMS:
        starts = as_of - timedelta(days=rng.randrange(200, 500))
        programs.append({"program_code": code, "name": name, "kind": kind,
                         "agency": rng.choice(("JALTRADE", "COFOCE")), "starts_on": starts,
                         "ends_on": starts + timedelta(days=365), "marketplace": market,
                         "target_countries": countries, "is_demo": True,
                         "description": "Demo program"})
        for firm in rng.sample(firms, 8):
            steps = rng.randint(1, len(_PATH))
            status_list = list(_PATH[:steps])
            if steps < len(_PATH) and rng.random() < 0.2:
                status_list.append(rng.choice(("dropped", "rejected")))
            day = starts + timedelta(days=rng.randrange(0, 30))
            for status in status_list:
                day = min(day, as_of)  # a step of the history has happened by as_of
                history.append({"program_code": code, "firm_rfc": firm["rfc"], "status": status,
                                "changed_on": day, "note": None})
                last_day = day
                day += timedelta(days=rng.randrange(10, 60))
            done = status_list[-1] == "completed"
            row = {"program_code": code, "firm_rfc": firm["rfc"], "status": status_list[-1],
                   "status_on": last_day, "enrolled_on": history[-len(status_list)]["changed_on"],
                   "certificate_obtained": standard if done else None,
                   "first_export_on": None, "export_sales_usd": None, "notes": None}
            if done and standard:
                certs.append({"firm_rfc": firm["rfc"], "standard": standard,
                              "certificate_number": f"DEMO-{standard}-P{len(certs) + 1:04d}",
                              "certifying_body": _BODIES[0], "issued_on": last_day,
                              "expires_on": last_day + timedelta(days=3 * 365),
                              "plant_name": f"Planta {firm['_place'].town}"})
            if done and kind in ("export_consortium", "trade_mission", "trade_fair",
                                 "ecommerce_onboarding"):
                row["first_export_on"] = min(as_of,
                                             last_day + timedelta(days=rng.randrange(20, 120)))
                row["export_sales_usd"] = float(rng.randrange(20, 900) * 1000)
            enrolments.append(row)
    return programs, enrolments, history


def demo_tables(as_of: date, *, seed: int = DEMO_SEED) -> dict[str, list[dict[str, Any]]]:
    """The demo registry as importer-shaped rows per entity (same seed and day → same rows)."""
    rng = random.Random(seed)
    firms = _firm_rows(rng)
    certs = _certifications(rng, firms, as_of)
    clusters, members, links = _cluster_rows(rng, firms)
    programs, enrolments, history = _program_rows(rng, firms, as_of, certs)
    plants = [{"firm_rfc": f["rfc"], "plant_name": f"Planta {f['_place'].town}",
               "state_code": f["state_code"], "municipality_code": f["_place"].municipality,
               "industrial_park": f["_place"].park,
               "capacity_notes": f"Demo: {f['employees']} employees"} for f in firms]
    contacts = [{"firm_rfc": f["rfc"], "name": f"Contacto Demo {i + 1}",
                 "position": "Gerente de Calidad", "email": f"contacto{i + 1}@demo.example",
                 "phone": None} for i, f in enumerate(firms)]
    public_firms = [{k: v for k, v in f.items() if not k.startswith("_")} for f in firms]
    return {"firms": public_firms, "contacts": contacts, "plants": plants,
            "certifications": certs, "clusters": clusters, "cluster_members": members,
            "cluster_links": links, "programs": programs, "enrolments": enrolments,
            "enrolment_history": history}


def seed_demo(engine: Engine, *, as_of: date, seed: int = DEMO_SEED) -> ImportReport:
    """Load the demo registry through the normal importer (validated, idempotent)."""
    sheets = []
    for name, rows in demo_tables(as_of, seed=seed).items():
        spec = ENTITIES[name]
        body = tuple((i + 2, row) for i, row in enumerate(rows))
        sheets.append(Sheet(f"demo [{name}]", spec, spec.column_names, body))
    return import_sheets(engine, sheets, today=as_of)
