"""The key that signs web sessions: never a built-in default.

A built-in default key is public (it is in the source), and anyone who knows the key can sign a
cookie saying they are user 1. So when ``COMEXLAB_SECRET_KEY`` is unset the app generates a
random key on first start and stores it, readable by its owner only (mode 0600), beside the
registry: next to the SQLite file, or in ``Settings.config_dir`` for a server database. Every
later start reuses it, so sessions survive a restart; deleting the file ends every session.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.settings import Settings, check_secret_key

log = logging.getLogger(__name__)

KEY_FILE_SUFFIX = ".session-key"
KEY_FILE_NAME = "session.key"


@dataclass(frozen=True, slots=True)
class SessionKey:
    """The key and where it came from (a file path, or the environment)."""

    value: str
    source: str
    created: bool = False


def key_file(settings: Settings) -> Path:
    """Where the generated key lives for these settings.

    Beside a SQLite registry (``registry.sqlite`` → ``registry.sqlite.session-key``), so a
    registry and its sessions travel together; else in the config folder.
    """
    url = make_url(settings.registry_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        db = Path(str(url.database)).expanduser().resolve()
        return db.with_name(db.name + KEY_FILE_SUFFIX)
    return Path(settings.config_dir).expanduser().resolve() / KEY_FILE_NAME


def session_key(settings: Settings) -> SessionKey:
    """The configured key, else the stored one, else a new one stored with mode 0600."""
    if settings.secret_key is not None:
        return SessionKey(settings.secret_key, "COMEXLAB_SECRET_KEY")
    path = key_file(settings)
    created = _create(path)
    key = _read(path)
    if created:
        log.warning("generated a new web session key at %s (mode 0600)", path)
    else:
        log.info("web session key: %s", path)
    return SessionKey(key, str(path), created)


def _create(path: Path) -> bool:
    """Write a fresh key unless the file exists (O_EXCL: two starts never race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return True


def _read(path: Path) -> str:
    """The stored key; a key file others may read is tightened to 0600 first."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("session key %s had mode %o; setting it to 0600", path, mode)
        path.chmod(0o600)
    key = path.read_text(encoding="utf-8", errors="replace").strip()
    try:
        check_secret_key(key, "the key")
    except ValueError as exc:
        raise InputError(Msg("web.secret.weak", reason=str(exc)), file=path) from None
    return key
