"""One typed settings object for the whole application.

Every path the program reads or writes comes from here, so that tests, the demo and a
production agency install differ only by environment variables (prefix ``COMEXLAB_``), never by
code. ``COMEXLAB_DATA`` points at the folder of official files; when it is unset we use the
checkout's sibling ``../shared/data`` if present (the developers' and CI layout), else a per-user
cache folder that ``download()`` functions fill from the official publishers.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from comexlab.i18n import Lang

APP_NAME = "comexlab"


def _default_data_dir() -> Path:
    """Prefer the shared folder beside the checkout; fall back to the user cache."""
    # cwd covers running from the checkout; parents[2] is the checkout root of an editable install
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidate = (base / ".." / "shared" / "data").resolve()
        if candidate.is_dir():
            return candidate
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "data"


MIN_SECRET_KEY_LENGTH = 32
# Keys that were ever published (the old built-in default): a session signed with them is forgeable.
PUBLIC_SECRET_KEYS = frozenset({"dev-only-change-me"})


def check_secret_key(value: str, where: str) -> None:
    """Refuse a session key anyone could know or guess (ValueError naming ``where``)."""
    if value in PUBLIC_SECRET_KEYS:
        raise ValueError(f"{where} is the old public default key; anyone can forge sessions "
                         "with it. Unset it (a random key is generated) or set a long random one.")
    if len(value) < MIN_SECRET_KEY_LENGTH:
        raise ValueError(f"{where} is {len(value)} characters long; use at least "
                         f"{MIN_SECRET_KEY_LENGTH} random characters "
                         "(python -c 'import secrets; print(secrets.token_urlsafe(48))').")


class Settings(BaseSettings):
    """Where data lives and how the app behaves; read once from the environment."""

    model_config = SettingsConfigDict(env_prefix="COMEXLAB_", frozen=True, extra="ignore")

    data: Path = Field(default_factory=_default_data_dir, description="Official data files.")
    warehouse: Path = Field(
        default=Path("comexlab.duckdb"), description="DuckDB warehouse file (embedded default)."
    )
    registry_url: str = Field(
        default="sqlite:///comexlab-registry.sqlite",
        description="SQLAlchemy URL of the firm registry (SQLite default, PostgreSQL supported).",
    )
    scenario_upload_max_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Largest scenario YAML the web app accepts."
    )
    scenario_runs_per_user: int = Field(
        default=2, ge=1, description="Scenario runs one user may have waiting or running."
    )
    scenario_runs_total: int = Field(
        default=20, ge=1, description="Scenario runs the server keeps waiting or running."
    )
    scenario_time_limit: float = Field(
        default=300.0, gt=0, description="Seconds after which a scenario run is stopped."
    )
    cache: Path = Field(
        default_factory=lambda: Path(platformdirs.user_cache_dir(APP_NAME)) / "downloads",
        description="Where download() keeps files fetched from official publishers.",
    )
    engine: str = Field(
        default="duckdb",
        description="Engine of the warehouse analytics: duckdb (embedded) or spark (Ibis "
                    "PySpark backend; master and options from Spark's own configuration).")
    duckdb_memory_limit: str | None = Field(
        default=None, description="DuckDB memory_limit (e.g. '8GB'); past it DuckDB spills.")
    duckdb_temp_dir: Path | None = Field(
        default=None, description="DuckDB temp_directory where it spills (large scenarios).")
    lang: Lang = Field(default="es", description="Default UI language (es or en).")
    secret_key: str | None = Field(
        default=None,
        description="Signs web sessions. Unset: a random key is generated on first start and "
        "kept (mode 0600) beside the registry, see comexlab.web.secret.",
        repr=False,
    )
    config_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_config_dir(APP_NAME)),
        description="Where the web session key lives when the registry is not a SQLite file.",
    )
    https: bool = Field(
        default=False,
        description="The app is reached over HTTPS (directly or behind a TLS proxy): session "
        "cookies get `Secure` and responses carry HSTS.",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Comma-separated proxy IPs/networks whose X-Forwarded-For/-Proto are "
        "believed; empty (default) believes no one.",
    )
    # Publisher keys: from the environment (or a .env the deployment loads), never from a CLI
    # option, so they stay out of shell history; SecretStr keeps them out of reprs and logs.
    dataweb_token: SecretStr | None = Field(
        default=None, description="USITC DataWeb API token (dataweb.usitc.gov → API tab).")
    census_key: SecretStr | None = Field(
        default=None, description="US Census Data API key (api.census.gov/data/key_signup.html).")
    comtrade_key: SecretStr | None = Field(
        default=None, description="UN Comtrade subscription key (comtradedeveloper.un.org).")

    @field_validator("secret_key")
    @classmethod
    def _strong_key(cls, value: str | None) -> str | None:
        if value is not None:
            check_secret_key(value, "COMEXLAB_SECRET_KEY")
        return value

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if value not in ("duckdb", "spark"):
            raise ValueError(f"COMEXLAB_ENGINE must be 'duckdb' or 'spark', got {value!r}")
        return value

    @field_validator("lang", mode="before")
    @classmethod
    def _known_lang(cls, value: str) -> str:
        if value not in ("es", "en"):
            raise ValueError(f"COMEXLAB_LANG must be 'es' or 'en', got {value!r}")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process; tests build their own ``Settings(...)`` instead."""
    return Settings()
