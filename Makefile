# The README's commands. `make run` serves the portal with demo data on embedded defaults;
# `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test quality messages makemessages demo lint format bench e2e-deps clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are built, never committed (Babel: no system gettext needed).
messages: install
	$(BIN)/pybabel compile --statistics -d locale -D django

# Refreshes the catalogue from the sources (needs GNU gettext); then translate what is new.
makemessages: install
	$(BIN)/python manage.py makemessages -l en --no-location --no-obsolete -i ".venv/*" -i "node_modules/*" -i "staticfiles/*"

run: install messages
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

demo: install
	DEBUG=true $(BIN)/python manage.py demo

# axe-core for the accessibility checks of the browser tests (npm registry).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

e2e-deps:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node_modules/axe-core/axe.min.js; \
	else echo "NOTICE: npm missing: browser tests will be skipped."; fi

test: install messages e2e-deps
	@url="$$($(BIN)/python scripts/base_de_test.py)"; \
	if [ -n "$$url" ]; then export DATABASE_URL="$$url"; echo "Tests on $$url"; fi; \
	$(BIN)/pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=false ALLOWED_HOSTS=chorus.example.fr \
	  SECRET_KEY=quality-check-not-a-real-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

lint: quality

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every script of bench/ in turn (DATABASE_URL chooses the database, SQLite by default).
bench: install
	@for script in $(filter-out bench/commun.py,$(wildcard bench/*.py)); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
