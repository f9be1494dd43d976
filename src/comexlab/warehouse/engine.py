"""Which engine runs the warehouse analytics: DuckDB (embedded, default) or Apache Spark.

The analytics are Ibis expressions (:mod:`comexlab.warehouse.expr`), so the same builders run on
Ibis's DuckDB backend or its PySpark backend; this module is the ONE place that chooses.
``COMEXLAB_ENGINE=duckdb|spark`` (settings) picks the default; :func:`using` overrides it for a
block (parity tests and the scale bench run both engines in one process).

Spark is configured by Spark's own means, never by comexlab settings: the master and options
come from ``spark-submit`` (when comexlab runs under it), ``PYSPARK_SUBMIT_ARGS``
(``--master spark://host:7077 --conf k=v pyspark-shell``) or ``spark-defaults.conf`` in
``SPARK_CONF_DIR``. With none of them, pyspark's own default applies (``local[*]``).

Where Spark reads its tables: a table already in the Spark catalog (a cluster's metastore:
``CREATE TABLE flow USING parquet LOCATION 's3a://…'``, see docs/scale.md) is used as it is;
otherwise the DuckDB warehouse table is exported to Parquet (``COPY … TO``) in a per-process
folder and registered as a Spark temporary view, once per table and load identity
(``load_log`` + row count), so a reload is seen and an unchanged table is exported once.
The exported files are on the driver's disk: fine for ``local[*]``, not for a cluster (whose
executors cannot see them) — there the tables must be in the catalog.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import ibis.expr.types as ir

from comexlab.errors import ComexlabError, InputError
from comexlab.i18n import Msg

if TYPE_CHECKING:  # pyspark is an optional extra (pip install 'comexlab[spark]')
    from pyspark.sql import SparkSession

ENGINES: tuple[str, ...] = ("duckdb", "spark")
DUCKDB = "duckdb"
SPARK = "spark"

_OVERRIDE: ContextVar[str | None] = ContextVar("comexlab_engine", default=None)


class EngineUnavailableError(ComexlabError):
    """The chosen engine cannot start (pyspark not installed, no Java): says what is missing."""

    code = "engine_unavailable"
    http_status = 503


def current() -> str:
    """The engine analytics run on now: :func:`using` block, else ``COMEXLAB_ENGINE``."""
    found = _OVERRIDE.get()
    if found is not None:
        return found
    from comexlab.settings import get_settings

    return get_settings().engine


@contextmanager
def using(name: str) -> Iterator[str]:
    """Run the block's analytics on engine ``name`` (``duckdb`` or ``spark``)."""
    if name not in ENGINES:
        raise InputError(Msg("error.src.unknown_engine", name=name, known=", ".join(ENGINES)),
                         field="engine", value=name)
    token = _OVERRIDE.set(name)
    try:
        yield name
    finally:
        _OVERRIDE.reset(token)


# --------------------------------------------------------------------------- Spark
_SESSION: dict[str, Any] = {}
_LOADED: dict[tuple[str, str], str] = {}  # (warehouse id, table) -> load identity registered


def require_spark() -> None:
    """Fail with what is missing when Spark cannot run here (no pyspark, no Java)."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailableError(Msg("error.engine_no_pyspark")) from exc
    import os

    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and not shutil.which("java"):
        raise EngineUnavailableError(Msg("error.engine_no_java"))


def spark_session() -> SparkSession:
    """The process's SparkSession, configured by Spark's own means (see module docstring)."""
    found = _SESSION.get("session")
    if found is not None:
        return found  # type: ignore[no-any-return]
    require_spark()
    from pyspark.sql import SparkSession

    session = SparkSession.builder.appName("comexlab").getOrCreate()
    _SESSION["session"] = session
    return session


def spark_backend() -> Any:
    """The Ibis PySpark backend over :func:`spark_session` (one per process)."""
    found = _SESSION.get("backend")
    if found is None:
        import ibis

        found = ibis.pyspark.connect(spark_session())
        _SESSION["backend"] = found
    return found


def _export_dir() -> Path:
    found = _SESSION.get("dir")
    if found is None:
        found = Path(tempfile.mkdtemp(prefix="comexlab-spark-"))
        atexit.register(shutil.rmtree, found, True)
        _SESSION["dir"] = found
    return Path(found)


def _warehouse_id(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse file, or the connection itself for an in-memory one."""
    row = con.execute("SELECT path FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchone()
    return str(row[0]) if row and row[0] else f"memory:{id(con)}"


def _load_identity(con: duckdb.DuckDBPyConnection, name: str) -> str:
    rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()
    log = con.execute("SELECT dataset, sha256, rows, CAST(loaded_at AS VARCHAR) FROM load_log "
                      "ORDER BY ALL").fetchall()
    return hashlib.sha256(repr((rows, log)).encode()).hexdigest()[:16]


def _in_spark_catalog(name: str) -> bool:
    """Whether the Spark catalog already holds ``name`` (a cluster's registered table)."""
    key = f"catalog:{name}"
    if key not in _SESSION:
        _SESSION[key] = bool(spark_session().catalog.tableExists(name))
    return bool(_SESSION[key])


def spark_table(con: duckdb.DuckDBPyConnection, name: str) -> ir.Table:
    """Warehouse table ``name`` on Spark: the catalog's table, else exported from ``con``."""
    ib = spark_backend()
    if _in_spark_catalog(name):
        return ib.table(name)
    key = (_warehouse_id(con), name)
    identity = _load_identity(con, name)
    view = f"cx_{hashlib.sha1(repr(key).encode()).hexdigest()[:10]}_{name}"
    if _LOADED.get(key) != identity:
        path = _export_dir() / f"{view}-{identity}.parquet"
        if not path.exists():
            con.cursor().execute(f"COPY (SELECT * FROM \"{name}\") TO '{path}' "
                                 "(FORMAT parquet)")
        spark_session().read.parquet(str(path)).createOrReplaceTempView(view)
        _LOADED[key] = identity
    return ib.table(view)


def spark_filtered(con: duckdb.DuckDBPyConnection, name: str, where_spark_sql: str) -> ir.Table:
    """``name`` filtered by a predicate already in Spark SQL (a TEMP view named after it)."""
    base = spark_table(con, name)
    view = f"cx_{hashlib.sha1(where_spark_sql.encode()).hexdigest()[:12]}_{name}_f"
    source = base.get_name()
    spark_session().sql(f"SELECT * FROM {source} WHERE {where_spark_sql}"
                        ).createOrReplaceTempView(view)
    return spark_backend().table(view)
