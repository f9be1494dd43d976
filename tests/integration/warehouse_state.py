"""What a refused load must leave untouched: every warehouse table, counted and hashed.

Shared by the bad-input corpora (HTS, DataWeb) and the older malformed-file tests.
"""

from __future__ import annotations

import duckdb

from comexlab.warehouse.schema import DDL


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[object, ...]]:
    """Row count and an order-independent hash of every row of every warehouse table."""
    return {table: con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone()
            for table in DDL}
