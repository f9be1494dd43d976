"""Pure pieces of the web layer: line-table paging, cache, permissions, rate limit, catalog."""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comexlab.errors import InputError
from comexlab.i18n import catalog
from comexlab.registry.auth_models import Role
from comexlab.web.auth.security import Principal
from comexlab.web.cache import TTLCache
from comexlab.web.errors import WebError
from comexlab.web.lines import MAX_PAGE_SIZE, filter_sort, page_of
from comexlab.web.ratelimit import LoginRateLimiter
from comexlab.web.views import Column

COLUMNS = [Column(name="product_code", label="HTS"), Column(name="value_usd", label="V",
                                                             kind="usd")]


def _lines(n: int) -> pd.DataFrame:
    return pd.DataFrame({"product_code": [f"{8703000000 + i}" for i in range(n)],
                         "description": ["car" if i % 2 else "truck" for i in range(n)],
                         "value_usd": [float((i * 37) % 101) for i in range(n)]})


@given(n=st.integers(0, 300), size=st.integers(1, 500), page=st.integers(1, 50))
@settings(deadline=None)  # no timed assertions: a loaded 2-core machine took 430 ms once
def test_pages_partition_the_table(n: int, size: int, page: int) -> None:
    df = _lines(n)
    first = page_of(df, COLUMNS, page=page, page_size=size)
    assert first.total == n
    assert first.page_size == min(size, MAX_PAGE_SIZE)
    assert len(first.rows) <= first.page_size
    # walking every page returns every row exactly once
    seen = []
    last = max(1, -(-n // first.page_size))
    for p in range(1, last + 1):
        seen += [r["product_code"] for r in page_of(df, COLUMNS, page=p,
                                                     page_size=size).rows]
    assert sorted(seen) == sorted(df["product_code"])


def test_sort_and_filter() -> None:
    df = _lines(50)
    desc = filter_sort(df, q=None, sort="value_usd", desc=True)
    assert list(desc["value_usd"]) == sorted(df["value_usd"], reverse=True)
    cars = filter_sort(df, q="CAR", sort=None, desc=False)
    assert len(cars) == 25 and set(cars["description"]) == {"car"}
    with pytest.raises(InputError) as err:
        filter_sort(df, q=None, sort="nope", desc=False)
    assert err.value.field == "sort"


def test_filter_searches_categorical_code_columns() -> None:
    # the scenario engine hands product codes over as categoricals (DuckDB ENUMs)
    df = _lines(10).astype({"product_code": "category"})
    hit = filter_sort(df, q="8703000007", sort=None, desc=False)
    assert list(hit["product_code"]) == ["8703000007"]


def test_ttl_cache_bounded_and_clearable() -> None:
    cache = TTLCache(maxsize=2, ttl=60)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert cache.get("a") is None and cache.get("c") == 3
    cache.clear()
    assert cache.get("c") is None
    off = TTLCache(ttl=0)
    off.put("a", 1)
    assert off.get("a") is None


def test_permissions_by_role() -> None:
    admin = Principal(1, "a", Role.ADMIN, None)
    analyst = Principal(2, "b", Role.ANALYST, None)
    firm = Principal(3, "c", Role.FIRM, 7)
    assert admin.can_read_firm(7) and admin.can_edit_firm(7)
    assert analyst.can_read_firm(7) and not analyst.can_edit_firm(7)
    assert firm.can_read_firm(7) and firm.can_edit_firm(7)
    assert not firm.can_read_firm(8) and not firm.can_edit_firm(8)


def test_rate_limit_per_ip_and_user() -> None:
    limiter = LoginRateLimiter("5/minute")
    for _ in range(5):
        limiter.check("10.0.0.1", "ana")
    with pytest.raises(WebError) as err:
        limiter.check("10.0.0.1", " ANA ")  # same user, however typed
    assert err.value.status == 429 and int(err.value.headers["Retry-After"]) >= 1
    limiter.check("10.0.0.2", "ana")  # another machine
    limiter.check("10.0.0.1", "beto")  # another user


def test_successful_logins_never_add_up_to_a_limit() -> None:
    """A person logging in many times a day (or a browser test suite) is never limited."""
    limiter = LoginRateLimiter("5/minute", "10/minute", "30/minute")
    for _ in range(40):
        limiter.check("10.0.0.1", "ana")
        limiter.record("10.0.0.1", "ana", ok=True)


def test_failures_count_per_ip_whatever_the_username() -> None:
    limiter = LoginRateLimiter("5/minute", "10/minute", "3/minute")
    for i in range(3):
        limiter.check("10.0.0.1", f"user{i}")
        limiter.record("10.0.0.1", f"user{i}", ok=False)
    with pytest.raises(WebError):
        limiter.check("10.0.0.1", "someone-else")
    limiter.check("10.0.0.2", "someone-else")  # another address is not affected


def test_every_template_key_is_translated() -> None:
    folder = resources.files("comexlab.web") / "templates"
    keys: set[str] = set()
    for entry in folder.iterdir():
        keys |= set(re.findall(r"(?<![\w.])t\('([a-z_.]+)'\)", entry.read_text(encoding="utf-8")))
    missing = sorted(k for k in keys if k not in catalog())
    assert missing == []
    web = {k: v for k, v in catalog().items() if k.startswith("web.")}
    assert all(v["es"] and v["en"] for v in web.values())


def test_firms_export_keeps_typed_formulas_inert() -> None:
    """A firm name typed as a formula stays text in both the CSV and the workbook (issue 13)."""
    import csv as csv_module
    import io as io_module

    from openpyxl import load_workbook

    from comexlab.web import exports
    from comexlab.web.views import FirmPage, FirmRow

    evil = '=HYPERLINK("http://x.example","clic")'
    data = FirmPage(total=1, page=1, page_size=1, firms=[
        FirmRow(id=1, rfc="AAA010101AAA", legal_name=evil, state="Guanajuato")])
    sheets = exports.firms_sheet(data, "es")
    text = exports.download("f", sheets, "csv").body.decode("utf-8-sig")
    row = list(csv_module.reader(io_module.StringIO(text)))[1]
    assert row[0] != evil and row[0].endswith(evil) and not row[0].startswith("=")
    wb = load_workbook(io_module.BytesIO(exports.download("f", sheets, "xlsx").body))
    cell = wb[wb.sheetnames[0]]["A2"]
    assert cell.data_type == "s" and cell.value == evil and cell.quotePrefix


def test_short_path_keeps_heading_and_the_last_two_steps() -> None:
    from comexlab.web.render import short_path

    # HTS 2026 path of 8543709860 (as the hts_line table builds it)
    full = ("Electrical machines and apparatus, having individual functions, not specified or "
            "included elsewhere in this chapter; parts thereof: › Other machines and apparatus: "
            "› Other: › Other: › Other › Other")
    assert short_path(full) == (
        "Electrical machines and apparatus, having indivi… › … › Other › Other")
    assert short_path("Live horses › Purebred breeding animals") == (
        "Live horses › Purebred breeding animals")


def test_added_duty_order_is_the_default_only_when_none_is_asked() -> None:
    from comexlab.web.lines import default_order

    df = pd.DataFrame({"duty_change": [1.0, 3.0], "value_usd": [5.0, 1.0]})
    assert default_order(df, None, False) == ("duty_change", True)
    assert default_order(df, "", False) == ("duty_change", True)
    assert default_order(df, "value_usd", False) == ("value_usd", False)
    assert default_order(df.drop(columns="duty_change"), None, False) == (None, False)


def test_with_paths_adds_path_and_added_duty_keeping_unknown_codes() -> None:
    from comexlab.web.adapters.scenario import with_paths

    lines = pd.DataFrame({"product_code": ["8703230140", "9999999999"],
                          "description": ["New", "Mystery"],
                          "duty_before": [0.0, 10.0], "duty_after": [25.0, 10.0]})
    out = with_paths(lines, {"8703230140": "Motor cars … › New"})
    assert out["description_path"].tolist() == ["Motor cars … › New", "Mystery"]
    assert out["duty_change"].tolist() == [25.0, 0.0]


def test_product_names_in_both_languages_from_the_official_files() -> None:
    from comexlab.sources.hs_names import product_name, product_path

    # sa2_descriptions_es.csv / sa4_descriptions_es.csv and the WCO HS 2022 file
    assert product_name("27", "es").startswith("Combustibles minerales")
    assert product_name("27", "en").startswith("Mineral fuels")
    assert product_name("0101", "es") == "Caballos"
    assert product_name("99", "es") == "Commodities not specified according to kind"  # EN stands in
    assert product_name("12345") is None and product_name("x") is None
    assert product_path("8703230140", "es") == "Vehículo › Coches"
