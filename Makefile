# Civique — the two commands: `make demo` and `make test`.
# Everything else is here to serve them (and `make translations`, `make bench`).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app core
NODE_TOOLS := .cache/node
AXE    := $(NODE_TOOLS)/node_modules/axe-core/axe.min.js

.PHONY: demo test test-sqlite test-postgresql venv install translations compile-translations bench clean help

help:
	@echo "make demo          set up, load the demo city and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test          set up and run every test (SQLite, then PostgreSQL when configured)"
	@echo "make translations  extract strings and update the fr/en/de catalogs"
	@echo "make bench         run the benchmarks (never part of make test)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the packaging changes.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,postgresql,redis]"
	@touch $@

venv install: $(VENV)/.installed

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations -f --statistics 2>&1 | tail -3 || true

# axe-core for the accessibility checks of the browser tests (from the npm registry).
$(AXE):
	mkdir -p $(NODE_TOOLS)
	cd $(NODE_TOOLS) && npm install --silent --no-audit --no-fund --prefix . axe-core@4

demo: $(VENV)/.installed compile-translations
	@mkdir -p instance
	CIVIQUE_ENV=development CIVIQUE_MAIL_BACKEND=console CIVIQUE_CITY_NAME=Mulhouse $(FLASK) db upgrade
	CIVIQUE_ENV=development CIVIQUE_MAIL_BACKEND=console CIVIQUE_CITY_NAME=Mulhouse $(FLASK) demo
	CIVIQUE_ENV=development CIVIQUE_MAIL_BACKEND=console CIVIQUE_CITY_NAME=Mulhouse $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite: SQLite always; PostgreSQL too when CIVIQUE_TEST_POSTGRESQL_URL is set
# (.ci/run sets it). Browser tests run when a Chromium is found (required when CI=true).
test: $(VENV)/.installed compile-translations $(AXE)
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$CIVIQUE_TEST_POSTGRESQL_URL" ]; then \
		$(MAKE) --no-print-directory test-postgresql; \
	else \
		echo "!!! PostgreSQL leg SKIPPED: set CIVIQUE_TEST_POSTGRESQL_URL (bash .ci/run does) to run it."; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi

test-sqlite: $(VENV)/.installed
	@echo "=== Test suite on SQLite ==="
	CIVIQUE_TEST_DATABASE=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgresql: $(VENV)/.installed
	@echo "=== Test suite on PostgreSQL ==="
	CIVIQUE_TEST_DATABASE=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output --project Civique -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/fill_english_catalog.py translations/en/LC_MESSAGES/messages.po
	$(MAKE) --no-print-directory compile-translations

bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .cache .pytest_cache build dist *.egg-info
