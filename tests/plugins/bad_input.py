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

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from core.database import db

# What a refused request may still write (the log of who viewed what), and what the site's
# machinery writes on its own while a test runs (the background workers' heartbeat).
NOT_COMPARED = {"audit_entry", "worker_beat"}

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
    after = saved_rows()
    changed = sorted(table for table in before if after[table] != before[table])
    assert not changed, f"{url} {data!r:.200}: saved rows changed in {changed}"
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


# --- Every form of the staff pages, each field sent wrong --------------------------------------

# What each field of every form is sent in turn (``None``: left out).
WRONG = ("", "   ", HUGE, "nan", OVERLONG, None)
NOT_VISITED = (".csv", ".json", ".svg", ".png", ".jpg", ".pdf")


class _Page(HTMLParser):
    """The links of a page, and its forms sent by POST: their action, what a browser would send
    for each field untouched, and the names of the fields one types or chooses in."""

    BUTTONS = ("file", "submit", "button", "image", "reset")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = None
            if attributes.get("method", "").lower() == "post":
                self._form = {"action": attributes.get("action", ""), "fields": {}, "names": []}
                self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._select[1].append((attributes.get("value", ""), "selected" in attributes))
        if self._form is None or not attributes.get("name"):
            return
        name, fields = attributes["name"], self._form["fields"]
        kind = attributes.get("type", "text").lower()
        if tag in ("input", "textarea", "select") and kind not in self.BUTTONS \
                and name not in self._form["names"]:
            self._form["names"].append(name)
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attributes:
                fields.setdefault(name, []).append(attributes.get("value", "on"))
        elif tag == "input" and kind not in self.BUTTONS:
            fields.setdefault(name, []).append(attributes.get("value", ""))
        elif tag in ("button", "input") and kind in ("submit", "button") and name not in fields:
            fields[name] = [attributes.get("value", "")]  # the form's first button
        elif tag == "textarea":
            self._textarea = fields.setdefault(name, [""])
        elif tag == "select":
            self._select = (name, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None:  # a browser drops the newline after <textarea>
                text = self._textarea[-1]
                self._textarea[-1] = text.removeprefix("\r").removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [
                value for value, _selected in options[:1]]
            if self._form is not None and chosen:
                self._form["fields"][name] = chosen
            self._select = None


def staff_forms(client, start: list[str], prefix: str, limit: int = 40) -> dict[str, tuple]:
    """The POST forms found on the pages under ``prefix`` reachable from ``start`` (one per
    address, numbers taken for any): ``{address pattern: (action, fields, names)}``."""
    seen, todo, forms = set(), list(start), {}
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url}: error {response.status_code}"
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        for form in page.forms:
            action = urlsplit(urljoin(url, form["action"] or url)).path
            if action.startswith(prefix):
                pattern = re.sub(r"/\d+", "/N", action)
                forms.setdefault(pattern, (action, form["fields"], form["names"]))
        for link in page.links:
            parts = urlsplit(urljoin(url, link))
            if parts.path.startswith(prefix) and not parts.path.endswith(NOT_VISITED):
                todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return forms


def no_form_fails(client, start: list[str], prefix: str, limit: int = 40) -> None:
    """Each field of each staff form found from ``start``, sent as each of :data:`WRONG` with
    the others as the page had them: never a server error."""
    failures, forms = [], staff_forms(client, start, prefix, limit)
    assert forms, f"no form found from {start}"

    def order(item):  # forms that delete or cancel last, so that the others find what they change
        return ("delete" in item[0] or "cancel" in item[0], item[0])

    for _pattern, (action, fields, names) in sorted(forms.items(), key=order):
        for name in names:
            for wrong in WRONG:
                data = {key: value for key, value in fields.items() if key != name}
                if wrong is not None:
                    data[name] = wrong
                response = client.post(action, data=data)
                if response.status_code >= 500:
                    failures.append(f"{action} {name}={wrong!r:.20}: error {response.status_code}")
                db.session.rollback()
    assert not failures, "\n".join(failures)
