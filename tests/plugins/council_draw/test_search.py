"""The site's search finds the citizens' councils and their meetings, as it finds content: a
council once published, a meeting by its agenda, and its minutes once published."""

from __future__ import annotations

from datetime import timedelta

from core.database import db, utcnow
from core.services.bodies import ensure_body, publish_minutes, schedule_meeting


def results(client, words: str, **filters) -> list[tuple[str, str]]:
    """``(kind, title)`` of each result the search page shows."""
    import re

    page = client.get("/search/", query_string={"q": words, **filters}).text
    return re.findall(r'<p class="badge">([^<]*)</p>\s*<h3><a href="[^"]*">([^<]*)</a>', page)


def test_a_council_is_found_once_published_and_no_longer_when_withdrawn(client, make_council):
    draft = make_council(name="Conseil citoyen des Coteaux", published=False)
    draft.description = "Les habitants tirés au sort proposent des projets pour le quartier."
    db.session.commit()
    assert results(client, "tirés au sort") == []

    draft.is_published = True
    db.session.commit()
    assert results(client, "habitants tirés au sort") == [("Citizens&#39; council", "Conseil citoyen des Coteaux")]
    # The search's filter offers the councils, and finds them alone.
    assert '<option value="council_draw.council" >Citizens\' councils</option>' in client.get("/search/").text
    assert results(client, "habitants", type="council_draw.council") == [
        ("Citizens&#39; council", "Conseil citoyen des Coteaux")]

    draft.is_published = False
    db.session.commit()
    assert results(client, "Coteaux") == []


def test_a_meeting_is_found_by_its_agenda_and_its_minutes_once_published(client, make_council):
    council = make_council()
    body = ensure_body("council_draw", "bourtzwiller", council.name)
    held = schedule_meeting(body, "Première séance du conseil", utcnow() - timedelta(days=3),
                            "Salle polyvalente", "Élection du bureau, calendrier des séances.")
    db.session.commit()
    assert results(client, "élection du bureau") == [("Meeting", "Première séance du conseil")]
    assert results(client, "jardins partagés") == []

    publish_minutes(held, "Le conseil a retenu deux projets : des jardins partagés et un banc.")
    db.session.commit()
    assert results(client, "jardins partagés") == [("Meeting", "Première séance du conseil")]
    page = client.get("/search/", query_string={"q": "jardins"}).text
    assert f'href="/councils/bodies/meetings/{held.id}"' in page

    db.session.delete(held)
    db.session.commit()
    assert results(client, "jardins partagés") == []
