"""The engine setting (issue 18): one place chooses, bad values and a missing Spark fail loudly."""

from __future__ import annotations

import sys

import pytest
from pydantic import ValidationError

from comexlab.settings import Settings
from comexlab.warehouse import engine


def test_unknown_engine_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="COMEXLAB_ENGINE must be 'duckdb' or 'spark'"):
        Settings(engine="postgres")
    with pytest.raises(ValueError, match="unknown engine 'polars'"), engine.using("polars"):
        pass


def test_using_overrides_the_setting_for_a_block_only() -> None:
    before = engine.current()
    with engine.using("spark"):
        assert engine.current() == "spark"
        with engine.using("duckdb"):
            assert engine.current() == "duckdb"
        assert engine.current() == "spark"
    assert engine.current() == before


def test_missing_pyspark_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    with pytest.raises(engine.EngineUnavailableError, match=r"needs pyspark: pip install"):
        engine.require_spark()


def test_missing_java_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark")  # the pyspark case is the test above
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(engine.EngineUnavailableError, match="needs a Java runtime"):
        engine.require_spark()
