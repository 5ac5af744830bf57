"""A mediation case is personal: neither a browser's nor a proxy's cache keeps its pages."""

from __future__ import annotations


def test_the_cases_pages_are_not_kept(client, login, users, make_case, conciliator):
    case = make_case(users["resident"])
    login(client, users["resident"])
    for path in ("/mediation/mine", f"/mediation/cases/{case.id}"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store", path
    client.post("/account/logout")
    login(client, conciliator)
    response = client.get(f"/mediation/cases/{case.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
