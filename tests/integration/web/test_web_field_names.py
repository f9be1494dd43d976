"""API errors name the request's parameter, never a CLI flag (issue 11).

The services used to raise ``field="--reporter"`` / ``field="--to"`` and the API passed the
flag on to its clients; now they name the domain field, which is the parameter's name.
"""

from __future__ import annotations

from web_helpers import assert_error


def test_unknown_reporter_names_the_parameter(as_user) -> None:
    c = as_user("analyst")
    body = assert_error(c.get("/api/dashboard", params={"reporter": "XYZ", "start": "2018"}),
                        422, "invalid_input")
    assert [d["field"] for d in body["details"]] == ["reporter"]
    assert "--reporter" not in str(body)


def test_reversed_window_names_the_parameter(as_user) -> None:
    c = as_user("analyst")
    body = assert_error(c.get("/api/dashboard", params={"reporter": "MEX", "start": "2019-02",
                                                         "end": "2019-01"}),
                        422, "invalid_input")
    assert [d["field"] for d in body["details"]] == ["end"]  # was "--to"
