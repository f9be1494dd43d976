"""The users page (issue 13): firm picked by name, role/password/deactivation from the page,
every change recorded (who, when, what) and shown."""

from __future__ import annotations

import re

from comexlab.registry.auth_models import UserChange
from comexlab.registry.db import make_engine, reading
from comexlab.registry.models import Firm

PASSWORD = "Clave-de-prueba-2026!"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _user_id(html: str, username: str) -> int:
    return int(re.search(rf'<tr id="user-(\d+)"[^>]*><td>{re.escape(username)}', html).group(1))


def test_admin_creates_firm_user_by_name_changes_and_audits(as_user, web_env) -> None:
    admin = as_user("admin")
    page = admin.get("/admin/users").text
    with reading(make_engine(web_env.settings.registry_url)) as s:
        firm = s.get(Firm, web_env.firm_b)
        name = firm.legal_name
    # The firm picker lists firms by name (value = id), not a free-text id box.
    assert re.search(rf'<option value="{web_env.firm_b}"\s*>{re.escape(name)}</option>', page)
    r = admin.post("/admin/users", data={"username": "audit_firm", "password": PASSWORD,
                                         "role": "firm", "firm_id": str(web_env.firm_b),
                                         "csrf_token": _csrf(page)}, follow_redirects=False)
    assert r.status_code == 303
    page = admin.get("/admin/users").text
    uid = _user_id(page, "audit_firm")
    row = re.search(rf'<tr id="user-{uid}".*?</tr>', page, re.S).group(0)
    assert name in row  # the firm by name in the users table
    token = _csrf(page)
    r = admin.post(f"/admin/users/{uid}", data={"role": "analyst", "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    r = admin.post(f"/admin/users/{uid}", data={"password": PASSWORD + "x", "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    r = admin.post(f"/admin/users/{uid}/active", data={"active": "false", "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    with reading(make_engine(web_env.settings.registry_url)) as s:
        kinds = [(c.actor, c.kind) for c in s.query(UserChange).filter_by(username="audit_firm")
                 .order_by(UserChange.id)]
    assert kinds == [("admin", "created"), ("admin", "role"), ("admin", "password"),
                     ("admin", "deactivated")]
    shown = admin.get("/admin/users").text
    changes = shown[shown.index('id="user-changes"'):]
    assert "contraseña restablecida" in changes and "desactivado" in changes
    assert "audit_firm" in changes and PASSWORD not in shown


def test_bad_firm_or_role_on_users_form_is_a_message(as_user) -> None:
    admin = as_user("admin")
    page = admin.get("/admin/users").text
    r = admin.post("/admin/users", data={"username": "x_bad", "password": PASSWORD,
                                         "role": "firm", "firm_id": "abc",
                                         "csrf_token": _csrf(page)})
    assert r.status_code == 422 and "Elija una empresa" in r.text
    uid = _user_id(page, "analyst")
    r = admin.post(f"/admin/users/{uid}", data={"role": "root", "csrf_token": _csrf(page)})
    assert r.status_code == 422 and 'id="users-error"' in r.text
