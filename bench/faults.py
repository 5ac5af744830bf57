"""The faults drill (``make faults``): things break under load, and nothing is lost or doubled.

Two gunicorn instances of Civique and a background worker share a PostgreSQL cluster, a Redis
server, an SMTP server and an uploads folder, all of the drill's own (a throw-away cluster on a
free port, a Redis started here, an SMTP server in this process, a small tmpfs when the drill
runs as root), so that breaking them touches nothing else on the machine. Residents sign up,
support and withdraw, comment and propose ideas with a photo, each request sent to one instance
or the other, while the drill, one fault after the other:

1. restarts PostgreSQL;
2. stops Redis, then starts it again;
3. kills the worker (SIGKILL) while it sends a batch of mail, and starts another;
4. kills the worker while it runs a job, and starts another;
5. has the SMTP server refuse every mail, then accept them again;
6. fills the uploads folder, then frees it;
7. makes the uploads folder read-only, then writable again.

Afterwards, from the database and the SMTP server:

- every request was answered: a success, or a 503 page in French saying to try again (never a
  500, a stack trace or a closed connection);
- every write the site confirmed is there once (comments, sign-ups, ideas and their photos,
  supports as each resident's last confirmed action says); none it refused is there;
- every mail of the outbox was sent, and the SMTP server received each exactly once (none lost,
  none doubled), except the one a killed worker was handing to the server: that one is
  "unsure" in the outbox (received once or not at all, never twice; an admin sends it again
  from the administration); no job left behind, each job's work done once;
- per fault, the seconds from the fault until everything works again.

Usage: ``python -m bench.faults`` (``make faults``); exit status 1 when a check fails. The
figures go to ``bench/results/faults.json`` and are reported in ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import glob
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FRENCH_503 = "Veuillez réessayer"
# The 503 page once the request had recorded the action (only showing what follows failed).
FRENCH_503_RECORDED = "Ce que vous avez fait est enregistré"
SCALE = dict(residents=11_000, accounts=2_000, ideas=100, supports=3_000, comments=500,
             finance_years=1)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def as_root() -> bool:
    return os.geteuid() == 0


# --- The drill's own services ------------------------------------------------------------------


class Postgres:
    """A throw-away PostgreSQL cluster on a free port (run as ``postgres`` when we are root)."""

    def __init__(self, root: Path):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        pg_ctl = shutil.which("pg_ctl") or (found[-1] if found else None)
        if pg_ctl is None:
            raise SystemExit("The faults drill needs PostgreSQL's server programs (pg_ctl, initdb).")
        self.bin = Path(pg_ctl).parent
        self.data = root / "pgdata"
        self.log = root / "postgresql.log"
        self.port = free_port()
        self.url = f"postgresql://postgres@{HOST}:{self.port}"
        root.mkdir(mode=0o755)
        if as_root():
            self.data.mkdir()
            shutil.chown(self.data, "postgres", "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        # No pipes: the server pg_ctl starts would hold them open (its output goes to the log).
        with open(self.log.parent / "pg_ctl.log", "a") as output:
            subprocess.run(command, check=True, stdout=output, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                      "--no-instructions")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o",
                  f"-p {self.port} -c listen_addresses={HOST} -k {self.data}", "start")

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart", "-o",
                  f"-p {self.port} -c listen_addresses={HOST} -k {self.data}")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass


class Redis:
    """A Redis server of the drill's own, stopped and started at will (it keeps nothing)."""

    def __init__(self, root: Path):
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.log = root / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--logfile", str(self.log)])
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"],
                              capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        raise SystemExit("the drill's Redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class MailSink:
    """A real SMTP server (aiosmtpd) that counts what it accepts, by Message-ID; it refuses
    everything (451, try later) while ``refusing`` is set."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.refusing = False
        self.received: list[tuple[str, str, float]] = []  # (Message-ID, recipient, when)
        self._lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if sink.refusing:
                    return "451 4.3.0 Try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if sink.refusing:
                    return "451 4.3.0 Try again later"
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                await asyncio.sleep(0.005)  # a real server takes a moment
                with sink._lock:
                    sink.received.append((str(message["Message-ID"]), str(message["To"]),
                                          time.monotonic()))
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname=HOST, port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class Uploads:
    """The uploads folder: a tmpfs (as root) that the drill fills or makes read-only; 512 MB,
    so that the photos of a run's ideas (about 40 MB) never fill it before the drill does."""

    def __init__(self, root: Path):
        self.path = root / "uploads"
        self.path.mkdir()
        self.mounted = False
        if as_root():
            result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512m", "tmpfs", str(self.path)],
                                    capture_output=True, text=True)
            self.mounted = result.returncode == 0

    def fill(self) -> None:
        if not self.mounted:
            raise RuntimeError("filling the uploads folder needs a tmpfs (run the drill as root)")
        chunk = b"\0" * (1024 * 1024)
        try:
            with open(self.path / "filler", "wb") as filler:
                while True:
                    filler.write(chunk)
                    filler.flush()
        except OSError:  # full: what the drill wanted
            pass

    def free(self) -> None:
        (self.path / "filler").unlink(missing_ok=True)

    def read_only(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)
        else:
            for folder in [self.path, *(p for p in self.path.rglob("*") if p.is_dir())]:
                folder.chmod(0o555)

    def writable(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)
        else:
            for folder in [self.path, *(p for p in self.path.rglob("*") if p.is_dir())]:
                folder.chmod(0o755)

    def remove(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


class Worker:
    """``flask --app core worker``, as the deployment runs it (one round a second here)."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log_path = env, log
        self.process: subprocess.Popen | None = None
        self.killed = 0

    def start(self) -> None:
        log = open(self.log_path, "a")
        self.process = subprocess.Popen([str(BIN / "flask"), "--app", "core", "worker", "--interval", "1"],
                                        cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.killed += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- The residents' load -----------------------------------------------------------------------


@dataclass
class Answer:
    """One request of the load: when, during which fault, what, and how it was answered."""

    at: float
    phase: str
    action: str
    status: int | str
    key: str = ""
    confirmed: bool = False
    refused: bool = False
    problem: str = ""


@dataclass
class Ledger:
    answers: list[Answer] = field(default_factory=list)
    phase: str = "steady"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (random.randrange(256), 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, data, mime) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _judge(response, success: tuple[int, ...]) -> tuple[bool, bool, str]:
    """(confirmed, refused, problem) of a response."""
    if response.status in success:
        return True, False, ""
    if response.status == 503 and FRENCH_503_RECORDED in response.body:
        return True, False, ""
    if response.status == 503 and FRENCH_503 in response.body and "Traceback" not in response.body:
        return False, True, ""
    return False, False, f"{response.status}: {re.sub(r'<[^>]+>', ' ', response.body)[:160]!r}"


class Resident:
    """A signed-in resident with a session on both instances, acting until told to stop."""

    def __init__(self, user_id: int, email_address: str, urls: list[str], ideas: list[int],
                 places: dict[str, str], ledger: Ledger, rng: random.Random):
        from .servers import Client

        self.user_id, self.email, self.urls = user_id, email_address, urls
        self.ideas, self.places, self.ledger, self.rng = ideas, places, ledger, rng
        self.clients = [Client(url) for url in urls]
        self.supported: dict[int, bool] = {}

    def sign_in(self, password: str) -> None:
        for _ in range(30):
            try:
                if self.clients[0].login(self.email, password).status == 302:
                    self.clients[1].cookies = dict(self.clients[0].cookies)
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"could not sign {self.email} in")

    def act(self, stop: threading.Event) -> None:
        step = 0
        while not stop.is_set():
            step += 1
            client = self.clients[step % 2]
            roll = self.rng.random()
            phase = self.ledger.phase
            started = time.monotonic()
            try:
                if roll < 0.35:
                    answer = self._support(client)
                elif roll < 0.6:
                    answer = self._comment(client)
                elif roll < 0.8:
                    answer = self._sign_up(client.host, client.port)
                else:
                    answer = self._idea(client)
            except OSError as error:
                answer = Answer(started, phase, "request", "socket error", problem=str(error))
            answer.at, answer.phase = started, phase
            self.ledger.add(answer)
            time.sleep(self.rng.uniform(0.02, 0.08))

    def _token(self, client, path: str):
        page = client.get(path)
        if page.status != 200:
            return None, page
        from .servers import _CSRF

        match = _CSRF.search(page.body)
        return (match.group(1) or match.group(2)) if match else None, page

    def _refused_before(self, action: str, page) -> Answer:
        confirmed, refused, problem = _judge(page, (200,))
        return Answer(0, "", action, page.status, refused=refused, problem=problem or
                      "the form's page did not answer")

    def _support(self, client) -> Answer:
        idea = self.rng.choice(self.ideas)
        token, page = self._token(client, f"/ideas/{idea}")
        if token is None:
            return self._refused_before("support", page)
        action = "support" if self.rng.random() < 0.6 else "withdraw"
        response = client.post(f"/content/idea_box.idea/{idea}/support",
                               {"csrf_token": token, "action": action, "next": f"/ideas/{idea}"})
        confirmed, refused, problem = _judge(response, (302,))
        if confirmed:
            self.supported[idea] = action == "support"
        return Answer(0, "", "support", response.status, key=f"{idea}", confirmed=confirmed,
                      refused=refused, problem=problem)

    def _comment(self, client) -> Answer:
        idea = self.rng.choice(self.ideas)
        path = f"/content/idea_box.idea/{idea}/comments"
        token, page = self._token(client, path)
        if token is None:
            return self._refused_before("comment", page)
        marker = f"drill-{uuid.uuid4().hex}"
        response = client.post(path, {"csrf_token": token, "stance": "",
                                      "body": f"Un avis pendant l'exercice ({marker})."})
        confirmed, refused, problem = _judge(response, (302,))
        return Answer(0, "", "comment", response.status, key=marker, confirmed=confirmed,
                      refused=refused, problem=problem)

    def _sign_up(self, host: str, port: int) -> Answer:
        from .servers import Client

        visitor = Client(f"http://{host}:{port}")
        try:
            token, page = self._token(visitor, "/account/signup")
            if token is None:
                return self._refused_before("sign-up", page)
            address = f"drill-{uuid.uuid4().hex[:16]}@exercice.example.org"
            response = visitor.post("/account/signup", {
                "csrf_token": token, "display_name": "Habitant de l'exercice", "email": address,
                "password": "un-mot-de-passe-solide-42", "password_confirm": "un-mot-de-passe-solide-42",
                "neighbourhood": "", "accept_terms": "y"})
            confirmed, refused, problem = _judge(response, (200,))
            if confirmed and address not in response.body:
                confirmed, problem = False, "the sign-up page did not confirm"
            return Answer(0, "", "sign-up", response.status, key=address, confirmed=confirmed,
                          refused=refused, problem=problem)
        finally:
            visitor.close()

    def _idea(self, client) -> Answer:
        token, page = self._token(client, "/ideas/new")
        if token is None:
            return self._refused_before("idea", page)
        marker = f"drill-{uuid.uuid4().hex[:12]}"
        body, content_type = _multipart(
            {"csrf_token": token, "title": f"Idée de l'exercice {marker}",
             "body": "Des bancs à l'ombre sur la place, pour les familles et les anciens.",
             "neighbourhood": self.places["neighbourhood"], "category": "", "action": "submit",
             "image_description": "La place aujourd'hui"},
            {"image": ("place.png", _png(), "image/png")})
        response = client._request("POST", "/ideas/new", body=body,
                                   headers={"Content-Type": content_type})
        confirmed, refused, problem = _judge(response, (302,))
        return Answer(0, "", "idea", response.status, key=marker, confirmed=confirmed,
                      refused=refused, problem=problem)


# --- The drill -------------------------------------------------------------------------------


class Drill:
    def __init__(self, root: Path, residents: int, log=print):
        self.root, self.log = root, log
        self.postgres = Postgres(root / "pg")
        self.redis = Redis(root)
        self.sink = MailSink()
        self.uploads = Uploads(root)
        self.ledger = Ledger()
        self.residents_wanted = residents
        self.servers = []
        self.worker: Worker | None = None
        self.jobs_marked: list[str] = []
        self.phases: list[dict] = []

    # Setting up -------------------------------------------------------------------------------

    def set_up(self) -> None:
        self.postgres.start()
        self.redis.start()
        self.sink.start()
        os.environ["BENCH_PG_SERVER"] = self.postgres.url
        from . import settings

        settings.PG_SERVER = self.postgres.url
        from . import generate as generate_module

        generate_module.PG_SERVER = self.postgres.url
        self.scale = settings.Scale("faults", **SCALE)
        self.log(f"  data: {self.scale.database} on the drill's PostgreSQL ({self.postgres.url})")
        generate_module.generate(self.scale, force=True, log=lambda message: None)
        env = settings.app_environment(self.scale.url)
        env.update({
            "CIVIQUE_REDIS_URL": self.redis.url,
            "CIVIQUE_MAIL_BACKEND": "smtp", "CIVIQUE_MAIL_SERVER": HOST,
            "CIVIQUE_MAIL_PORT": str(self.sink.port), "CIVIQUE_MAIL_TIMEOUT": "5",
            # Every mail through the worker: its batches are what the drill cuts.
            "CIVIQUE_MAIL_IMMEDIATE_LIMIT": "0",
            "CIVIQUE_NOTIFY_IMMEDIATE_LIMIT": "20",
            "CIVIQUE_STORAGE_PATH": str(self.uploads.path),
            "CIVIQUE_SIGNUP_RATE_LIMIT": "100000 per minute",
            "CIVIQUE_LOGIN_RATE_LIMIT": "100000 per minute",
            "CIVIQUE_RATELIMIT_KEY_PREFIX": f"drill-{secrets.token_hex(4)}",
            "CIVIQUE_BABEL_DEFAULT_LOCALE": "fr",
        })
        self.env = env
        from .servers import Server

        self.servers = [Server("faults-a", "core:create_app()", env, workers=2),
                        Server("faults-b", "core:create_app()", env, workers=2)]
        for server in self.servers:
            server.wait_ready("/")
        self.worker = Worker(env, self.root / "worker.log")
        self.worker.start()
        self.urls = [server.url for server in self.servers]
        with self.db() as conn:
            self.ideas = [row[0] for row in conn.execute(
                "SELECT id FROM idea_box_idea WHERE state = 'published' ORDER BY id LIMIT 8")]
            authors = {row[0] for row in conn.execute(
                "SELECT author_id FROM idea_box_idea WHERE id = ANY(%s)", (self.ideas,))}
            people = [row for row in conn.execute(
                "SELECT id, email FROM user_account WHERE id > 10 AND deleted_at IS NULL "
                "ORDER BY id LIMIT %s", (self.residents_wanted * 3,)) if row[0] not in authors]
            neighbourhood = conn.execute("SELECT id FROM neighbourhood ORDER BY id LIMIT 1").fetchone()
            self.initial_supports = {(u, i) for u, i in conn.execute(
                "SELECT user_id, content_id FROM support WHERE content_type = 'idea_box.idea' "
                "AND content_id = ANY(%s)", (self.ideas,))}
            # Followers read their news in the daily digest: the mail the drill follows is the
            # sign-ups' and its own batch's, not thousands of notifications of every comment.
            conn.execute("UPDATE user_account SET notification_frequency = 'daily'")
        places = {"neighbourhood": str(neighbourhood[0]) if neighbourhood else ""}
        self.residents = [Resident(uid, address, self.urls, self.ideas, places, self.ledger,
                                   random.Random(uid)) for uid, address in people[:self.residents_wanted]]
        from .settings import PASSWORD

        for resident in self.residents:
            resident.sign_in(PASSWORD)
            resident.supported = {i: (resident.user_id, i) in self.initial_supports for i in self.ideas}
        self.log(f"  two instances {self.urls[0]} and {self.urls[1]}, a worker, Redis on "
                 f"{self.redis.port}, SMTP on {self.sink.port}, uploads in {self.uploads.path}"
                 f"{' (tmpfs)' if self.uploads.mounted else ''}; {len(self.residents)} residents")

    def db(self):
        import psycopg

        return psycopg.connect(self.scale.url, autocommit=True)

    def tear_down(self) -> None:
        for server in self.servers:
            server.stop()
        if self.worker is not None:
            self.worker.stop()
        self.redis.stop()
        try:
            self.sink.stop()
        except Exception:
            pass
        self.postgres.stop()
        self.uploads.remove()

    # The faults --------------------------------------------------------------------------------

    def run(self, hold: float) -> dict:
        stop = threading.Event()
        threads = [threading.Thread(target=r.act, args=(stop,), daemon=True) for r in self.residents]
        for thread in threads:
            thread.start()
        try:
            self._steady(3)
            self._fault("PostgreSQL restarted", self.postgres.restart, None, hold=0)
            self._fault("Redis stopped, then started", self.redis.stop, self.redis.start, hold)
            self._worker_killed_sending_mail()
            self._worker_killed_running_a_job()
            self._fault("SMTP server refusing, then accepting", self._refuse, self._accept, hold,
                        settle=lambda: self._mail_sent_until_now())
            if self.uploads.mounted:
                self._fault("uploads folder full", self.uploads.fill, self.uploads.free, hold)
            else:
                self.log("  fault skipped: uploads folder full (needs a tmpfs: run the drill as root)")
            self._fault("uploads folder read-only", self.uploads.read_only, self.uploads.writable, hold)
            self._steady(3)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        self.ledger.phase = "drain"
        drained = self._wait(self._everything_done, 240)
        return self.verify(drained)

    def _steady(self, seconds: float) -> None:
        self.ledger.phase = "steady"
        time.sleep(seconds)

    def _fault(self, name, inject, repair, hold: float, settle=None) -> None:
        """Inject a fault under load, hold it, repair it; the recovery is the time from the fault
        until the load sees no more refusals (and ``settle`` holds, when given)."""
        self.log(f"  fault: {name}")
        self.ledger.phase = name
        started = time.monotonic()
        inject()
        if hold:
            time.sleep(hold)
        repaired = time.monotonic()
        if repair is not None:
            repair()
        settled = True
        if settle is not None:
            settled = self._wait(settle(), 240)
        time.sleep(4)  # the load goes on: its last refusal tells when the site came back
        self.phases.append({"name": name, "started": started, "repaired": repaired,
                            "settled_at": time.monotonic() if settle else None,
                            "settled": settled})
        self.ledger.phase = "steady"
        time.sleep(1)

    def _refuse(self) -> None:
        self.sink.refusing = True

    def _accept(self) -> None:
        self.sink.refusing = False

    def _queue_fan_out(self, users: int, tag: str, *, offset: int = 0, mail: bool) -> None:
        """A fan-out job as the site queues one: notify ``users`` accounts (with a mail each when
        ``mail``); its kind carries ``tag``, to count its work afterwards."""
        with self.db() as conn:
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM user_account WHERE deleted_at IS NULL AND email_confirmed_at IS NOT NULL "
                "AND email NOT LIKE 'drill-%%' ORDER BY id LIMIT %s OFFSET %s", (users, offset))]
            about = {"kind": tag, "url": None, "content_type": None, "content_id": None,
                     "texts": {lang: f"Exercice : {tag}" for lang in ("fr", "en", "de")}}
            conn.execute(
                "INSERT INTO job (kind, payload, status, attempts, next_attempt_at, created_at) "
                "VALUES ('notifications.fan_out', %s, 'pending', 0, now(), now())",
                (json.dumps({"user_ids": ids, "about": about}),))
            conn.execute("UPDATE user_account SET notification_frequency = %s WHERE id = ANY(%s)",
                         ("each" if mail else "none", ids))
        self.jobs_marked.append(tag)

    def _worker_killed_sending_mail(self) -> None:
        name = "worker killed while sending a batch of mail"
        self.log(f"  fault: {name}")
        self.ledger.phase = name
        self.worker.stop()
        self._queue_fan_out(300, "drill.mail-batch", mail=True)
        self.worker.start()
        # The fan-out job runs, then its 300 mails go out one by one: cut the batch midway.
        started = time.monotonic()
        before = len(self.sink.received)
        self._wait(lambda: len(self.sink.received) >= before + 40, 120)
        self.worker.kill()
        self.log(f"    killed after {len(self.sink.received) - before} mails of the batch")
        self.worker.start()
        settled = self._wait(self._mail_sent_until_now(), 240)
        self.phases.append({"name": name, "started": started, "repaired": time.monotonic(),
                            "settled_at": time.monotonic(), "settled": settled})
        with self.db() as conn:  # the batch's people back on the digest: the mail stays bounded
            conn.execute("UPDATE user_account SET notification_frequency = 'daily' "
                         "WHERE email NOT LIKE 'drill-%%'")
        self.ledger.phase = "steady"

    def _worker_killed_running_a_job(self) -> None:
        name = "worker killed while running a job"
        self.log(f"  fault: {name}")
        self.ledger.phase = name
        self.worker.stop()
        for n in range(4):
            self._queue_fan_out(400, f"drill.job-{n}", offset=300 + 400 * n, mail=False)
        self.worker.start()
        started = time.monotonic()
        running = self._wait(lambda: self._count("SELECT count(*) FROM job WHERE status = 'running' "
                                                 "AND kind = 'notifications.fan_out'") > 0, 60, every=0.01)
        self.worker.kill()
        self.log(f"    killed {'while a job ran' if running else 'but no job was seen running'}")
        self.worker.start()
        settled = self._wait(lambda: self._count(
            "SELECT count(*) FROM job WHERE status <> 'done'") == 0, 240)
        self.phases.append({"name": name, "started": started, "repaired": time.monotonic(),
                            "settled_at": time.monotonic(), "settled": settled,
                            "job_was_running": running})
        self.ledger.phase = "steady"

    def _phase_at(self, moment: float) -> str:
        """The fault under way at ``moment`` (or the calm between them)."""
        for phase in self.phases:
            if phase["started"] <= moment <= (phase.get("settled_at") or phase["repaired"]) + 5:
                return phase["name"]
        return "steady"

    def _count(self, query: str, params=()) -> int:
        try:
            with self.db() as conn:
                return conn.execute(query, params).fetchone()[0]
        except Exception:
            return -1

    def _mail_drained(self) -> bool:
        return self._count("SELECT count(*) FROM outbox_message "
                           "WHERE status NOT IN ('sent', 'unsure')") == 0

    def _mail_sent_until_now(self):
        """A condition: every mail queued until now has been sent (the load queues more)."""
        last = self._count("SELECT coalesce(max(id), 0) FROM outbox_message")
        return lambda: self._count("SELECT count(*) FROM outbox_message WHERE id <= %s "
                                   "AND status NOT IN ('sent', 'unsure')", (last,)) == 0

    def _everything_done(self) -> bool:
        return self._mail_drained() and self._count("SELECT count(*) FROM job WHERE status <> 'done'") == 0

    @staticmethod
    def _wait(condition, timeout: float, every: float = 0.5) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(every)
        return False

    # The checks --------------------------------------------------------------------------------

    def verify(self, drained: bool) -> dict:
        answers = self.ledger.answers
        checks: dict[str, bool] = {}
        problems: list[str] = []
        bad = [a for a in answers if not a.confirmed and not a.refused]
        for answer in bad[:20]:
            problems.append(f"[{answer.phase}] {answer.action}: {answer.status} {answer.problem}")
        checks["every request answered: a success or a translated 503"] = not bad

        with self.db() as conn:
            comments = Counter(marker for (body,) in conn.execute(
                "SELECT body FROM comment WHERE body LIKE %s", ("%drill-%",))
                for marker in re.findall(r"drill-[0-9a-f]{32}", body))
            accounts = Counter(row[0] for row in conn.execute(
                "SELECT email FROM user_account WHERE email LIKE 'drill-%%'"))
            ideas = Counter(marker for (title,) in conn.execute(
                "SELECT title FROM idea_box_idea WHERE title LIKE %s", ("%drill-%",))
                for marker in re.findall(r"drill-[0-9a-f]{12}", title))
            ideas_without_photo = conn.execute(
                "SELECT count(*) FROM idea_box_idea i WHERE i.title LIKE %s AND NOT EXISTS "
                "(SELECT 1 FROM attachment a WHERE a.content_type = 'idea_box.idea' "
                "AND a.content_id = i.id)", ("%drill-%",)).fetchone()[0]
            stored = conn.execute(
                "SELECT stored_name FROM attachment a JOIN idea_box_idea i ON a.content_id = i.id "
                "AND a.content_type = 'idea_box.idea' WHERE i.title LIKE %s", ("%drill-%",)).fetchall()
            supports_now = {(u, i) for u, i in conn.execute(
                "SELECT user_id, content_id FROM support WHERE content_type = 'idea_box.idea' "
                "AND content_id = ANY(%s)", (self.ideas,))}
            drift = conn.execute(
                "SELECT count(*) FROM idea_box_idea i WHERE support_count <> (SELECT count(*) "
                "FROM support s WHERE s.content_type = 'idea_box.idea' AND s.content_id = i.id) "
                "OR comment_count <> (SELECT count(*) FROM comment c WHERE c.content_type = "
                "'idea_box.idea' AND c.content_id = i.id)").fetchone()[0]
            outbox = conn.execute(
                "SELECT status, count(*) FROM outbox_message GROUP BY status").fetchall()
            outbox_ids = Counter(row[0] for row in conn.execute("SELECT message_id FROM outbox_message"))
            unsure_ids = {row[0] for row in conn.execute(
                "SELECT message_id FROM outbox_message WHERE status = 'unsure'")}
            outbox_by_address = Counter(row[0] for row in conn.execute(
                "SELECT to_address FROM outbox_message WHERE to_address LIKE 'drill-%%'"))
            jobs = conn.execute("SELECT status, count(*) FROM job GROUP BY status").fetchall()
            job_work = {tag: conn.execute(
                "SELECT count(*), count(DISTINCT user_id) FROM notification WHERE kind = %s",
                (tag,)).fetchone() for tag in self.jobs_marked}
            job_sizes = {tag: conn.execute(
                "SELECT json_array_length((payload::json)->'user_ids') FROM job WHERE "
                "(payload::json)->'about'->>'kind' = %s", (tag,)).fetchone()[0]
                for tag in self.jobs_marked}

        def once(kind: str, present: Counter) -> None:
            mine = [a for a in answers if a.action == kind]
            confirmed = [a.key for a in mine if a.confirmed]
            refused = [a.key for a in mine if a.refused and a.key]
            missing = [k for k in confirmed if present[k] == 0]
            doubled = [k for k in confirmed if present[k] > 1]
            ghosts = [k for k in refused if present[k] > 0]
            phase_of = {a.key: a.phase for a in mine}
            checks[f"{kind}s confirmed present once ({len(confirmed)}), refused absent ({len(refused)})"] = \
                not (missing or doubled or ghosts)
            for k in missing[:5]:
                problems.append(f"{kind} {k} confirmed but missing (during {phase_of[k]})")
            for k in doubled[:5]:
                problems.append(f"{kind} {k} present {present[k]} times")
            for k in ghosts[:5]:
                problems.append(f"{kind} {k} refused but present (during {phase_of[k]})")

        once("comment", comments)
        once("sign-up", accounts)
        once("idea", ideas)
        files_missing = [name for (name,) in stored if not list(self.uploads.path.rglob(name))]
        checks["every confirmed idea has its photo, on disk"] = ideas_without_photo == 0 and not files_missing
        for name in files_missing[:5]:
            problems.append(f"photo {name} recorded but not on disk")
        wrong_support = [(r.user_id, i) for r in self.residents for i in self.ideas
                         if ((r.user_id, i) in supports_now) != r.supported[i]]
        checks["supports as each resident's last confirmed action says"] = not wrong_support
        checks["every idea's counters equal its rows"] = drift == 0
        for pair in wrong_support[:5]:
            problems.append(f"support {pair}: the database disagrees with the last confirmed answer")

        sent = Counter(message_id for message_id, _, _ in self.sink.received)
        doubled_mail = [m for m, n in sent.items() if n > 1]
        lost_mail = [m for m in outbox_ids if sent[m] == 0 and m not in unsure_ids]
        stray_mail = [m for m in sent if m not in outbox_ids]
        kills = self.worker.killed if self.worker else 0
        checks["every mail of the outbox sent (none left pending or sending)"] = \
            drained and dict(outbox).keys() <= {"sent", "unsure"}
        checks["the SMTP server received each mail exactly once (an unsure one at most once)"] = \
            not (doubled_mail or lost_mail or stray_mail)
        checks["unsure mails: at most the one each killed worker was handing"] = \
            len(unsure_ids) <= kills
        for m in doubled_mail[:5]:
            times = [when for message_id, _, when in self.sink.received if message_id == m]
            with self.db() as conn:
                row = conn.execute("SELECT id, attempts, created_at, sent_at FROM outbox_message "
                                   "WHERE message_id = %s", (m,)).fetchone()
            problems.append(f"mail {m} received {sent[m]} times, during "
                            f"{[self._phase_at(t) for t in times]}; outbox row {row}")
        for m in lost_mail[:5]:
            problems.append(f"mail {m} never received")
        signups = [a.key for a in answers if a.action == "sign-up" and a.confirmed]
        checks["each confirmed sign-up got its mail, once"] = all(outbox_by_address[k] == 1 for k in signups)
        checks["no job left behind"] = dict(jobs).keys() <= {"done"}
        checks["each job's work done once"] = all(
            job_work[tag][0] == job_work[tag][1] == job_sizes[tag] for tag in self.jobs_marked)
        for tag in self.jobs_marked:
            if not job_work[tag][0] == job_work[tag][1] == job_sizes[tag]:
                problems.append(f"job {tag}: {job_work[tag][0]} notifications for "
                                f"{job_work[tag][1]} people, {job_sizes[tag]} expected")

        phases = []
        for phase in self.phases:
            mine = [a for a in answers if a.phase == phase["name"]]
            refused_at = [a.at for a in mine if a.refused]
            last_trouble = max(refused_at, default=None)
            ends = [t for t in (last_trouble, phase.get("settled_at")) if t is not None]
            recovery = round(max(ends) - phase["started"], 1) if ends else 0.0
            phases.append({
                "fault": phase["name"],
                "requests": len(mine),
                "successes": sum(a.confirmed for a in mine),
                "translated 503": sum(a.refused for a in mine),
                "other": sum(not a.confirmed and not a.refused for a in mine),
                "recovered_in_s": recovery,
                "settled": phase["settled"],
            })
        checks["every fault recovered"] = all(p["settled"] for p in phases)
        statuses = Counter(str(a.status) for a in answers)
        return {"passed": all(checks.values()), "checks": checks, "phases": phases,
                "statuses": dict(statuses), "requests": len(answers),
                "mail": {"outbox": dict(outbox), "received": len(self.sink.received),
                         "distinct": len(sent),
                         "unsure received": sum(sent[m] for m in unsure_ids)},
                "jobs": dict(jobs), "worker_kills": self.worker.killed if self.worker else 0,
                "problems": problems[:40]}


def summary(report: dict) -> str:
    lines = [f"Faults drill: {report['requests']} requests, responses {report['statuses']}; "
             f"mail {report['mail']}; jobs {report['jobs']}", "",
             "| fault | requests | successes | translated 503 | other | recovered in |",
             "|---|---|---|---|---|---|"]
    for p in report["phases"]:
        lines.append(f"| {p['fault']} | {p['requests']} | {p['successes']} | {p['translated 503']} "
                     f"| {p['other']} | {p['recovered_in_s']} s{'' if p['settled'] else ' (NOT settled)'} |")
    lines.append("")
    for name, ok in report["checks"].items():
        lines.append(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    for problem in report["problems"][:20]:
        lines.append(f"  ! {problem}")
    lines.append("FAULTS DRILL " + ("PASSED" if report["passed"] else "FAILED"))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults",
                                     description="Faults under load: nothing lost, nothing doubled.")
    parser.add_argument("--residents", type=int, default=12, help="residents acting at once (12)")
    parser.add_argument("--hold", type=float, default=6.0, help="seconds each fault lasts (6)")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="civique-faults-"))
    root.chmod(0o755)  # PostgreSQL's own user reaches its cluster inside
    drill = Drill(root, args.residents)
    started = time.monotonic()
    try:
        print("Faults drill: setting up")
        drill.set_up()
        report = drill.run(args.hold)
    finally:
        drill.tear_down()
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    print(summary(report))
    from .pages import save

    print("saved", save("faults", report))
    shutil.rmtree(root, ignore_errors=True)
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
