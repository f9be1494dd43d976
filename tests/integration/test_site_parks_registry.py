"""Agency industrial parks: imported from a sheet like other registry entities, used by sites.

The park rows are test data (a demo park near Lagos de Moreno's seat, flagged is_demo); the
agency enters its parks' surveyed coordinates with the ``industrial_parks`` sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from registry_support import bare_engine, engine  # noqa: F401  (fixtures)
from sqlalchemy import Engine, func, select

from comexlab.errors import InputError
from comexlab.registry.db import reading
from comexlab.registry.exporter import export_frames
from comexlab.registry.importer import import_files
from comexlab.registry.models import IndustrialPark
from comexlab.services import sites as svc
from comexlab.warehouse.db import connect
from comexlab.warehouse.establishments import load_retc

HEADER = ("park_code,name,state_code,municipality_code,latitude,longitude,services,"
          "available_land_ha,website,is_demo")
GOOD = ('DEMO-LAGOS,Colinas de Lagos (demo),14,053,21.3400,-101.9000,'
        '"rail spur; natural gas",120,,true')


def sheet(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "industrial_parks.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_parks_import_and_round_trip(engine: Engine, tmp_path: Path) -> None:  # noqa: F811
    report = import_files(engine, [sheet(tmp_path, GOOD)], entity="industrial_parks")
    assert report.rows() == [{"entity": "industrial_parks", "inserted": 1, "updated": 0,
                              "unchanged": 0}]
    again = import_files(engine, [sheet(tmp_path, GOOD)], entity="industrial_parks")
    assert again.rows()[0]["unchanged"] == 1
    with reading(engine) as session:
        frames = export_frames(session, ["industrial_parks"])
    row = frames["industrial_parks"].iloc[0]
    assert (row["park_code"], row["available_land_ha"]) == ("DEMO-LAGOS", 120.0)


@pytest.mark.parametrize(("row", "field"), [
    ('P1,Parque,14,053,40.7,-74.0,,,,false', "latitude"),  # New York
    ('P1,Parque,14,053,21.3,101.9,,,,false', "latitude"),  # west written positive
    ('P1,Parque,14,053,abc,-101.9,,,,false', "latitude"),
    ('P1,Parque,99,053,21.3,-101.9,,,,false', "state_code"),
    ('P1,Parque,14,053,21.3,-101.9,,-5,,false', "available_land_ha"),
    (',Parque,14,053,21.3,-101.9,,,,false', "park_code"),
])
def test_bad_park_rows_are_refused_and_nothing_written(
        row: str, field: str, engine: Engine, tmp_path: Path) -> None:  # noqa: F811
    with pytest.raises(InputError) as err:
        import_files(engine, [sheet(tmp_path, GOOD, row)], entity="industrial_parks")
    assert any(p.row == 3 and p.field == field for p in err.value.problems)
    with reading(engine) as session:
        assert session.scalar(select(func.count()).select_from(IndustrialPark)) == 0


def test_profile_by_agency_park(engine: Engine, tmp_path: Path,  # noqa: F811
                                shared_file: Callable[[str], Path]) -> None:
    import_files(engine, [sheet(tmp_path, GOOD)], entity="industrial_parks")
    con = connect(tmp_path / "wh.duckdb")
    load_retc(con, shared_file("semarnat_retc_establishments/es_2022.csv.gz"))
    prof = svc.site_profile(con, engine, svc.ProfileRequest(svc.SiteQuery(
        park="Colinas de Lagos")))
    con.close()
    assert prof.site.located_by == "park_registry" and prof.site.state_code == "14"
    assert (prof.site.latitude, prof.site.longitude) == (21.34, -101.9)
    agency = [p for p in prof.parks if p.source == "registry"]
    assert agency and agency[0].km == 0.0 and agency[0].available_land_ha == 120.0
