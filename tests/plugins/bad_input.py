"""Bad input sent to a staff form: never a server error, always a message, nothing saved changed.

The helpers the staff forms' tests share (``tests/plugins/*/test_staff_bad_input.py`` and
``tests/core/test_staff_forms_bad_input.py``)::

    refused(client, "/ideas/setup/departments", {"name": "   "}, "Give the department a name.")

posts the form as a browser would (following the redirect to the page that shows the flash),
and checks that the answer is no server error, that the page shows the message (a field's error,
an error summary, an alert or a flash), and that every row saved before is still there,
unchanged.
"""

from __future__ import annotations

from html.parser import HTMLParser

from core.database import db

# What a refused request may still write: the log of who viewed what, and the sessions.
NOT_COMPARED = {"audit_entry"}

OVERLONG = "x" * 10_000
# Numbers a number field must refuse or bound, and text where a number is expected.
HUGE = "99999999999999999999"


def saved_rows() -> dict[str, list[tuple]]:
    """Every row of every table (but :data:`NOT_COMPARED`), as committed.

    The tests' requests share one session, which the site gives each request afresh: what a
    refused request left in it uncommitted is dropped first, as the end of a request does."""
    db.session.rollback()
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in NOT_COMPARED:
                continue
            rows[table.name] = sorted(
                (tuple(row) for row in connection.execute(table.select())), key=repr)
    return rows


class _Messages(HTMLParser):
    """The texts of a page's messages: field errors, error summaries, alerts and flashes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside a message
        self.texts: list[str] = []
        self.in_main = self.in_heading = False
        self.heading = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "use"):
            return
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        self.in_main = self.in_main or tag == "main"
        self.in_heading = self.in_heading or (self.in_main and tag == "h1" and not self.heading)
        if self.depth or classes & {"error", "error-summary", "flash"} \
                or attributes.get("role") == "alert":
            self.depth += 1
            if self.depth == 1:
                self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_heading = False
        if self.depth and tag not in ("br", "img", "input", "meta", "link", "hr", "use"):
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data
        if self.in_heading:
            self.heading += data


def messages_of(response) -> list[str]:
    """The messages ``response`` shows, each as one line of text; an error page (4xx) shows
    its title."""
    parser = _Messages()
    parser.feed(response.get_data(as_text=True))
    texts = parser.texts + ([parser.heading] if response.status_code >= 400 else [])
    return [" ".join(text.split()) for text in texts if text.strip()]


def refused(client, url: str, data: dict, message: str | None = None, **post):
    """Post ``data`` to ``url``; check it is refused with ``message`` (or at least some message)
    and that nothing saved changed. Returns the page shown."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)  # left by what the test did before, never shown
    before = saved_rows()
    response = client.post(url, data=data, follow_redirects=True, **post)
    shown = messages_of(response)
    assert response.status_code < 500, f"{url} {data!r:.200}: error {response.status_code}"
    assert shown, f"{url} {data!r:.200}: no message on the page"
    if message is not None:
        assert any(message in text for text in shown), f"{message!r} not in {shown!r}"
    assert saved_rows() == before, f"{url} {data!r:.200}: saved rows changed"
    return response


def refuses_each(client, urls, form: dict, cases) -> None:
    """:func:`refused` at each of ``urls`` (one or a list) for each ``(changes, message)`` of
    ``cases``: ``form`` with ``changes`` (a value of ``None`` leaves the field out, as a
    tampered or outdated form would). Every case that fails is reported, not only the first."""
    failures = []
    for url in [urls] if isinstance(urls, str) else urls:
        for changes, message in cases:
            data = {key: value for key, value in {**form, **changes}.items() if value is not None}
            try:
                refused(client, url, data, message)
            except AssertionError as error:
                failures.append(f"{url} {changes!r:.100}: {error}")
    assert not failures, "\n".join(failures)
