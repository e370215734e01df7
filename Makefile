# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run install test lint migrations-check pytest bench messages clean demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# Embedded mode: SQLite and a file-based Celery broker in var/, no server to install.
run: export DEBUG ?= true
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Starting web on http://127.0.0.1:$(PORT)/ with a Celery worker and beat. Ctrl-C stops all three."
	PORT=$(PORT) $(BIN)/honcho start --no-prefix -f Procfile 2>&1 || true

demo: install
	DEBUG=true $(BIN)/python manage.py seed_demo

# Lint, migration check and the whole suite, against PostgreSQL and Redis when they answer.
test: install
	$(BIN)/python -m scripts.testrun

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m scripts.benchall

messages: install
	$(BIN)/python manage.py makemessages -l nl --no-location --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench --ignore=scripts --ignore=var --ignore=artifacts
	$(BIN)/python manage.py compilemessages -l nl --ignore=.venv

clean:
	rm -rf var/celery var/cache artifacts
