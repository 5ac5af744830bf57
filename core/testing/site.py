"""Walking the whole site as a person would, page after page, and checking what they see.

:func:`walk` follows the links of the pages a person reaches from the home page (the same kind of
page twice at most: the first two ideas, not all of them); :func:`check_page` looks at one page
in the browser at one width and says what is wrong with it as a person sees it:

- the document is wider than the screen (WCAG 1.4.10, reflow: a phone of 320 px must not scroll
  sideways);
- the browser refused something under the Content-Security-Policy, or a script failed;
- a date is written as a raw ISO timestamp (``2026-12-02T04:52:50``, or with a space) in the
  visible text;
- a chart's bar is not proportional to its value (measured from the drawn SVG), or its table
  does not hold the bars' figures;
- axe-core finds a WCAG 2.1 A/AA violation.

The browser tests (``tests/e2e/test_every_page.py``) walk the demo city as a visitor and as
each role, at 320 px and 1280 px; ``make screenshots`` walks it the same way and writes a
full-page picture of every page for people to review.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

# Links that are no pages to look at: they download a file, write something when followed (a
# notification marked read, an address confirmed), or leave the site.
SKIPPED = re.compile(
    r"^/(static|files)/|\.(csv|json|zip|pdf|xml|ico|svg|png|jpe?g)$|^/notifications/\d+$|"
    r"^/account/(confirm|password/reset)/|^/healthz$|^/dev/"
)
WIDTHS = (320, 1280)
# Who walks the demo city: nobody signed in, then one account of each role it has.
DEMO_PASSWORD = "civique-demo-2026"
WALKERS = {
    "visitor": None,
    "resident": "habitant@demo.civique.fr",
    "moderator": "moderation@demo.civique.fr",
    "staff": "agent@demo.civique.fr",
    "admin": "admin@demo.civique.fr",
    "conciliator": "mediateur@demo.civique.fr",
    "council-officer": "conseils@demo.civique.fr",
}
ISO_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
SAMPLES = 2

# The visible text of the page, and whether the document scrolls sideways.
_MEASURE = """() => ({
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    text: document.body ? document.body.innerText : '',
    wide: Array.from(document.querySelectorAll('body *')).filter((e) => {
        const box = e.getBoundingClientRect();
        return box.width > 0 && box.right > document.documentElement.clientWidth + 1;
    }).slice(0, 3).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')),
})"""


@dataclass
class Visit:
    """What one page showed at one width, and what is wrong with it."""

    path: str
    width: int
    problems: list[str] = field(default_factory=list)


def kind_of(path: str) -> str:
    """The kind of page a path is: its numbers and query string aside (``/ideas/N``)."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


def same_site_links(page, base_url: str) -> list[str]:
    """The paths of the links of the page that lead to other pages of the site."""
    hrefs = page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.href)")
    paths = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if not href.startswith(base_url):
            continue
        path = href[len(base_url):] or "/"
        if not SKIPPED.search(urlsplit(path).path) and path not in paths:
            paths.append(path)
    return paths


def walk(page, base_url: str, start: str = "/", limit: int = 200, samples: int = SAMPLES) -> list[str]:
    """Every page reachable from ``start`` by following links (``samples`` of each kind), in the
    order they are found; ``page`` is a browser tab already signed in as needed."""

    def links_of(path: str) -> list[str] | None:
        response = page.goto(base_url + path)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            return None
        return same_site_links(page, base_url)

    return _follow_links(links_of, start, limit, samples)


def walk_answers(client, start: str = "/", limit: int = 200,
                 samples: int = SAMPLES) -> tuple[list[str], list[str]]:
    """The same walk as :func:`walk` through a Flask test ``client`` (no browser): the pages
    found, and the links that answered a server error (``/path: 500``)."""
    errors: list[str] = []

    def links_of(path: str) -> list[str] | None:
        response = client.get(path)
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
        if response.status_code != 200 or response.mimetype != "text/html":
            return None
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        paths = []
        for href in parser.hrefs:
            parts = urlsplit(urljoin(f"http://{_HOST}{path}", urldefrag(href)[0]))
            if parts.scheme not in ("http", "https") or parts.hostname not in (_HOST, "localhost"):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if not SKIPPED.search(parts.path) and link not in paths:
                paths.append(link)
        return paths

    return _follow_links(links_of, start, limit, samples), errors


# The host the test client answers as (``SERVER_NAME`` of core.testing).
_HOST = "civique.test"


class _Links(HTMLParser):
    """The ``href`` of every ``<a>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _follow_links(links_of, start: str, limit: int, samples: int) -> list[str]:
    """Breadth first from ``start``: ``links_of(path)`` opens a page and gives its links (None
    when it is no HTML page to walk on); at most ``samples`` pages of each kind."""
    seen_kinds: dict[str, int] = {}
    found: list[str] = []
    queue = deque([start])
    queued = {start}
    while queue and len(found) < limit:
        path = queue.popleft()
        links = links_of(path)
        if links is None:
            continue
        found.append(path)
        for link in links:
            kind = kind_of(link)
            if link in queued or seen_kinds.get(kind, 0) >= samples:
                continue
            seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
            queued.add(link)
            queue.append(link)
    return found


def check_page(page, base_url: str, path: str, width: int, axe_script: Path | None = None) -> Visit:
    """Open ``path`` at ``width`` px and say what a person would find wrong with it."""
    from .browser import axe_violations, describe_violations

    visit = Visit(path, width)
    console: list[str] = []

    def heard(message):
        if message.type == "error":
            console.append(message.text)

    def failed(error):
        console.append(f"script error: {error}")

    page.on("console", heard)
    page.on("pageerror", failed)
    try:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(base_url + path)
        if response is None or response.status >= 400:
            visit.problems.append(f"answered {response.status if response else 'nothing'}")
            return visit
        page.wait_for_load_state("load")
        measured = page.evaluate(_MEASURE)
        if measured["overflow"] > 0:
            visit.problems.append(f"the document is {measured['overflow']} px wider than the screen "
                                  f"(too wide: {', '.join(measured['wide']) or 'the page'})")
        for stamp in ISO_TIMESTAMP.findall(measured["text"]):
            visit.problems.append(f"a raw timestamp is shown: {stamp}")
        for message in console:
            visit.problems.append(f"the browser says: {message}")
        visit.problems.extend(chart_problems(page.evaluate(_CHARTS)))
        if axe_script is not None:
            violations = axe_violations(page, axe_script)
            if violations:
                visit.problems.append(describe_violations(path, violations))
    finally:
        page.remove_listener("console", heard)
        page.remove_listener("pageerror", failed)
    return visit


# Every chart of the page as drawn: each bar's value, drawn length and written value, and the
# figures of the chart's table (when it has one).
_CHARTS = """() => [...document.querySelectorAll('figure.chart')].map(figure => ({
  id: figure.id,
  maximum: parseFloat((figure.querySelector('ul.bars') || {dataset: {}}).dataset.maximum) || null,
  bars: [...figure.querySelectorAll('ul.bars > li')].map(item => {
    const svg = item.querySelector('svg.bar'), rect = svg && svg.querySelector('rect');
    return {
      label: (item.querySelector('.bar-label') || {}).textContent || '',
      value: svg ? parseFloat(svg.dataset.value) : NaN,
      drawn: rect ? rect.getBoundingClientRect().width : NaN,
      track: svg ? svg.getBoundingClientRect().width : NaN,
      text: ((item.querySelector('.bar-value') || {}).textContent || '').trim(),
    };
  }),
  table: [...figure.querySelectorAll('table tbody tr')].map(row => [
    (row.querySelector('th') || {}).textContent.trim(),
    ((row.querySelector('td') || {}).textContent || '').trim(),
  ]),
}))"""


def chart_problems(charts: list[dict]) -> list[str]:
    """What is wrong with the charts as drawn: a bar not proportional to its value (its share
    of the track against the value's share of the chart's maximum, or of the largest value), or
    a table whose figures are not the bars'."""
    problems = []
    for chart in charts:
        bars = chart["bars"]
        largest = chart.get("maximum") or max((abs(bar["value"]) for bar in bars), default=0)
        for bar in bars:
            if not bar["track"] or largest == 0:
                continue
            expected = abs(bar["value"]) / largest
            drawn = bar["drawn"] / bar["track"]
            if abs(drawn - expected) > 0.01 + 1.5 / bar["track"]:
                problems.append(f"chart {chart['id']}: the bar of {bar['label']!r} ({bar['text']}) is "
                                f"drawn {drawn:.0%} long for {expected:.0%} of the largest value")
        if chart["table"]:
            drawn_figures = [(bar["label"].strip(), bar["text"]) for bar in bars]
            table_figures = [(label, figure.split(" (")[0].strip()) for label, figure in chart["table"]]
            if drawn_figures != table_figures:
                problems.append(f"chart {chart['id']}: its table says {table_figures}, its bars "
                                f"{drawn_figures}")
    return problems


def screenshot(page, base_url: str, path: str, width: int, folder: Path) -> Path:
    """A full-page picture of ``path`` at ``width`` px, in ``folder``."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    name = re.sub(r"[^a-zA-Z0-9]+", "-", path.strip("/")) or "home"
    target = folder / f"{name}-{width}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target
