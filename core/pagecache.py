"""Pages kept for visitors who are not signed in.

Most visits to a participation platform are people reading: the home page, the ideas, a
consultation's results, the finances. Those pages are the same for everyone who is not signed in,
so once such a page is rendered Civique keeps it for ``PAGE_CACHE_SECONDS`` (10 in production, 0,
that is off, in development and tests) and serves the copy to the next visitors instead of
rendering it again.

What is kept
    A ``GET`` (or ``HEAD``) of a view marked with :func:`visitor_cache`, answered ``200`` with
    HTML, for a visitor with no account in their session, no "remember me" cookie and no message
    waiting to be shown. A page is kept only when rendered for a session holding nothing of the
    visitor's own but their language (not a random order's seed, say); a response that set a
    cookie, showed a message (``flash``), wrote to the session or called
    :func:`skip_visitor_cache` is not kept. The key is the host, the path with its query string
    and the visitor's language. The form token (CSRF) of a kept page is replaced by each
    visitor's own, so the forms it holds (language, search) work for everyone. A kept page is
    served before any other ``before_request`` function runs.

Where
    In Redis when ``REDIS_URL`` is set (shared by every worker and instance), otherwise in each
    worker's memory (``PAGE_CACHE_MEMORY_BYTES`` at most, the least recently used pages go first;
    the workers, the background worker and the command line of one instance folder share when
    pages expire through a file there). When Redis does not answer, pages are rendered as if
    nothing were kept, and Redis is left alone for half a minute.

How fresh
    A kept page is at most ``PAGE_CACHE_SECONDS`` old. A change that removes or hides something
    (a moderation decision, a workflow move, a deleted file, an edited comment, an erased
    account, a saved setting) calls :func:`expire_visitor_pages` before it commits: once it
    commits, every kept page is dropped (through the after-commit service, :mod:`core.events`).

Signed-in readers
    A view marked with :func:`kept_for_readers` instead is kept in the same way and served to
    signed-in people too: the kept page is the visitor's, with the parts that are each reader's
    own (their account in the header, their support, what they may do) filled in for them
    (:mod:`core.pageparts`). When nobody has kept the page yet, it is rendered as for a visitor
    (a request of its own, without the reader's cookies) and kept, then filled in. What a person
    does, they see at once: a page kept before their last change (any ``POST`` they sent that
    succeeded, noted in their session) is rendered again for everyone. A reader with a message
    waiting (``flash``) gets the page rendered for them, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, g, request, session
from flask.globals import request_ctx

from . import pageparts
from .events import after_commit

log = logging.getLogger(__name__)

EXTENSION = "civique.pagecache"
HEADER = "X-Civique-Cache"
# Session keys that rendering a page may write without making it personal: the form token and
# Flask-Login's bookkeeping of anonymous sessions. The language is part of the key.
# The session's note of the reader's last change (a Unix time): pages kept before it are not theirs.
WROTE_AT = "wrote_at"
BOOKKEEPING_KEYS = frozenset({"_id", "_fresh", "_remember", "_remember_seconds", "lang", WROTE_AT})
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# In the environ of the request that renders a page again for visitors: the kept copy, older
# than what a reader changed, is not the answer.
RENDER_AGAIN = "civique.pagecache.render_again"
# How long the store (Redis) is left alone after it failed to answer.
PAUSE_SECONDS = 30


def visitor_cache(view):
    """Mark a view whose page may be kept for visitors who are not signed in.

    Only for pages that show the same thing to every such visitor (their language and the URL
    aside): reading pages, not forms that remember what someone typed.
    """
    view.visitor_cache = True
    return view


def kept_for_readers(view):
    """Mark a view whose page is kept for visitors and shared with signed-in readers, whose own
    parts are filled in for each of them (:mod:`core.pageparts`).

    Everything of the reader's own on such a page must be in a part: the rest is what a visitor
    sees (``tests/core/test_query_budget_shared.py`` checks it on every such page of the demo
    city, ``tests/plugins/idea_box/test_shared_pages.py`` for the idea box's readers).
    """
    view.visitor_cache = True
    view.reader_cache = True
    return view


def skip_visitor_cache() -> None:
    """Do not keep the page being rendered (it depends on something else than URL and language)."""
    g.page_cache_skip = True


def expire_visitor_pages() -> None:
    """Drop every kept page once the current database transaction commits.

    Call it before committing a change that removes or hides something visitors may have in a
    kept page (a hidden comment, an unpublished item, an erased account). Other changes show up
    within ``PAGE_CACHE_SECONDS``.
    """
    after_commit(expire_kept_pages, once=True)


def expire_kept_pages() -> None:
    """After-commit work of :func:`expire_visitor_pages`: every kept page is dropped."""
    cache = current_app.extensions.get(EXTENSION)
    if cache is not None and cache.enabled:
        cache.expire_all()


@dataclass
class Kept:
    """A kept page: the generation it belongs to, when it was rendered, its content type and its
    body. A page shared with readers (``parts`` is not ``None``) holds the parts' markers in
    ``body`` and, in ``visitor_body``, the page as visitors get it (parts filled in for them)."""

    generation: int
    content_type: str
    body: bytes
    rendered_at: float = 0.0
    parts: list | None = None
    visitor_body: bytes = b""

    @property
    def for_visitors(self) -> bytes:
        return self.body if self.parts is None else self.visitor_body

    def dump(self) -> bytes:
        parts = "-" if self.parts is None else pageparts.dumps(self.parts)
        head = f"{self.generation}\n{self.rendered_at!r}\n{self.content_type}\n{len(self.body)}\n{parts}\n"
        return head.encode() + self.body + self.visitor_body

    @classmethod
    def load(cls, raw: bytes) -> Kept | None:
        try:
            generation, rendered_at, content_type, length, parts, bodies = raw.split(b"\n", 5)
            length = int(length)
            return cls(int(generation), content_type.decode(), bodies[:length], float(rendered_at),
                       None if parts == b"-" else pageparts.loads(parts.decode()), bodies[length:])
        except ValueError:
            return None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.visitor_body)


class MemoryStore:
    """Each worker's own kept pages (no Redis): least recently used first out, bounded in bytes.

    The generation is the size of a file in the instance folder, which each expiry makes one
    byte longer, so that the gunicorn workers, ``flask worker`` and the command line of one
    instance expire their pages together (one ``stat`` a lookup). It starts again from nothing
    after a million expiries, long after the pages of that size were dropped.
    """

    MAX_GENERATION = 1024 * 1024

    def __init__(self, max_bytes: int, generation_file: str):
        self.max_bytes = max_bytes
        self.generation_file = generation_file
        self._pages: OrderedDict[str, tuple[float, Kept]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def generation(self) -> int:
        try:
            return os.stat(self.generation_file).st_size
        except FileNotFoundError:
            return 0

    def lookup(self, key: str, now: float) -> tuple[int, Kept | None]:
        generation = self.generation()
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return generation, None
            expires, kept = found
            if expires <= now or kept.generation != generation:
                self._drop(key)
                return generation, None
            self._pages.move_to_end(key)
            return generation, kept

    def keep(self, key: str, kept: Kept, seconds: int, now: float) -> None:
        size = kept.size
        if size > self.max_bytes:
            return
        with self._lock:
            self._drop(key)
            self._pages[key] = (now + seconds, kept)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def expire_all(self) -> None:
        # Appending is atomic: two processes expiring at once make it two bytes longer.
        with open(self.generation_file, "ab") as generation_file:
            if generation_file.tell() >= self.MAX_GENERATION:
                generation_file.truncate(0)
            generation_file.write(b".")
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        found = self._pages.pop(key, None)
        if found is not None:
            self._bytes -= found[1].size


class RedisStore:
    """Kept pages in Redis, shared by every worker and instance of the site.

    A generation number, raised by :meth:`expire_all`, is read with the page in one round trip;
    a page kept under an older generation is not served.
    """

    def __init__(self, url: str, prefix: str):
        from redis import Redis

        self.redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self.generation_key = f"{prefix}:generation"

    def lookup(self, key: str, now: float) -> tuple[int, Kept | None]:
        generation, raw = self.redis.mget(self.generation_key, f"{self.prefix}:{key}")
        generation = int(generation or 0)
        kept = Kept.load(raw) if raw else None
        if kept is not None and kept.generation != generation:
            kept = None
        return generation, kept

    def keep(self, key: str, kept: Kept, seconds: int, now: float) -> None:
        self.redis.set(f"{self.prefix}:{key}", kept.dump(), ex=seconds)

    def generation(self) -> int:
        return int(self.redis.get(self.generation_key) or 0)

    def expire_all(self) -> None:
        self.redis.incr(self.generation_key)


class BoundedExpiries(dict):
    """Keys and until when they hold, at most ``limit`` of them (all forgotten beyond)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, until) -> None:
        if len(self) >= self.limit:
            self.clear()
        super().__setitem__(key, until)


class PageCache:
    """The app's kept pages (``app.extensions["civique.pagecache"]``)."""

    def __init__(self, app):
        self.seconds = int(app.config.get("PAGE_CACHE_SECONDS") or 0)
        self.token_field = app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
        self.bookkeeping = BOOKKEEPING_KEYS | {self.token_field}
        secret = str(app.config["SECRET_KEY"]).encode()
        # What stands for the form token in a kept page: unguessable, the same in every instance.
        self.placeholder = hmac.new(secret, b"civique.pagecache.csrf", hashlib.sha256).hexdigest().encode()
        # The instances of a site share its secret key; sites sharing a Redis keep apart.
        prefix = app.config.get("PAGE_CACHE_KEY_PREFIX") or (
            "civique:pages:" + hmac.new(secret, b"civique.pagecache.prefix", hashlib.sha256).hexdigest()[:16]
        )
        self.paused_until = 0.0
        # Pages of readers' views that could not be kept for visitors (key -> until when): the
        # readers get them rendered for themselves meanwhile. Each worker's own.
        self.unkeepable = BoundedExpiries(10_000)
        if app.config.get("REDIS_URL"):
            self.store = RedisStore(app.config["REDIS_URL"], prefix)
        else:
            self.store = MemoryStore(int(app.config.get("PAGE_CACHE_MEMORY_BYTES") or 0),
                                     os.path.join(app.instance_path, "page-cache-generation"))

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def available(self) -> bool:
        return _now() >= self.paused_until

    def failed(self, doing: str) -> None:
        """The store did not answer: log it, leave it alone for a while."""
        log.exception("Page cache: could not %s; pages are rendered meanwhile", doing)
        self.paused_until = _now() + PAUSE_SECONDS

    def expire_all(self) -> None:
        try:
            self.store.expire_all()
        except Exception:  # Redis away: pages then live PAGE_CACHE_SECONDS at most
            self.failed("drop the kept pages")


def current_generation() -> int | None:
    """The kept pages' generation (every expiry raises it), read once per request; ``None``
    when pages are not kept or the store does not answer."""
    if "page_cache_generation" in g:
        return g.page_cache_generation
    cache = _cache()
    generation = None
    if cache is not None:
        try:
            generation = cache.store.generation()
        except Exception:
            cache.failed("read the kept pages' generation")
    g.page_cache_generation = generation
    return generation


class ProcessCopy:
    """A value read from the database that each process keeps while the kept pages' generation
    stays the same, and ``max_seconds`` at most: the permissions' and settings' tables, which
    every page reads and only an admin changes (a change expires the kept pages, and so every
    process's copy), and no longer than a kept page lives. Read again on every request when
    pages are not kept."""

    def __init__(self, load, max_seconds: float):
        self.load = load
        self.max_seconds = max_seconds
        self.value = None
        self.generation: int | None = None
        self.until = 0.0

    def get(self):
        generation = current_generation()  # before reading: a change committed meanwhile wins
        if generation is None:
            return self.load()
        now = time.monotonic()
        if self.value is None or generation != self.generation or now >= self.until:
            self.value, self.generation, self.until = self.load(), generation, now + self.max_seconds
        return self.value

    def forget(self) -> None:
        """Read it again next time (this process just changed it)."""
        self.value = None


def process_copy(name: str, load) -> ProcessCopy:
    """The app's :class:`ProcessCopy` called ``name`` (made with ``load`` the first time)."""
    copies = current_app.extensions.setdefault("civique.process_copies", {})
    if name not in copies:
        # No longer than a kept page: a change whose expiry did not reach this process (Redis
        # away when it was made) holds here no longer than the pages it shows.
        seconds = int(current_app.config.get("PAGE_CACHE_SECONDS") or 0)
        copies[name] = ProcessCopy(load, max_seconds=seconds)
    return copies[name]


def _cache() -> PageCache | None:
    cache = current_app.extensions.get(EXTENSION)
    return cache if cache is not None and cache.enabled and cache.available() else None


def _now() -> float:
    return time.time()


def _is_plain_visitor() -> bool:
    if "_user_id" in session or "_flashes" in session:
        return False
    return not request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))


def _key(locale: str) -> str:
    path = request.full_path if request.query_string else request.path
    text = f"{request.host}\n{locale}\n{path}"
    return hashlib.sha256(text.encode()).hexdigest()


def _personal_session(cache: PageCache) -> dict:
    """What the session holds of the visitor's own (not the form token, language, bookkeeping)."""
    return {key: value for key, value in session.items() if key not in cache.bookkeeping}


def serve_kept_page():
    """``before_request`` (the first): answer with the kept page when there is one."""
    cache = _cache()
    if cache is None or request.method not in ("GET", "HEAD"):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "visitor_cache", False):
        return None
    if not _is_plain_visitor():
        return _serve_shared_page(cache) if getattr(view, "reader_cache", False) else None
    from .i18n import visitor_locale

    key = _key(visitor_locale())
    try:
        generation, kept = cache.store.lookup(key, _now())
    except Exception:
        cache.failed("read the kept pages")
        return None
    g.page_cache_generation = generation
    if kept is None or request.environ.get(RENDER_AGAIN):
        # Rendered for a session holding something of the visitor's own, the page may show it:
        # it is not kept (such a visitor is still served the pages kept from others).
        if not _personal_session(cache):
            g.page_cache_pending = (key, generation, _now())
            if getattr(view, "reader_cache", False):
                pageparts.begin_shared_render()
        return None
    return _kept_response(cache, kept, kept.for_visitors, "hit")


def _kept_response(cache: PageCache, kept: Kept, body: bytes, header: str):
    from flask_wtf.csrf import generate_csrf

    if cache.placeholder in body:
        body = body.replace(cache.placeholder, generate_csrf().encode())
    response = current_app.response_class(body, content_type=kept.content_type)
    response.headers[HEADER] = header
    return response


def _serve_shared_page(cache: PageCache):
    """A signed-in reader's page from the visitors' kept one, their own parts filled in."""
    from flask_login import current_user

    from .i18n import select_locale

    if "_flashes" in session or not current_user.is_authenticated:
        return None
    locale = select_locale()
    key = _key(locale)
    now = _now()
    if cache.unkeepable.get(key, 0) > now:
        return None
    try:
        g.page_cache_generation, kept = cache.store.lookup(key, now)
    except Exception:
        cache.failed("read the kept pages")
        return None
    if kept is None or kept.parts is None or kept.rendered_at <= float(session.get(WROTE_AT) or 0):
        kept = _render_for_visitors(locale)
        if kept is None:
            # Not a page kept for visitors after all (it redirects them, say): rendered for the
            # reader, and not tried again for a while.
            cache.unkeepable[key] = now + cache.seconds
            return None
    return _kept_response(cache, kept, pageparts.fill(kept.body, kept.parts), "shared")


def _render_for_visitors(locale: str) -> Kept | None:
    """Render the current page as a visitor speaking ``locale`` would get it (a request of its
    own: no cookie, its own application context and database session), which keeps it; the
    kept page, or ``None`` when it was not kept."""
    from werkzeug.test import EnvironBuilder

    app = current_app._get_current_object()
    builder = EnvironBuilder(
        path=request.path, query_string=request.query_string.decode("latin-1"), method="GET",
        base_url=request.host_url.rstrip("/") + request.script_root,
        headers={"Accept-Language": locale, "User-Agent": request.headers.get("User-Agent", "")},
        environ_base={"REMOTE_ADDR": request.remote_addr or "127.0.0.1", RENDER_AGAIN: True},
    )
    environ = builder.get_environ()
    builder.close()
    # The reader's address as it came (EnvironBuilder would decode and encode it once more).
    for name in ("PATH_INFO", "SCRIPT_NAME", "QUERY_STRING"):
        environ[name] = request.environ.get(name, "")
    with app.app_context(), app.request_context(environ):
        response = app.full_dispatch_request()
        kept = getattr(response, "civique_kept", None)
        response.close()
    return kept


def keep_page(response):
    """``after_request``: keep the page rendered for a visitor, when it may be kept; fill in
    the parts of a page shared with readers."""
    pending = g.pop("page_cache_pending", None)
    parts = pageparts.end_shared_render()
    cache = _cache()
    if parts is not None and (response.is_streamed or response.direct_passthrough):
        parts = None  # nothing rendered (a file, say): no marker to fill in
    if pending is None or cache is None:
        if parts is not None:
            response.set_data(pageparts.fill(response.get_data(), parts))
        return response
    key, generation, rendered_at = pending
    keepable = not (
        response.status_code != 200
        or response.mimetype != "text/html"
        or response.is_streamed
        or response.direct_passthrough
        or "Set-Cookie" in response.headers
        or g.get("page_cache_skip")
        or getattr(request_ctx, "flashes", None)
        or not _is_plain_visitor()
        or _personal_session(cache)
    )
    body = response.get_data()
    filled = pageparts.fill(body, parts) if parts is not None else body
    if parts is not None:
        response.set_data(filled)
    if not keepable:
        return response
    token = g.get(cache.token_field)
    if token:
        body = body.replace(token.encode(), cache.placeholder)
        filled = filled.replace(token.encode(), cache.placeholder)
    kept = Kept(generation, response.content_type, body, rendered_at, parts,
                filled if parts is not None else b"")
    try:
        cache.store.keep(key, kept, cache.seconds, _now())
    except Exception:
        cache.failed("keep a page")
        return response
    response.civique_kept = kept
    response.headers[HEADER] = "miss"
    return response


def note_write(response):
    """``after_request``: note in a signed-in person's session when they changed something, so
    that the pages kept before are not served to them. The session says who is signed in (the
    account, expired by the commit, is not read again); noted whenever pages are kept, even while
    this worker leaves Redis alone (the others may still serve kept pages)."""
    cache = current_app.extensions.get(EXTENSION)
    if (request.method not in SAFE_METHODS and response.status_code < 400 and "_user_id" in session
            and cache is not None and cache.enabled):
        session[WROTE_AT] = _now()
    return response


def init_app(app) -> None:
    """Create the app's page cache; serve kept pages before any other ``before_request``."""
    app.extensions[EXTENSION] = PageCache(app)
    app.before_request_funcs.setdefault(None, []).insert(0, serve_kept_page)
    app.after_request(keep_page)
    app.after_request(note_write)
    app.jinja_env.globals["own_part"] = pageparts.own_part
