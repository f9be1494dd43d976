"""Auth, CSRF, rate limit and the one error shape of the web API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_helpers import NEW_PASSWORD, PASSWORD, assert_error, csrf, login, use_services


def test_unauthenticated_api_gets_401_error_shape(client: TestClient) -> None:
    assert_error(client.get("/api/auth/me"), 401, "not_authenticated")
    assert_error(client.get("/api/firms"), 401, "not_authenticated")


def test_unauthenticated_page_redirects_to_login(client: TestClient) -> None:
    r = client.get("/registry/firms", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/registry/firms")


def test_login_sets_session_and_me(client: TestClient) -> None:
    login(client, "analyst")
    me = client.get("/api/auth/me").json()
    assert me["username"] == "analyst" and me["role"] == "analyst" and me["firm_id"] is None


def test_wrong_password_401_and_no_session(client: TestClient) -> None:
    token = csrf(client)
    r = client.post("/api/auth/login", json={"username": "analyst", "password": "nope-nope"},
                    headers={"X-CSRF-Token": token})
    assert_error(r, 401, "bad_credentials")
    assert_error(client.get("/api/auth/me"), 401, "not_authenticated")


def test_login_without_csrf_is_refused(client: TestClient) -> None:
    r = client.post("/api/auth/login", json={"username": "analyst", "password": PASSWORD})
    assert_error(r, 403, "csrf_failed")


def test_state_change_without_csrf_refused_even_when_logged_in(client: TestClient) -> None:
    login(client, "admin")
    del client.headers["X-CSRF-Token"]
    new = {"username": "x1", "password": "12345678", "role": "analyst"}
    assert_error(client.post("/api/users", json=new), 403, "csrf_failed")
    r = client.post("/api/users", json=new, headers={"X-CSRF-Token": "forged"})
    assert_error(r, 403, "csrf_failed")
    assert "x1" not in [u["username"] for u in client.get("/api/users").json()]


def test_form_post_without_csrf_field_refused(client: TestClient) -> None:
    r = client.post("/login", data={"username": "analyst", "password": PASSWORD},
                    headers={"accept": "text/html"})
    assert r.status_code == 403
    assert "csrf" in r.text.lower()


def test_form_login_with_csrf_field_works(client: TestClient) -> None:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": "analyst", "password": PASSWORD,
                                    "csrf_token": token, "next": "/registry/firms"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/registry/firms"
    assert client.get("/api/auth/me").json()["username"] == "analyst"


def test_login_next_cannot_redirect_off_site(client: TestClient) -> None:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": "analyst", "password": PASSWORD,
                                    "csrf_token": token, "next": "//evil.example/x"},
                    follow_redirects=False)
    assert r.headers["location"] == "/"


def test_login_rate_limit_per_ip_and_user(client: TestClient) -> None:
    token = csrf(client)
    body = {"username": "firm_b", "password": "wrong-password"}
    codes = [client.post("/api/auth/login", json=body, headers={"X-CSRF-Token": token}).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]
    r = client.post("/api/auth/login", json={"username": "firm_b", "password": PASSWORD},
                    headers={"X-CSRF-Token": token})
    body = assert_error(r, 429, "rate_limited")
    assert int(r.headers["retry-after"]) >= 1
    assert "Demasiados intentos" in body["message"]  # the app's default language is Spanish
    client.cookies.set("lang", "en")
    r = client.post("/api/auth/login", json={"username": "firm_b", "password": PASSWORD},
                    headers={"X-CSRF-Token": token})
    assert "Too many attempts" in r.json()["message"]
    client.cookies.delete("lang")
    # another user from the same IP is not locked out
    r = client.post("/api/auth/login", json={"username": "analyst", "password": PASSWORD},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200


def test_session_cookie_is_signed(client: TestClient) -> None:
    login(client, "analyst")
    cookie = client.cookies.get("comexlab_session")
    assert cookie
    client.cookies.set("comexlab_session", cookie[:-4] + "AAAA")
    assert_error(client.get("/api/auth/me"), 401, "not_authenticated")


def test_passwords_are_argon2_hashed(web_env) -> None:
    from sqlalchemy import select

    from comexlab.registry.auth_models import User
    from comexlab.registry.db import make_engine, reading

    with reading(make_engine(web_env.settings.registry_url)) as s:
        hashes = list(s.scalars(select(User.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_logout(client: TestClient) -> None:
    login(client, "analyst")
    assert client.post("/api/auth/logout").status_code == 204
    assert_error(client.get("/api/auth/me"), 401, "not_authenticated")


def test_validation_error_shape_names_field(as_user) -> None:
    c = as_user("analyst")
    body = assert_error(c.get("/api/firms", params={"page": 0}), 422, "invalid_input")
    assert body["details"][0]["field"] == "page"


def test_not_found_shape(as_user) -> None:
    c = as_user("analyst")
    assert_error(c.get("/api/firms/999999"), 404, "not_found")
    assert_error(c.get("/api/nope"), 404, "not_found")


def test_method_not_allowed_shape(as_user) -> None:
    c = as_user("analyst")
    assert_error(c.delete("/api/firms"), 405, "method_not_allowed")


def test_unexpected_error_is_500_shape_without_internals(app, web_env) -> None:

    def boom(*_a, **_k):
        raise RuntimeError("secret internals /etc/passwd")

    use_services(app, clusters_graph=boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        login(c, "analyst")
        body = assert_error(c.get("/api/clusters/graph"), 500, "internal_error")
    assert "secret" not in body["message"]


def test_comexlab_input_error_carries_row_details(as_user) -> None:
    c = as_user("admin")
    r = c.post("/api/users", json={"username": "bad", "password": "12345678", "role": "firm"})
    body = assert_error(r, 422, "invalid_input")
    assert body["details"] == [
        {"field": "firm_id", "row": None, "message": "un usuario de empresa necesita una empresa"}
    ]
    c.cookies.set("lang", "en")
    r = c.post("/api/users", json={"username": "bad", "password": "12345678", "role": "firm"})
    assert r.json()["details"][0]["message"] == "a firm user needs a firm"


def test_roles_admin_only_user_management(as_user) -> None:
    assert_error(as_user("analyst").get("/api/users"), 403, "forbidden")
    assert_error(as_user("firm_a").get("/api/users"), 403, "forbidden")
    users = as_user("admin").get("/api/users").json()
    assert {"admin", "analyst", "firm_a", "firm_b"} <= {u["username"] for u in users}
    assert all("password" not in str(u) for u in users)


def test_admin_creates_user_who_can_log_in(as_user, app) -> None:
    admin = as_user("admin")
    r = admin.post("/api/users", json={"username": "new_analyst", "password": NEW_PASSWORD,
                                       "role": "analyst"})
    assert r.status_code == 201
    with TestClient(app) as c:
        login(c, "new_analyst", NEW_PASSWORD)
        assert c.get("/api/auth/me").json()["role"] == "analyst"


def test_security_headers(client: TestClient) -> None:
    r = client.get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_firm_user_must_name_an_existing_firm(as_user) -> None:
    c = as_user("admin")
    for firm_id in (999_999, 2**40):
        r = c.post("/api/users", json={"username": f"f{firm_id}", "password": "12345678",
                                       "role": "firm", "firm_id": firm_id})
        body = assert_error(r, 422, "invalid_input")
        assert body["details"][0]["field"] == "firm_id"


def test_huge_firm_id_in_url_is_422_not_500(as_user) -> None:
    c = as_user("analyst")
    assert_error(c.get("/api/firms/9223372036854775808"), 422, "invalid_input")


def test_admin_deactivates_user_and_their_session_ends(as_user, app) -> None:
    admin = as_user("admin")
    uid = admin.post("/api/users", json={"username": "temp_user", "password": NEW_PASSWORD,
                                         "role": "analyst"}).json()["id"]
    with TestClient(app) as victim:
        login(victim, "temp_user", NEW_PASSWORD)
        assert victim.get("/api/auth/me").status_code == 200
        r = admin.patch(f"/api/users/{uid}", json={"active": False})
        assert r.status_code == 200 and r.json()["active"] is False
        assert_error(victim.get("/api/auth/me"), 401, "not_authenticated")
    me = admin.get("/api/auth/me").json()["id"]
    assert_error(admin.patch(f"/api/users/{me}", json={"active": False}), 422, "invalid_input")
    assert_error(as_user("analyst").patch(f"/api/users/{uid}", json={"active": True}),
                 403, "forbidden")
