"""Browser tests: the app on a live server, driven by headless Chromium, checked with axe-core.

The project's own end-to-end tests use these fixtures, and a plugin can reuse them for its pages.
Register the fixtures once, in the top-level ``conftest.py`` of your tests (Playwright allows
one instance per thread, so the fixtures must not be imported into several conftest files)::

    # tests/conftest.py
    pytest_plugins = ["core.testing", "core.testing.browser"]

Put the browser tests in their own folder, whose ``conftest.py`` turns the test app into one a
real browser can use (CSRF on, no fixed server name)::

    # tests/e2e/conftest.py of a plugin
    import pytest

    from core.testing.browser import LIVE_SERVER_CONFIG

    @pytest.fixture
    def app_config():
        return {**LIVE_SERVER_CONFIG, "PLUGINS": ["my_plugin"]}

    def test_my_page_is_accessible(page, live_server, axe_check):
        page.goto("/my-plugin/")
        axe_check(page)


What you get:

``live_server``
    The test ``app`` served from a thread on a free port of 127.0.0.1, on the test database and
    sending its mail to the ``smtp`` fixture's server. ``live_server.url`` is its base address.
    A test fails when the server answered 5xx during it (``live_server.server_errors``).
``browser``
    One headless Chromium for the run: Debian's (``/usr/bin/chromium``), the one named by
    ``CIVIQUE_CHROMIUM``, or ``chromium`` on the ``PATH``; Playwright never downloads a browser.
    Without one, browser tests are skipped with a loud reason, or fail when ``CI=true``.
``page``
    A fresh browser tab (its own cookies) whose relative ``goto()`` addresses go to the live
    server; French is the browser's language unless ``browser_context_args`` says otherwise.
``axe_check``
    ``axe_check(page)`` runs axe-core on the page (WCAG 2.0/2.1 levels A and AA) and fails with
    each violation's rule, help and elements. axe-core comes from the npm registry
    (``make .cache/node/node_modules/axe-core/axe.min.js``, or ``CIVIQUE_AXE_JS``).

Helpers: :func:`ui_text` (a message in the page's language, for selectors that survive
translation), :func:`log_in` (through the real login form), :func:`page_language`.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from . import TEST_PASSWORD

BLANK_TILE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mN4"
              "8eotAAV9AsAZJy/iAAAAAElFTkSuQmCC")

# The configuration a live server needs on top of the test defaults: a browser sends the CSRF
# token like anyone would, and addresses (in mail too) must point at the live server itself.
LIVE_SERVER_CONFIG: dict[str, Any] = {
    "WTF_CSRF_ENABLED": True,
    "SERVER_NAME": None,
    "RATELIMIT_ENABLED": False,
    # Map tiles without the network: one grey pixel for every tile.
    "MAP_TILES_URL": BLANK_TILE,
}



def in_the_browser(**config):
    """An ``app_config`` fixture for browser tests: the enclosing folder's configuration (a
    plugin's ``enable_plugin``), as a browser uses it (:data:`LIVE_SERVER_CONFIG`), with
    ``config`` added. In a plugin's ``tests/e2e/conftest.py``: ``app_config = in_the_browser()``.
    """

    @pytest.fixture
    def app_config(app_config) -> dict:
        return {**app_config, **LIVE_SERVER_CONFIG, **config}

    return app_config


# What axe-core checks: WCAG 2.0 and 2.1, levels A and AA (the RGAA 4.1 baseline).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

CHROMIUM_CANDIDATES = ("/usr/bin/chromium",)
AXE_RELATIVE_PATH = Path(".cache/node/node_modules/axe-core/axe.min.js")
# How long a browser action may wait for the page (a safety net, never a speed assertion).
ACTION_TIMEOUT_MS = 15_000


# --- Finding the tools -------------------------------------------------------------------------


def in_ci() -> bool:
    """Whether this run is a CI run, where a missing browser is an error rather than a skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def not_available(reason: str) -> NoReturn:
    """Skip the test loudly, or fail it when ``CI=true`` (CI must never skip browser tests)."""
    message = f"!!! BROWSER TESTS NOT RUN: {reason}"
    if in_ci():
        pytest.fail(message + " (CI=true: browser tests are required)", pytrace=False)
    pytest.skip(message)


def find_chromium() -> str | None:
    """The Chromium to drive: ``CIVIQUE_CHROMIUM``, Debian's, or ``chromium`` on the ``PATH``."""
    configured = os.environ.get("CIVIQUE_CHROMIUM", "").strip()
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    candidates = (*CHROMIUM_CANDIDATES, shutil.which("chromium"), shutil.which("chromium-browser"))
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def find_axe(*roots: Path) -> Path | None:
    """axe.min.js: ``CIVIQUE_AXE_JS``, or the Makefile's copy under one of ``roots``."""
    configured = os.environ.get("CIVIQUE_AXE_JS", "").strip()
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    for root in roots:
        path = Path(root) / AXE_RELATIVE_PATH
        if path.is_file():
            return path
    return None


# --- The live server ---------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without one log line per request."""

    def log_request(self, code="-", size="-") -> None:
        pass


class LiveServer:
    """A WSGI app served from a background thread on a free port of 127.0.0.1.

    Every response with a 5xx status is recorded in :attr:`server_errors`, so that an error the
    browser only shows as a page does not go unnoticed.
    """

    def __init__(self, app, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self.server_errors: list[str] = []
        self._server = make_server(host, 0, self._watch, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="civique-live-server", daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def url(self) -> str:
        """The base address, without a trailing slash: ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    def url_for(self, path: str) -> str:
        """The absolute address of ``path`` (``"/account/login"``) on this server."""
        return self.url + "/" + path.lstrip("/")

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _watch(self, environ, start_response):
        def recording_start_response(status: str, headers, exc_info=None):
            if status[:1] == "5":
                self.server_errors.append(
                    f"{status} on {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
                )
            return start_response(status, headers, exc_info)

        return self.app(environ, recording_start_response)


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The test ``app`` served over HTTP for a real browser (see the module docstring)."""
    if app.config.get("SERVER_NAME"):
        pytest.fail(
            "The live server needs SERVER_NAME unset (links in pages and mail must point at it): "
            "override the app_config fixture with {**LIVE_SERVER_CONFIG, ...} from "
            "core.testing.browser.",
            pytrace=False,
        )
    server = LiveServer(app).start()
    yield server
    server.stop()
    if server.server_errors:
        pytest.fail(
            "The live server answered with a server error during the test:\n  "
            + "\n  ".join(server.server_errors),
            pytrace=False,
        )


# --- The browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The path of the Chromium to drive (skips or fails loudly when there is none)."""
    path = find_chromium()
    if path is None:
        configured = os.environ.get("CIVIQUE_CHROMIUM", "").strip()
        if configured:
            not_available(f"CIVIQUE_CHROMIUM={configured} is not an executable file.")
        not_available(
            "no Chromium found (looked for /usr/bin/chromium and chromium on the PATH). "
            "Install Debian's package (apt-get install chromium) or set CIVIQUE_CHROMIUM."
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """One headless Chromium for the whole run, driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        not_available("the playwright Python package is not installed (pip install -e '.[test]').")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=chromium_executable, headless=True)
        except Exception as exc:  # a broken or incompatible browser: say which and why
            not_available(f"Chromium at {chromium_executable} did not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context_args(live_server) -> dict[str, Any]:
    """Options of each test's browser context; override to change the language, the screen..."""
    return {
        "base_url": live_server.url,
        "locale": "fr-FR",
        "accept_downloads": True,
        # The site's Content-Security-Policy forbids injected scripts; axe-core is one.
        "bypass_csp": True,
    }


@pytest.fixture
def page(browser, browser_context_args):
    """A new tab in a new browser context (no cookies shared with other tests)."""
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def new_page(browser, browser_context_args):
    """``new_page()`` opens another person's browser: a new context, its own cookies."""
    contexts = []

    def factory():
        context = browser.new_context(**browser_context_args)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


# --- Accessibility -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_script(request) -> Path:
    """The path of axe.min.js (skips or fails loudly when it is missing)."""
    civique_root = Path(__file__).resolve().parents[2]
    path = find_axe(request.config.rootpath, civique_root)
    if path is None:
        not_available(
            "axe-core is missing: run `make .cache/node/node_modules/axe-core/axe.min.js` "
            "(npm install axe-core) or set CIVIQUE_AXE_JS to an axe.min.js."
        )
    return path


_RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
            target: n.target.join(' '),
            summary: (n.failureSummary || '').split('\\n').map((line) => line.trim())
                .filter(Boolean).slice(0, 3).join(' '),
        })),
    }));
}"""


def axe_violations(page, script: Path, tags=WCAG_TAGS) -> list[dict[str, Any]]:
    """Run axe-core on the page once it has loaded and return its violations.

    A click on a link returns before the next page arrives: when that page replaces the
    document under axe, it is checked again once loaded (three tries).
    """
    from playwright.sync_api import Error as PlaywrightError

    tries = 3
    while True:
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.add_script_tag(path=str(script))
            return page.evaluate(_RUN_AXE, list(tags))
        except PlaywrightError:
            tries -= 1
            if not tries:
                raise


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """A readable report: each rule broken, why it matters, and the elements that break it."""
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['summary']}")
    return "\n".join(lines)


def assert_accessible(page, script: Path, tags=WCAG_TAGS) -> None:
    """Fail with a readable report when axe-core finds WCAG A/AA violations on the page."""
    violations = axe_violations(page, script, tags)
    if violations:
        raise AssertionError(describe_violations(page.url, violations))


@pytest.fixture
def axe_check(axe_script) -> Callable[..., None]:
    """``axe_check(page)``: fail when the page breaks a WCAG 2.1 A/AA rule axe-core can test."""

    def check(page, tags=WCAG_TAGS) -> None:
        assert_accessible(page, axe_script, tags)

    return check


# --- Helpers for tests -------------------------------------------------------------------------


def page_language(page) -> str:
    """The language the page says it is in (``<html lang>``)."""
    return page.locator("html").get_attribute("lang") or ""


def ui_text(page, message: str, **variables) -> str:
    """``message`` (an English msgid) as the page shows it, in the page's language.

    Selectors written with it (``page.get_by_label(ui_text(page, "Password"), exact=True)``)
    keep working whatever the catalogs say. Needs the test app's context (the ``app`` fixture).
    """
    from flask_babel import force_locale, gettext

    with force_locale(page_language(page) or "fr"):
        return gettext(message, **variables)


def log_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form, as a person would."""
    page.goto("/account/login")
    page.get_by_label(ui_text(page, "E-mail address"), exact=True).fill(email)
    page.get_by_label(ui_text(page, "Password"), exact=True).fill(password)
    submit = page.get_by_role("main").get_by_role("button", name=ui_text(page, "Log in"), exact=True)
    with page.expect_navigation():
        submit.click()
