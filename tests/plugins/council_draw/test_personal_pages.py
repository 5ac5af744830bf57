"""Candidates' personal data is never kept by a browser's or a proxy's cache."""

from __future__ import annotations

from .conftest import PEOPLE


def test_the_candidates_pages_are_not_kept(client, login, officer, make_council, add_candidates):
    council = make_council()
    (candidate,) = add_candidates(council, PEOPLE[:1])
    login(client, officer)
    for path in (f"/councils/manage/{council.id}/candidates",
                 f"/councils/manage/{council.id}/candidates/{candidate.id}"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store", path
