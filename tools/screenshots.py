"""``make screenshots``: a full-page picture of every page of the demo city, for people to review.

The demo city is loaded into a throw-away SQLite database, served on a free local port, and
walked as a visitor and as each role (the walk of ``core/testing/site.py``: the pages a person
reaches from the home page, two of each kind), at 320 px and 1280 px, in French. The pictures go
to ``screenshots/<who>/<page>-<width>.png`` (or ``--out``), with an ``index.txt`` listing them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from core.testing.site import DEMO_PASSWORD, WALKERS, WIDTHS, screenshot, walk

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="where the pictures go")
    parser.add_argument("--who", action="append", choices=sorted(WALKERS), help="only these walkers")
    options = parser.parse_args()
    out = Path(options.out)

    from playwright.sync_api import sync_playwright

    from core import create_app
    from core.database import db
    from core.demo import load_demo
    from core.testing.browser import LiveServer, find_chromium, log_in

    chromium = find_chromium()
    if chromium is None:
        print("make screenshots needs Chromium: apt-get install chromium (or set CIVIQUE_CHROMIUM)")
        return 1
    with tempfile.TemporaryDirectory(prefix="civique-screenshots-") as scratch:
        os.environ["CIVIQUE_INSTANCE_PATH"] = scratch
        app = create_app({
            "ENV": "development", "SECRET_KEY": "screenshots", "WTF_CSRF_ENABLED": True,
            "DATABASE_URL": "sqlite:///" + os.path.join(scratch, "demo.sqlite3"),
            "MAIL_BACKEND": "console", "MAIL_SEND_IMMEDIATELY": False, "RATELIMIT_ENABLED": False,
            "CITY_NAME": os.environ.get("CIVIQUE_CITY_NAME", "Mulhouse"),
        })
        with app.app_context():
            db.create_all()
            load_demo(DEMO_PASSWORD)
            server = LiveServer(app).start()
            written = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True)
                for who in options.who or WALKERS:
                    context = browser.new_context(base_url=server.url, locale="fr-FR")
                    page = context.new_page()
                    if WALKERS[who]:
                        with app.test_request_context():
                            log_in(page, WALKERS[who], DEMO_PASSWORD)
                    for path in walk(page, server.url):
                        for width in WIDTHS:
                            written.append(screenshot(page, server.url, path, width, out / who))
                    context.close()
                    print(f"{who}: {len(written)} pictures so far")
                browser.close()
            server.stop()
    (out / "index.txt").write_text("\n".join(str(p.relative_to(out)) for p in written) + "\n")
    print(f"{len(written)} pictures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
