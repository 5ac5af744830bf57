"""The finance commission's tests: Civique's fixtures with the plugin enabled."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

PLUGIN = "finance_commission"
SAMPLES = Path(__file__).resolve().parents[3] / "plugins" / "finance_commission" / "samples"


@pytest.fixture
def app_config() -> dict:
    import plugins.finance_commission

    return {"PLUGINS": [PLUGIN], "EXTRA_PLUGINS": {PLUGIN: plugins.finance_commission}}


@pytest.fixture
def upload():
    """``upload(client, data, year=2024, population=100000, debt="36000000")`` posts the import form."""

    def post(client, data: bytes, year=2024, population=100000, debt="36000000", name="accounts.csv"):
        return client.post("/finances/admin/import", data={
            "year": str(year), "population": str(population), "outstanding_debt": debt,
            "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")

    return post


@pytest.fixture
def sample():
    return lambda name: (SAMPLES / name).read_bytes()
