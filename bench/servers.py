"""Start and stop gunicorn servers (Civique or the floor) on 127.0.0.1, and a small HTTP client
that keeps its own cookies (the pages of the benchmarks are plain HTTP on 127.0.0.1)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .settings import BIN, HOST, ROOT

# As the README's deployment section says: gunicorn -w 4 "core:create_app()".
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
LOGS = Path(tempfile.gettempdir()) / "civique-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """A running gunicorn; ``url`` is its address. Stop it with :meth:`stop`."""

    def __init__(self, name: str, app: str, env: dict[str, str], workers: int = WORKERS):
        self.name = name
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{name}.log"
        self._log = open(self.log_path, "w")
        gunicorn = shutil.which("gunicorn", path=str(BIN)) or "gunicorn"
        self.process = subprocess.Popen(
            [gunicorn, "-w", str(workers), "-b", f"{HOST}:{self.port}", "--timeout", "60",
             "--graceful-timeout", "5", app],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, path: str = "/", timeout: float = 60.0) -> None:
        """Wait until ``path`` answers (every worker loaded: a few requests in a row succeed)."""
        deadline = time.monotonic() + timeout
        successes = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}:\n{self.tail()}")
            try:
                status = Client(self.url).get(path).status
            except OSError:
                status = 0
            successes = successes + 1 if status and status < 500 else 0
            if successes >= WORKERS * 2:
                return
            time.sleep(0.1 if successes else 0.3)
        raise RuntimeError(f"{self.name} did not answer on {self.url}; see {self.log_path}:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@contextmanager
def serving(name: str, app: str, env: dict[str, str], ready_path: str = "/"):
    server = Server(name, app, env)
    try:
        server.wait_ready(ready_path)
        yield server
    finally:
        server.stop()


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: str):
        self.status, self.headers, self.body = status, headers, body


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class Client:
    """One visitor: a keep-alive connection and its cookies (no redirects followed)."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        host, port = base_url.split("//", 1)[1].split(":")
        self.host, self.port, self.timeout = host, int(port), timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: str | None = None, headers=None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=body, headers=headers)
                raw = self._conn.getresponse()
                data = raw.read().decode("utf-8", errors="replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return Response(raw.status, dict(raw.headers.items()), data)

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Response:
        return self._request("POST", path, body=urlencode(fields),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})

    def csrf(self, path: str) -> str:
        """The CSRF token of the first form on ``path``."""
        match = _CSRF.search(self.get(path).body)
        if match is None:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1) or match.group(2)

    def login(self, email: str, password: str) -> Response:
        token = self.csrf("/account/login")
        return self.post("/account/login", {"csrf_token": token, "email": email, "password": password})

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
