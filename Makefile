# Civique — the two commands: `make demo` and `make test`.
# Everything else is here to serve them (and `make translations`, `make bench`).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app core
NODE_TOOLS := .cache/node
AXE    := $(NODE_TOOLS)/node_modules/axe-core/axe.min.js

.PHONY: demo test test-sqlite test-postgresql venv install translations compile-translations bench faults screenshots clean help

help:
	@echo "make demo          set up, load the demo city and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test          set up and run every test (SQLite, then PostgreSQL when configured)"
	@echo "make translations  extract strings and update the fr/en/de catalogs"
	@echo "make bench         run the benchmarks (never part of make test)"
	@echo "make faults        the faults drill: things break under load, nothing is lost"
	@echo "make screenshots   a picture of every page of the demo city, at 320 and 1280 px (screenshots/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the packaging changes.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,postgresql,redis]"
	@touch $@

venv install: $(VENV)/.installed

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics
	@for catalogs in plugins/*/translations; do \
		[ -d "$$catalogs" ] || continue; \
		$(BIN)/pybabel compile -d "$$catalogs" --statistics || exit 1; \
	done

# axe-core for the accessibility checks of the browser tests (from the npm registry).
$(AXE):
	mkdir -p $(NODE_TOOLS)
	cd $(NODE_TOOLS) && npm install --silent --no-audit --no-fund --prefix . axe-core@4

DEMO_ENV := CIVIQUE_ENV=development CIVIQUE_MAIL_BACKEND=console CIVIQUE_CITY_NAME=Mulhouse

# The demo city: schema, demo data (safe to load again), then the site and its background
# worker (mail, digests, jobs) together; Ctrl+C stops both.
demo: $(VENV)/.installed compile-translations
	@mkdir -p instance
	$(DEMO_ENV) $(FLASK) db upgrade
	$(DEMO_ENV) $(FLASK) demo
	@echo "Serving http://127.0.0.1:$(PORT) with its background worker (Ctrl+C stops both)."
	@$(DEMO_ENV) sh -c '$(FLASK) worker --interval 10 & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(FLASK) run --host 127.0.0.1 --port $(PORT)'

# The whole suite: SQLite always; PostgreSQL too when CIVIQUE_TEST_POSTGRESQL_URL is set
# (.ci/run sets it), both legs at once (each leg's output printed whole when it ends). Browser
# tests run when a Chromium is found (required when CI=true). The browser's walk of every page
# (tests/e2e/test_every_page.py: reflow, CSP, axe-core, two thirds of the suite's time) does not
# depend on the database: it runs on the SQLite leg only, spread over SQLITE_WORKERS processes
# (pytest-xdist), while the PostgreSQL leg walks every page through the test client
# (tests/core/test_every_page_answers.py, on both legs).
test: $(VENV)/.installed compile-translations $(AXE)
	@chromium="$${CIVIQUE_CHROMIUM:-$$(command -v /usr/bin/chromium chromium chromium-browser 2>/dev/null | head -n 1)}"; \
	if [ -z "$$chromium" ] || [ ! -x "$$chromium" ]; then \
		echo "!!! Browser tests (tests/e2e) SKIPPED: no Chromium found. Install Debian's chromium or set CIVIQUE_CHROMIUM."; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi
	@if [ -n "$$CIVIQUE_TEST_POSTGRESQL_URL" ]; then \
		$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgresql; \
	else \
		$(MAKE) --no-print-directory test-sqlite || exit 1; \
		echo "!!! PostgreSQL leg SKIPPED: set CIVIQUE_TEST_POSTGRESQL_URL (bash .ci/run does) to run it."; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi

# Test processes of each leg (pytest -n; 0: the leg runs in one process; 4 at most).
SQLITE_WORKERS ?= 2
POSTGRESQL_WORKERS ?= 0

test-sqlite: $(VENV)/.installed
	@echo "=== Test suite on SQLite ==="
	CIVIQUE_TEST_DATABASE=sqlite $(BIN)/python -m pytest -n $(SQLITE_WORKERS) $(PYTEST_ARGS)

test-postgresql: $(VENV)/.installed
	@echo "=== Test suite on PostgreSQL ==="
	CIVIQUE_TEST_DATABASE=postgresql $(BIN)/python -m pytest -n $(POSTGRESQL_WORKERS) \
		--ignore=tests/e2e/test_every_page.py $(PYTEST_ARGS)

# Extract the strings and update the catalogs: the core's (translations/) and each built-in
# plugin's own (plugins/<name>/translations/). English is filled from the English source strings;
# French and German are translated by people (tests fail on an empty or fuzzy entry).
EXTRACT := $(BIN)/pybabel extract -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 --no-location --sort-output --project Civique

translations: $(VENV)/.installed
	$(EXTRACT) -F babel.cfg -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete -w 100
	$(BIN)/python tools/fill_english_catalog.py translations/en/LC_MESSAGES/messages.po
	@for plugin in plugins/*/; do \
		[ -f "$$plugin/__init__.py" ] || continue; \
		mkdir -p "$$plugin/translations"; \
		(cd "$$plugin" && $(CURDIR)/$(EXTRACT) -F $(CURDIR)/babel-plugin.cfg -o translations/messages.pot .) || exit 1; \
		for lang in fr en de; do \
			if [ -f "$$plugin/translations/$$lang/LC_MESSAGES/messages.po" ]; then \
				$(BIN)/pybabel update -i "$$plugin/translations/messages.pot" -d "$$plugin/translations" -l $$lang --no-fuzzy-matching --ignore-obsolete -w 100 || exit 1; \
			else \
				$(BIN)/pybabel init -i "$$plugin/translations/messages.pot" -d "$$plugin/translations" -l $$lang || exit 1; \
			fi; \
		done; \
		$(BIN)/python tools/fill_english_catalog.py "$$plugin/translations/en/LC_MESSAGES/messages.po"; \
	done
	$(MAKE) --no-print-directory compile-translations

# A full-page picture of every page of the demo city, as a visitor and as each role, at 320 px
# and 1280 px, in screenshots/ (Debian's chromium; see tools/screenshots.py).
screenshots: $(VENV)/.installed compile-translations
	$(BIN)/python tools/screenshots.py $(SCREENSHOTS_ARGS)

# The faults drill: PostgreSQL restarted, Redis stopped, the worker killed, SMTP refusing, the
# uploads full or read-only, under load on two instances (bench/faults.py; never in make test).
faults: $(VENV)/.installed compile-translations
	@$(BIN)/python -c "import gunicorn" 2>/dev/null || $(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench.faults $(FAULTS_ARGS)

bench: $(VENV)/.installed
	@$(BIN)/python -c "import gunicorn" 2>/dev/null || $(BIN)/pip install --quiet -e ".[bench]"
	@command -v wrk >/dev/null || apt-get install -y -q wrk || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache .pytest_cache build dist *.egg-info screenshots
