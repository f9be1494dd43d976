"""Setting up the demo: official data into the warehouse, the demo registry, demo users.

Each step calls the loader its area ships (``warehouse.hts.load_edition``,
``warehouse.flows.load_source``/``load_hts_naics``, ``registry.demo.seed_demo``); the steps are
a table so a missing area is reported and skipped, never faked. Used by ``comexlab demo run``,
the web and browser tests and the load test (bench/bench_web_load.py); a service, so the CLI
reaches it without importing the web app (users and the registry schema: ``registry/``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from comexlab.registry.auth_models import Role
from comexlab.registry.db import make_engine, transaction
from comexlab.registry.schema import ensure_registry_schema
from comexlab.registry.users import upsert_user
from comexlab.settings import Settings
from comexlab.warehouse.db import connect

Say = Callable[[str], None]


@dataclass
class DemoSummary:
    """What the demo loaded, for the printed summary."""

    steps: list[tuple[str, str]] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (user, role, password)


def load_hts(settings: Settings, say: Say) -> str:
    """Every HTS edition shipped in the data folder (2013, 2025, 2026r10)."""
    from comexlab.sources import usitc_hts
    from comexlab.warehouse import hts

    con = connect(settings.warehouse)
    try:
        lines = 0
        for key in usitc_hts.EDITIONS:
            say(f"HTS {key}")
            lines += hts.load_edition(con, key, data_dir=settings.data).lines
    finally:
        con.close()
    return f"{len(usitc_hts.EDITIONS)} editions, {lines:,} lines"


def load_flows(settings: Settings, say: Say) -> str:
    """Every shipped flow source and the HTS10 → NAICS concordance."""
    from comexlab.sources import flow_sources
    from comexlab.warehouse import flows

    con = connect(settings.warehouse)
    try:
        rows = 0
        for name in flow_sources.SHIPPED:
            say(f"flows {name}")
            rows += flows.load_source(con, name, data_dir=settings.data).rows
        flows.load_hts_naics(con, data_dir=settings.data)
    finally:
        con.close()
    return f"{len(flow_sources.SHIPPED)} sources, {rows:,} rows"


def seed_registry(settings: Settings, say: Say) -> str:
    """The registry schema (migrations) and the seeded demo registry (labelled demo)."""
    from comexlab.registry.demo import seed_demo

    say("registry")
    engine = make_engine(settings.registry_url)
    try:
        ensure_registry_schema(engine)
        report = seed_demo(engine, as_of=date.today())
    finally:
        engine.dispose()
    firms = next((r for r in report.rows() if r["entity"] == "firms"), {})
    return f"{sum(v for k, v in firms.items() if k != 'entity')} demo firms"


def load_baci(settings: Settings, say: Say) -> str:
    """The shipped BACI extracts (2018 shrimp world matrix; 2021 South Africa/Afghanistan)."""
    from comexlab.services import markets
    from comexlab.sources.files import data_path

    con = connect(settings.warehouse)
    try:
        say("baci")
        files = [data_path(f, data_dir=settings.data) for f in markets.SHIPPED_BACI]
        loaded = markets.load(con, files)
    finally:
        con.close()
    return f"{len(loaded)} datasets, {sum(item.rows for item in loaded):,} rows"


def load_plants(settings: Settings, say: Say) -> str:
    """SEMARNAT RETC 2022 into the warehouse and its manufacturing plants into the registry.

    So the demo shows real Jalisco and Guanajuato plants (labelled with their source) beside
    the DEMO firms, and the OEM plants the opportunities measure distances to.
    """
    from comexlab.services.supply import ImportPlantsRequest, import_retc_plants
    from comexlab.sources import semarnat_retc
    from comexlab.sources.files import data_path
    from comexlab.warehouse.establishments import load_retc

    say("RETC")
    con = connect(settings.warehouse)
    engine = make_engine(settings.registry_url)
    try:
        load_retc(con, data_path(f"{semarnat_retc.FOLDER}/es_2022.csv.gz",
                                 data_dir=settings.data))
        result = import_retc_plants(con, engine, ImportPlantsRequest())
    finally:
        con.close()
        engine.dispose()
    imported = sum(c.imported + c.updated for c in result.counts)
    refused = sum(c.refused_total for c in result.counts)
    return f"RETC {result.year}: {imported:,} plants, {refused:,} refused (not manufacturing)"


def load_fdi(settings: Settings, say: Say) -> str:
    """SE's FDI by state into the warehouse: the site profiles' investment trend."""
    from comexlab.sources import se_fdi
    from comexlab.sources.files import data_path
    from comexlab.warehouse.sites import load_fdi as load

    say("FDI")
    con = connect(settings.warehouse)
    try:
        n = load(con, data_path(f"{se_fdi.FOLDER}/{se_fdi.FILE}", data_dir=settings.data))
    finally:
        con.close()
    return f"SE FDI: {n:,} state × type × quarter rows"


STEPS: tuple[tuple[str, Callable[[Settings, Say], str]], ...] = (
    ("hts", load_hts),
    ("flows", load_flows),
    ("baci", load_baci),
    ("registry", seed_registry),
    ("plants", load_plants),
    ("fdi", load_fdi),
)


def demo_password(username: str) -> str:
    """A fresh random password that passes the password policy (16 random URL-safe chars)."""
    from comexlab.errors import InputError
    from comexlab.registry.passwords import check_password_policy

    while True:  # a random 96-bit string fails zxcvbn only by freak chance: try again
        password = secrets.token_urlsafe(12)
        try:
            check_password_policy(password, username)
        except InputError:
            continue
        return password


def create_demo_users(settings: Settings) -> list[tuple[str, str, str]]:
    """admin, analyst and a firm user (of the first demo firm), with fresh random passwords."""
    from comexlab.registry.models import Firm

    engine = make_engine(settings.registry_url)
    users = []
    try:
        ensure_registry_schema(engine)
        with transaction(engine) as session:
            firm_id = session.scalar(select(Firm.id).order_by(Firm.id).limit(1))
            wanted: list[tuple[str, Role, int | None]] = [
                ("admin", Role.ADMIN, None), ("analyst", Role.ANALYST, None)]
            if firm_id is not None:
                wanted.append(("empresa", Role.FIRM, firm_id))
            for name, role, fid in wanted:
                password = demo_password(name)
                upsert_user(session, name, password, role=role, firm_id=fid)
                users.append((name, role.value, password))
    finally:
        engine.dispose()
    return users


def set_up(settings: Settings, say: Say = lambda _msg: None) -> DemoSummary:
    """Run every step and create the demo users."""
    summary = DemoSummary()
    for name, step in STEPS:
        summary.steps.append((name, step(settings, say)))
    summary.users = create_demo_users(settings)
    return summary
