# ReproLab: `make run` starts the whole lab; `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test lint setup worker gpu-worker web bench clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_catalog

run: setup
	@bash scripts/run_lab.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: $(VENV)/.installed
	@bash scripts/test.sh $(ARGS)

worker: setup
	@VENV=$(VENV) bash scripts/worker.sh cpu

gpu-worker: setup
	@VENV=$(VENV) bash scripts/worker.sh gpu

web: setup
	@VENV=$(VENV) bash scripts/web.sh

bench: setup
	$(PY) -m pip install -q -r bench/requirements.txt && $(PY) -m bench $(ARGS)

clean:
	rm -rf var
