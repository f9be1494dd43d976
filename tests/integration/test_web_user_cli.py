"""`comexlab web create-user` end to end in a fresh process, on a new SQLite registry.

Issue 11: user creation and the registry schema check live in ``registry/`` (users.py, db.py),
so the CLI creates a user without importing any ``comexlab.web`` module; the user it writes
logs in with that password, and a refused password writes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from comexlab.i18n import t
from comexlab.registry.auth_models import User
from comexlab.registry.db import make_engine, reading
from comexlab.registry.passwords import MIN_PASSWORD_LENGTH
from comexlab.registry.users import authenticate

# Runs the CLI's entry point and reports, on the last line of stderr, which comexlab.web
# modules the process imported (the ``finally`` runs on the SystemExit of ``main``).
_RUN = """
import sys
try:
    from comexlab.cli import main
    sys.argv = ["comexlab", *sys.argv[1:]]
    main()
finally:
    web = sorted(m for m in sys.modules if m == "comexlab.web" or m.startswith("comexlab.web."))
    print("WEB_MODULES=" + ",".join(web), file=sys.stderr)
"""
GOOD = "tortuga nube violeta 92"  # passes the policy (12+ characters, zxcvbn >= 3)


def _cli(registry: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMEXLAB_REGISTRY_URL": registry, "COMEXLAB_LANG": "en"}
    return subprocess.run([sys.executable, "-c", _RUN, *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def _web_modules(stderr: str) -> str:
    return stderr.strip().splitlines()[-1].removeprefix("WEB_MODULES=")


def test_create_user_imports_no_web_module_and_the_user_logs_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    done = _cli(url, "web", "create-user", "ana", "--role", "analyst", "--password", GOOD)
    assert done.returncode == 0, done.stderr
    assert "created user ana (analyst)" in done.stdout
    assert _web_modules(done.stderr) == ""
    engine = make_engine(url)
    with reading(engine) as session:
        user = authenticate(session, "ana", GOOD)
        assert user is not None and user.role == "analyst" and user.firm_id is None
        assert authenticate(session, "ana", GOOD + "x") is None
    engine.dispose()


def test_a_short_password_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    done = _cli(url, "web", "create-user", "ana", "--role", "analyst", "--password", "12345678")
    assert done.returncode == 2
    assert t("web.user.password", "en", n=MIN_PASSWORD_LENGTH) in done.stderr
    assert _web_modules(done.stderr) == ""
    engine = make_engine(url)
    with reading(engine) as session:  # the schema was brought up, the user not added
        assert session.query(User).count() == 0
    engine.dispose()
