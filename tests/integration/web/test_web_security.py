"""Issue 9 (security), tried as an attacker and as a careless operator would: forged and
revoked sessions, the session key file, HTTPS, proxy headers and the login limits, the password
policy, server paths in error pages, and the API docs page under the CSP."""

from __future__ import annotations

import asyncio
import json
import re
import stat
from base64 import b64encode
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from pydantic import ValidationError
from sqlalchemy import select
from web_helpers import NEW_PASSWORD, PASSWORD, assert_error, csrf, login, use_services

from comexlab.errors import DataFileMissingError, InputError
from comexlab.registry.auth_models import User
from comexlab.registry.db import make_engine, reading
from comexlab.settings import Settings
from comexlab.web.app import SESSION_COOKIE, create_app
from comexlab.web.secret import key_file

OLD_PUBLIC_KEY = "dev-only-change-me"


def _forge(payload: dict, key: str) -> str:
    """A session cookie exactly as Starlette's SessionMiddleware signs one, with ``key``."""
    data = b64encode(json.dumps(payload).encode())
    return TimestampSigner(key).sign(data).decode()


def _user_id(web_env, username: str) -> int:
    with reading(make_engine(web_env.settings.registry_url)) as s:
        return int(s.scalar(select(User.id).where(User.username == username)))


def _new_user(admin: TestClient, username: str, role: str = "analyst") -> int:
    r = admin.post("/api/users", json={"username": username, "password": NEW_PASSWORD,
                                       "role": role})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _is_logged_out(client: TestClient) -> bool:
    r = client.get("/api/auth/me")
    return r.status_code == 401 and r.json()["code"] == "not_authenticated"


# --- forged sessions ---------------------------------------------------------------------


@pytest.mark.parametrize("key", [OLD_PUBLIC_KEY, "an-arbitrary-key-the-attacker-picked-0123"])
def test_cookie_forged_with_a_guessable_key_is_not_admin(client, web_env, key) -> None:
    admin_id = _user_id(web_env, "admin")
    forged = _forge({"uid": admin_id, "sid": "anything", "csrf": "x"}, key)
    client.cookies.set(SESSION_COOKIE, forged)
    assert_error(client.get("/api/auth/me"), 401, "not_authenticated")
    assert_error(client.get("/api/users"), 401, "not_authenticated")
    page = client.get("/admin/users", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_cookie_signed_with_the_real_key_but_no_server_session_is_refused(client, web_env) -> None:
    """Even a leaked key does not make {"uid": 1} admin: the session must exist server-side."""
    forged = _forge({"uid": _user_id(web_env, "admin")}, web_env.settings.secret_key)
    client.cookies.set(SESSION_COOKIE, forged)
    assert_error(client.get("/api/auth/me"), 401, "not_authenticated")
    guessed = _forge({"uid": _user_id(web_env, "admin"), "sid": "guess"},
                     web_env.settings.secret_key)
    client.cookies.set(SESSION_COOKIE, guessed)
    assert_error(client.get("/api/users"), 401, "not_authenticated")


def test_app_started_as_the_readme_does_refuses_cookies_forged_with_the_old_default(
    tmp_path,
) -> None:
    """Issue 9 (critical): COMEXLAB_SECRET_KEY unset signed sessions with a public default, so
    anyone could sign {"uid": 1} and be admin."""
    from comexlab.registry.db import transaction
    from comexlab.registry.schema import ensure_registry_schema
    from comexlab.registry.users import create_user

    settings = _bare_settings(tmp_path)  # no secret key, as `make demo` runs it
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    with transaction(engine) as s:
        admin_id = create_user(s, "admin", PASSWORD, role="admin").id
    engine.dispose()
    app = create_app(settings)
    with TestClient(app) as c:
        for payload in ({"uid": admin_id}, {"uid": admin_id, "sid": "x", "csrf": "y"}):
            c.cookies.set(SESSION_COOKIE, _forge(payload, OLD_PUBLIC_KEY))
            assert_error(c.get("/api/users"), 401, "not_authenticated")
        login(c, "admin")  # the real login still works
        assert c.get("/api/users").status_code == 200
    _close(app)


@pytest.mark.parametrize("bad", [OLD_PUBLIC_KEY, "short-key", ""])
def test_settings_refuse_the_public_default_and_short_keys(bad: str) -> None:
    with pytest.raises(ValidationError, match="COMEXLAB_SECRET_KEY"):
        Settings(secret_key=bad)


def test_settings_have_no_default_key() -> None:
    assert Settings().secret_key is None


@pytest.fixture(autouse=True)
def _no_key_in_env(monkeypatch) -> None:
    """Tests that rely on the generated key must not pick one up from the environment."""
    monkeypatch.delenv("COMEXLAB_SECRET_KEY", raising=False)


def _bare_settings(root: Path, **extra) -> Settings:
    return Settings(warehouse=root / "wh.duckdb", registry_url=f"sqlite:///{root / 'reg.sqlite'}",
                    data=Settings().data, **extra)


def _close(app) -> None:
    app.state.ctx.warehouse.close()
    app.state.ctx.jobs.shutdown()
    app.state.ctx.engine.dispose()


def test_generated_key_is_private_beside_the_registry_and_survives_a_restart(tmp_path) -> None:
    settings = _bare_settings(tmp_path)
    first = create_app(settings)
    path = tmp_path / "reg.sqlite.session-key"
    assert key_file(settings) == path
    assert first.state.ctx.session_key_source == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text().strip()
    assert len(key) >= 48 and key != OLD_PUBLIC_KEY
    with TestClient(first) as c:
        c.get("/api/auth/csrf")
        cookie = c.cookies[SESSION_COOKIE]
        token = c.get("/api/auth/csrf").json()["csrf_token"]
    _close(first)
    second = create_app(settings)  # a restart: same key, so the same cookie is still readable
    assert path.read_text().strip() == key
    with TestClient(second) as c:
        c.cookies.set(SESSION_COOKIE, cookie)
        assert c.get("/api/auth/csrf").json()["csrf_token"] == token
    _close(second)


def test_key_of_a_server_registry_lives_in_the_config_dir(tmp_path) -> None:
    settings = Settings(registry_url="postgresql+psycopg://u@127.0.0.1/db", config_dir=tmp_path)
    assert key_file(settings) == tmp_path / "session.key"


def test_a_weak_or_world_readable_key_file_is_refused_or_tightened(tmp_path) -> None:
    settings = _bare_settings(tmp_path)
    path = key_file(settings)
    path.write_text(OLD_PUBLIC_KEY)
    with pytest.raises(InputError) as err:
        create_app(settings)
    assert str(path) in str(err.value)
    path.write_text("k" * 64)
    path.chmod(0o644)
    _close(create_app(settings))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- revocation ----------------------------------------------------------------------------


def test_cookie_saved_before_logout_no_longer_works_also_after_restart(app, web_env) -> None:
    with TestClient(app) as c:
        login(c, "analyst")
        saved = c.cookies[SESSION_COOKIE]
        assert c.post("/api/auth/logout").status_code == 204
        c.cookies.set(SESSION_COOKIE, saved)  # the attacker's copy
        assert _is_logged_out(c)
    restarted = create_app(web_env.settings)
    with TestClient(restarted) as c:
        c.cookies.set(SESSION_COOKIE, saved)
        assert _is_logged_out(c)
    _close(restarted)


def test_the_login_is_committed_before_the_response_leaves(app, web_env) -> None:
    """A browser follows the login redirect at once: its session row must already be
    committed (FastAPI ends yield-dependencies after the response by default; the browser
    suite then landed on the login form under load)."""
    from sqlalchemy import func

    from comexlab.registry.auth_models import WebSession

    uid = _user_id(web_env, "analyst2")
    engine = make_engine(web_env.settings.registry_url)

    def sessions() -> int:
        with reading(engine) as s:
            return int(s.scalar(select(func.count()).select_from(WebSession)
                                .where(WebSession.user_id == uid)))

    seen: list[int] = []

    async def probe(scope, receive, send) -> None:
        async def watch(message) -> None:
            if message["type"] == "http.response.start" and scope["path"] == "/api/auth/login":
                seen.append(sessions())  # what another request would see right now
            await send(message)

        await app(scope, receive, watch if scope["type"] == "http" else send)

    before = sessions()
    with TestClient(probe) as c:
        login(c, "analyst2")
    engine.dispose()
    assert seen == [before + 1]


def test_a_session_expires_on_the_server_too(app, web_env) -> None:
    from datetime import datetime as dt

    from sqlalchemy import update

    from comexlab.registry.auth_models import WebSession
    from comexlab.registry.db import transaction

    with TestClient(app) as c:
        login(c, "firm_b")
        uid = c.get("/api/auth/me").json()["id"]
        engine = make_engine(web_env.settings.registry_url)
        with transaction(engine) as s:
            s.execute(update(WebSession).where(WebSession.user_id == uid)
                      .values(expires_at=dt(2020, 1, 1)))
        engine.dispose()
        assert _is_logged_out(c)


def test_logout_form_ends_the_server_session(app) -> None:
    with TestClient(app) as c:
        login(c, "analyst")
        saved = c.cookies[SESSION_COOKIE]
        r = c.post("/logout", data={"csrf_token": c.headers["X-CSRF-Token"]},
                   follow_redirects=False)
        assert r.status_code == 303
        c.cookies.set(SESSION_COOKIE, saved)
        assert _is_logged_out(c)


def test_own_password_change_ends_other_sessions_keeps_this_one(as_user, app) -> None:
    admin = as_user("admin")
    _new_user(admin, "pw_changer")
    with TestClient(app) as laptop, TestClient(app) as phone:
        login(laptop, "pw_changer", NEW_PASSWORD)
        login(phone, "pw_changer", NEW_PASSWORD)
        r = laptop.post("/api/auth/password", json={"current_password": NEW_PASSWORD,
                                                    "new_password": "granite willow comet 97"})
        assert r.status_code == 204, r.text
        laptop.headers["X-CSRF-Token"] = csrf(laptop)
        assert laptop.get("/api/auth/me").json()["username"] == "pw_changer"
        assert _is_logged_out(phone)
    with TestClient(app) as c:
        login(c, "pw_changer", "granite willow comet 97")


def test_own_password_change_needs_the_current_password(as_user, app) -> None:
    admin = as_user("admin")
    _new_user(admin, "pw_wrong")
    with TestClient(app) as c:
        login(c, "pw_wrong", NEW_PASSWORD)
        r = c.post("/api/auth/password", json={"current_password": "not it at all 123",
                                               "new_password": "granite willow comet 97"})
        body = assert_error(r, 422, "invalid_input")
        assert body["details"][0]["field"] == "current_password"
        assert c.get("/api/auth/me").status_code == 200
        login(TestClient(app), "pw_wrong", NEW_PASSWORD)  # unchanged


def test_admin_password_reset_ends_the_users_sessions(as_user, app) -> None:
    admin = as_user("admin")
    uid = _new_user(admin, "pw_reset")
    with TestClient(app) as victim:
        login(victim, "pw_reset", NEW_PASSWORD)
        r = admin.patch(f"/api/users/{uid}", json={"password": "granite willow comet 97"})
        assert r.status_code == 200, r.text
        assert _is_logged_out(victim)


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(as_user, app) -> None:
    admin = as_user("admin")
    uid = _new_user(admin, "deact")
    with TestClient(app) as victim:
        login(victim, "deact", NEW_PASSWORD)
        saved = victim.cookies[SESSION_COOKIE]
        assert admin.patch(f"/api/users/{uid}", json={"active": False}).status_code == 200
        assert admin.patch(f"/api/users/{uid}", json={"active": True}).status_code == 200
        victim.cookies.set(SESSION_COOKIE, saved)
        assert _is_logged_out(victim)


def test_role_change_ends_the_users_sessions(as_user, app, web_env) -> None:
    admin = as_user("admin")
    uid = _new_user(admin, "demoted", role="admin")
    with TestClient(app) as victim:
        login(victim, "demoted", NEW_PASSWORD)
        assert victim.get("/api/users").status_code == 200
        r = admin.patch(f"/api/users/{uid}", json={"role": "firm", "firm_id": web_env.firm_a})
        assert r.status_code == 200 and r.json()["role"] == "firm", r.text
        assert r.json()["firm_id"] == web_env.firm_a
        assert _is_logged_out(victim)
        login(victim, "demoted", NEW_PASSWORD)
        assert_error(victim.get("/api/users"), 403, "forbidden")
    me = admin.get("/api/auth/me").json()["id"]
    assert_error(admin.patch(f"/api/users/{me}", json={"role": "analyst"}), 422, "invalid_input")
    r = admin.patch(f"/api/users/{uid}", json={"role": "analyst", "firm_id": web_env.firm_a})
    assert_error(r, 422, "invalid_input")  # agency users are tied to no firm


# --- transport and login -------------------------------------------------------------------


def test_https_setting_makes_the_cookie_secure_and_adds_hsts(web_env) -> None:
    secure = create_app(web_env.settings.model_copy(update={"https": True}))
    with TestClient(secure, base_url="https://testserver") as c:
        r = c.get("/api/auth/csrf")
        assert "secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"].startswith("max-age=31536000")
        login(c, "analyst")  # the Secure cookie goes back over HTTPS
        lang = c.get("/lang/en", follow_redirects=False)
        assert "secure" in lang.headers["set-cookie"].lower()
    _close(secure)


def test_plain_http_has_no_hsts(client) -> None:
    r = client.get("/api/auth/csrf")
    assert "strict-transport-security" not in r.headers
    assert "secure" not in r.headers["set-cookie"].lower()


def _attempts(client: TestClient, n: int, *, usernames, ips) -> list[int]:
    token = csrf(client)
    codes = []
    for i in range(n):
        r = client.post("/api/auth/login",
                        json={"username": usernames(i), "password": "wrong-password-x"},
                        headers={"X-CSRF-Token": token, "X-Forwarded-For": ips(i)})
        codes.append(r.status_code)
    return codes


def test_rotating_x_forwarded_for_is_ignored_without_a_trusted_proxy(client) -> None:
    codes = _attempts(client, 20, usernames=lambda _i: "analyst", ips=lambda i: f"198.51.100.{i}")
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}


def test_per_user_limit_holds_when_a_trusted_proxy_forwards_rotating_ips(web_env) -> None:
    proxied = create_app(web_env.settings.model_copy(update={"forwarded_allow_ips": "*"}))
    with TestClient(proxied) as c:
        codes = _attempts(c, 20, usernames=lambda _i: "analyst",
                          ips=lambda i: f"198.51.100.{i}")
        assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
    _close(proxied)


def test_per_ip_limit_holds_when_usernames_rotate(client) -> None:
    codes = _attempts(client, 35, usernames=lambda i: f"nobody{i}", ips=lambda _i: "1.2.3.4")
    assert codes[:30] == [401] * 30 and set(codes[30:]) == {429}


def test_trusted_proxy_address_is_used_for_the_limit(web_env) -> None:
    """Behind a trusted proxy, two real clients are two IPs (one does not lock out the other)."""
    proxied = create_app(web_env.settings.model_copy(update={"forwarded_allow_ips": "*"}))
    with TestClient(proxied) as c:
        assert set(_attempts(c, 6, usernames=lambda _i: "analyst2",
                             ips=lambda _i: "203.0.113.7")[5:]) == {429}
        token = csrf(c)
        r = c.post("/api/auth/login", json={"username": "analyst2", "password": PASSWORD},
                   headers={"X-CSRF-Token": token, "X-Forwarded-For": "203.0.113.8"})
        assert r.status_code == 200
    _close(proxied)


def test_served_app_ignores_rotating_x_forwarded_for_from_loopback(web_env) -> None:
    """The app as `web serve` runs it (uvicorn on 127.0.0.1): uvicorn's default trusted
    X-Forwarded-For from 127.0.0.1, so 20 guesses with rotating XFF were 20 fresh IPs."""
    import socket
    import threading
    import time

    import httpx
    import uvicorn

    from comexlab.web.server import uvicorn_config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(web_env.settings)
    server = uvicorn.Server(uvicorn_config(app, port=port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):  # wait for start-up (hang guard only)
        if server.started:
            break
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            token = c.get("/api/auth/csrf").json()["csrf_token"]
            codes = [c.post("/api/auth/login",
                            json={"username": "analyst", "password": "wrong-password-x"},
                            headers={"X-CSRF-Token": token,
                                     "X-Forwarded-For": f"198.51.100.{i}"}).status_code
                     for i in range(20)]
    finally:
        server.should_exit = True
        thread.join(10)
        _close(app)
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}


def test_serve_reports_where_the_key_is(monkeypatch, web_env) -> None:
    from comexlab.web import server

    ran: list[object] = []
    monkeypatch.setattr(server.uvicorn.Server, "run", lambda self: ran.append(self.config))
    said: list[str] = []
    server.run(web_env.settings, port=0, say=said.append)
    assert said == ["COMEXLAB_SECRET_KEY"]
    assert ran and ran[0].proxy_headers is False
    _close(ran[0].app)


@pytest.mark.parametrize("weak", ["short1", "Password1234", "qwertyuiop12", "guanajuato2024",
                                  "123456789012", "policy_user2026"])
def test_password_policy_on_user_creation(as_user, weak: str) -> None:
    admin = as_user("admin")
    r = admin.post("/api/users", json={"username": "policy_user", "password": weak,
                                       "role": "analyst"})
    body = assert_error(r, 422, "invalid_input")
    assert body["details"][0]["field"] == "password"
    assert "contraseña" in body["details"][0]["message"]
    admin.cookies.set("lang", "en")
    r = admin.post("/api/users", json={"username": "policy_user", "password": weak,
                                       "role": "analyst"})
    assert "password" in r.json()["details"][0]["message"]
    assert "policy_user" not in [u["username"] for u in admin.get("/api/users").json()]


def test_password_policy_on_password_changes(as_user, app) -> None:
    admin = as_user("admin")
    uid = _new_user(admin, "policy_change")
    r = admin.patch(f"/api/users/{uid}", json={"password": "Password1234"})
    assert assert_error(r, 422, "invalid_input")["details"][0]["field"] == "password"
    with TestClient(app) as c:
        login(c, "policy_change", NEW_PASSWORD)
        r = c.post("/api/auth/password", json={"current_password": NEW_PASSWORD,
                                               "new_password": "iloveyou1234"})
        assert assert_error(r, 422, "invalid_input")["details"][0]["field"] == "password"
        assert c.get("/api/auth/me").status_code == 200  # a refused change ends nothing


def test_password_policy_on_the_users_form(as_user) -> None:
    admin = as_user("admin")
    r = admin.post("/admin/users", data={"username": "form_weak", "password": "contraseña2025",
                                         "role": "analyst",
                                         "csrf_token": admin.headers["X-CSRF-Token"]})
    assert r.status_code == 422 and "demasiado común" in r.text
    page = admin.get("/admin/users")
    assert 'minlength="12"' in page.text and "Al menos 12 caracteres" in page.text


def test_demo_passwords_pass_the_policy(tmp_path) -> None:
    from comexlab.registry.db import transaction
    from comexlab.registry.demo import seed_demo
    from comexlab.registry.passwords import check_password_policy
    from comexlab.registry.schema import ensure_registry_schema
    from comexlab.registry.users import authenticate
    from comexlab.services.demo import create_demo_users

    settings = _bare_settings(tmp_path)
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    seed_demo(engine, as_of=date(2026, 11, 25))
    users = create_demo_users(settings)
    assert [u[0] for u in users] == ["admin", "analyst", "empresa"]
    for name, _role, password in users:
        check_password_policy(password, name)
        with transaction(engine) as s:
            assert authenticate(s, name, password) is not None
    engine.dispose()


# --- server paths never shown ---------------------------------------------------------------


def _leaks(text: str, web_env) -> list[str]:
    roots = ["/work/", "/tmp/", "/root/", str(web_env.settings.warehouse),
             str(web_env.settings.data), str(Path.cwd())]
    return [r for r in roots if r in text]


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_errors_never_show_server_paths(app, web_env, accept: str) -> None:
    data_file = web_env.settings.data / "usitc" / "hts_2025.json"

    def missing(*_a, **_k):
        raise DataFileMissingError(data_file)

    def bad_input(*_a, **_k):
        raise InputError(f"cannot open {web_env.settings.warehouse}", file=data_file, row=3,
                         field="x")

    for fault, status in ((missing, 503), (bad_input, 422)):
        use_services(app, clusters_graph=fault)
        with TestClient(app, raise_server_exceptions=False) as c:
            login(c, "analyst")
            r = c.get("/api/clusters/graph", headers={"accept": accept})
            assert r.status_code == status
            assert _leaks(r.text, web_env) == [], r.text
            assert "hts_2025.json" in r.text or "wh.duckdb" in r.text  # the name stays
            page = c.get("/registry/clusters", headers={"accept": "text/html"})
            assert _leaks(page.text, web_env) == [], page.text
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/static/../../../../etc/passwd", headers={"accept": accept})
        assert r.status_code == 404 and _leaks(r.text, web_env) == []


# --- /api/docs ------------------------------------------------------------------------------


def test_api_docs_uses_only_same_origin_assets(client) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    refs = [ref for ref in re.findall(r'(?:src|href)="([^"]+)"', r.text)
            if ref != "data:,"]  # the empty favicon (no request at all)
    assert len(refs) >= 3
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        if ref == "/static/docs.js":  # the start-up code points at this server only
            assert "://" not in asset.text and '"/openapi.json"' in asset.text
    assert "<script>" not in r.text  # no inline script (the CSP would block it)
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")


# --- cache stampede -------------------------------------------------------------------------


def test_fifty_concurrent_dashboard_requests_compute_the_report_once(app) -> None:
    """Issue 9: 50 clients asking for a report nobody had asked for each computed it."""
    import asyncio
    import threading

    import httpx

    real = app.state.ctx.services.dashboard
    cache = app.state.ctx.dashboard_cache
    key = ("MX-GTO", "2018", "2018", "es", False)
    calls: list[str] = []
    waiting = getattr(cache, "waiting", lambda _key: 0)

    def counted(con, **kw):
        calls.append(kw["reporter"])
        pause = threading.Event()
        for _ in range(2000):  # hold the computation until the 49 others wait (20 s guard)
            if waiting(key) >= 49 or len(calls) > 1:  # or a second computation proves the bug
                break
            pause.wait(0.01)
        return real(con, **kw)

    use_services(app, dashboard=counted)

    async def stampede() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            token = (await c.get("/api/auth/csrf")).json()["csrf_token"]
            r = await c.post("/api/auth/login", json={"username": "analyst", "password": PASSWORD},
                             headers={"X-CSRF-Token": token})
            assert r.status_code == 200
            params = {"reporter": "MX-GTO", "start": "2018", "end": "2018"}
            return await asyncio.gather(*(c.get("/api/dashboard", params=params)
                                          for _ in range(50)))

    responses = _run_in_own_loop(stampede())
    assert [r.status_code for r in responses] == [200] * 50
    assert calls == ["MX-GTO"]
    bodies = {r.text for r in responses}
    assert len(bodies) == 1


def _run_in_own_loop(coro):  # type: ignore[no-untyped-def]
    """``asyncio.run`` in a thread of its own: in a whole-suite run the browser tests' Playwright
    loop is still running in the main thread, where ``asyncio.run`` refuses to start."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
