"""The finance commission's tests: Civique's own fixtures (``core.testing``) with the plugin enabled.

``app_config`` enables ``finance_commission`` next to whatever ``CIVIQUE_PLUGINS`` enables
(``core.testing.enable_plugin``), so that the tests also run inside a municipality's set of
plugins. The fixtures below post the import page and read the sample files.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import plugins.finance_commission
from core.testing import enable_plugin

PLUGIN = "finance_commission"
SAMPLES = Path(__file__).resolve().parents[3] / "plugins" / "finance_commission" / "samples"

app_config = enable_plugin(PLUGIN, plugins.finance_commission)


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
