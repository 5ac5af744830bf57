"""Where the benchmarks run: dedicated databases, addresses, sizes and the environment of the
servers they start. Everything stays on 127.0.0.1."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent

# The PostgreSQL server (trust auth on 127.0.0.1); the databases are the bench's own.
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
DB_PREFIX = "civique_bench_"
# Redis shared by the two instances of the load check (a database number of its own).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
HOST = "127.0.0.1"

# One secret for the whole run, so that the two instances of the load check share sessions.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_hex(32)
PASSWORD = "bench-password-2024"


@dataclass(frozen=True)
class Scale:
    """A named size of the generated data (the counts of issue 7)."""

    name: str
    residents: int  # inhabitants of the city (the finances' population)
    accounts: int
    ideas: int
    supports: int
    comments: int
    finance_years: int

    @property
    def database(self) -> str:
        return DB_PREFIX + self.name

    @property
    def url(self) -> str:
        return f"{PG_SERVER}/{self.database}"


SCALES = {
    "city": Scale("city", residents=110_000, accounts=20_000, ideas=5_000, supports=200_000,
                  comments=50_000, finance_years=10),
    # Ten times the city; the accounts' history stays ten years (a decade is a decade).
    "metropolis": Scale("metropolis", residents=1_100_000, accounts=200_000, ideas=50_000,
                        supports=2_000_000, comments=500_000, finance_years=10),
    # A small size to try the tooling in a minute (not a figure worth reporting).
    "tiny": Scale("tiny", residents=11_000, accounts=2_000, ideas=500, supports=20_000,
                  comments=5_000, finance_years=3),
}


def app_environment(database_url: str, *, redis: bool = False) -> dict[str, str]:
    """The environment of a Civique server run the production way, on ``database_url``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CIVIQUE_")}
    env.update({
        "CIVIQUE_ENV": "production",
        "CIVIQUE_SECRET_KEY": SECRET_KEY,
        "CIVIQUE_DATABASE_URL": database_url,
        "CIVIQUE_MAIL_BACKEND": "console",
        "CIVIQUE_CITY_NAME": "Benchville",
        "CIVIQUE_PUBLIC_URL": f"http://{HOST}",
        # Plain HTTP on 127.0.0.1 (no TLS proxy in front): cookies must travel without TLS.
        "CIVIQUE_SESSION_COOKIE_SECURE": "false",
        "CIVIQUE_REMEMBER_COOKIE_SECURE": "false",
    })
    if os.environ.get("BENCH_PLUGINS"):
        env["CIVIQUE_PLUGINS"] = os.environ["BENCH_PLUGINS"]
    if redis:
        env["CIVIQUE_REDIS_URL"] = REDIS_URL
    return env
