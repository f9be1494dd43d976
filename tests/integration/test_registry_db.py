"""Registry on SQLite and PostgreSQL: migrations, services, clusters, programs, demo."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from registry_rows import FIRM_A, sheets
from registry_support import bare_engine, engine  # noqa: F401  (fixtures)
from sqlalchemy import Engine

from comexlab.errors import NotFoundError
from comexlab.registry import db, services
from comexlab.registry.demo import demo_tables, seed_demo
from comexlab.registry.importer import import_sheets
from comexlab.registry.models import Base
from comexlab.supply.certification import CertStatus

AS_OF = date(2026, 11, 25)


def test_migrations_upgrade_and_downgrade_cleanly(bare_engine: Engine) -> None:  # noqa: F811
    db.upgrade(bare_engine)
    assert db.current_revision(bare_engine) == db.head_revision()
    tables = set(sa.inspect(bare_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    db.downgrade(bare_engine, "base")
    assert db.current_revision(bare_engine) is None
    assert set(sa.inspect(bare_engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(bare_engine)  # and back up again
    assert db.current_revision(bare_engine) == db.head_revision()


def test_migrated_schema_matches_the_models(engine: Engine) -> None:  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    assert diff == []


def test_gap_names_iatf_for_a_firm_without_it(engine: Engine) -> None:  # noqa: F811
    import_sheets(engine, sheets())
    with db.reading(engine) as session:
        gap = services.firm_gap(session, FIRM_A, "automotive", today=AS_OF)
    assert gap.missing == ("IATF16949",)
    assert gap.held == ("ISO9001",)


def test_firm_search_by_process_status_cluster_and_program(engine: Engine) -> None:  # noqa: F811
    seed_demo(engine, as_of=AS_OF)
    with db.reading(engine) as session:
        stamping = services.list_firms(session, services.FirmFilter(process="stamping"),
                                       today=AS_OF)
        expired = services.list_firms(session, services.FirmFilter(
            standard="IATF 16949", cert_status=CertStatus.expired), today=AS_OF)
        clajal = services.list_firms(session, services.FirmFilter(cluster="CLAJAL"), today=AS_OF)
        enrolled = services.list_firms(session, services.FirmFilter(program="CERT-IATF"),
                                       today=AS_OF)
        profile = services.firm_profile(session, clajal.rfc.iloc[0], today=AS_OF)
    assert len(stamping) > 0 and all("stamping" in p for p in stamping.processes)
    assert len(expired) > 0
    assert len(clajal) >= 30 and set(clajal.state) == {"14"}
    assert len(enrolled) == 8
    assert "CLAJAL" in " ".join(profile.clusters)


def test_cluster_graph_queries(engine: Engine) -> None:  # noqa: F811
    seed_demo(engine, as_of=AS_OF)
    with db.reading(engine) as session:
        neighbours = services.cluster_neighbours(session, "claugto")
        path = services.cluster_path(session, "CLAJAL", "CAEM")
        own = services.firms_reachable(session, "CLAJAL", max_hops=0)
        near = services.firms_reachable(session, "CLAJAL", max_hops=1)
        with pytest.raises(NotFoundError):
            services.cluster_path(session, "CLAJAL", "NOPE")
    assert set(neighbours.code) == {"CLAJAL", "CAQRO", "CLAGS"}
    jal_gto = neighbours.set_index("code").loc["CLAJAL", "kinds"]
    assert jal_gto == "collaboration_agreement, supplier_exchange"
    assert path[0] == "CLAJAL" and path[-1] == "CAEM" and len(path) == 4
    assert set(own.hops) == {0} and len(own) == 34
    assert set(near.hops) == {0, 1} and set(near.cluster) == {"CLAJAL", "CLAUGTO", "CLAUT"}


def test_enrolment_status_history(engine: Engine) -> None:  # noqa: F811
    seed_demo(engine, as_of=AS_OF)
    with db.reading(engine) as session:
        row = services.list_enrolments(session, program="LEAN", status="applied").iloc[0]
    with db.transaction(engine) as session:
        services.change_enrolment_status(session, "LEAN", row.rfc, "accepted",
                                         on=row.status_on, note="committee")
    with db.reading(engine) as session:
        after = services.list_enrolments(session, program="LEAN", rfc=row.rfc).iloc[0]
    assert after.status == "accepted"
    assert after.history == "applied → accepted"


def test_demo_is_deterministic_labelled_and_mixed(engine: Engine) -> None:  # noqa: F811
    tables = demo_tables(AS_OF)
    assert tables == demo_tables(AS_OF)
    assert all(f["legal_name"].startswith("DEMO ") and f["is_demo"] for f in tables["firms"])
    assert {f["state_code"] for f in tables["firms"]} >= {"14", "11"}
    seed_demo(engine, as_of=AS_OF)
    assert seed_demo(engine, as_of=AS_OF).changed == 0
    with db.reading(engine) as session:
        statuses = set(services.expiring_certificates(session, today=AS_OF).status)
        clusters = services.list_clusters(session).set_index("code")
        programs = services.list_programs(session).set_index("code")
    assert statuses == {"expired", "expiring"}
    assert clusters.loc["CLAJAL", "members"] >= 30
    assert programs.loc["ECOM-AMAZON-US", "marketplace"] == "Amazon"
