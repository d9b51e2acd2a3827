# Teilhabe: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= python3
UV = $(PYTHON) -m uv
MANAGE = $(PYTHON) manage.py
export DJANGO_SETTINGS_MODULE = teilhabe.settings

.PHONY: run test install install-dev lint typecheck pytest messages lock vendor bench clean

var/.installed-run: requirements.lock
	@mkdir -p var
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --system --quiet -r requirements.lock
	@touch $@

var/.installed-dev: requirements-dev.lock
	@mkdir -p var
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --system --quiet -r requirements-dev.lock
	@touch $@ var/.installed-run

install: var/.installed-run
install-dev: var/.installed-dev

# The task worker (django-tasks' database backend) runs beside the server and builds what the
# pages queue, e.g. status reports; it stops when the server stops (Ctrl+C). It does not
# reload on code changes: restart `make run` after changing a task.
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) db_worker --no-reload --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

lint: install-dev
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

typecheck: install-dev
	$(PYTHON) -m mypy

# Tests run in parallel, one worker per CPU (PYTEST_WORKERS=0 runs them in one process).
PYTEST_WORKERS ?= auto
pytest: install-dev
	$(PYTHON) -m pytest -n $(PYTEST_WORKERS)

test: lint typecheck pytest

# Refresh the German catalogue after changing texts; the compiled .mo files are committed.
messages: install-dev
	$(MANAGE) makemessages --locale de --locale en --ignore 'static/*' --ignore 'var/*' --no-obsolete
	$(MANAGE) compilemessages --ignore 'var/*'

lock:
	$(UV) pip compile pyproject.toml --quiet --python-version 3.11 -o requirements.lock
	$(UV) pip compile pyproject.toml --extra dev --quiet --python-version 3.11 -o requirements-dev.lock

vendor:
	scripts/refresh-vendor

bench: install-dev
	$(PYTHON) bench/oparl.py
	$(PYTHON) bench/plan.py
	$(PYTHON) bench/fund.py
	$(PYTHON) bench/allocation.py

clean:
	rm -rf var/.installed-* var/test*.sqlite3 .pytest_cache .mypy_cache .ruff_cache
