# Bearings: the two set-up commands are `make run` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
HOST    ?= 127.0.0.1
PORT    ?= 8000
PYTEST_ARGS ?=

.PHONY: run test bench lint check golden clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

## run: install, prepare the SQLite database under instance/, serve http://$(HOST):$(PORT)
run: $(VENV)/.installed-run
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/bearings serve --host $(HOST) --port $(PORT)

## test: install with the dev extras and run the whole suite
test: $(VENV)/.installed-dev
	$(VENV)/bin/bearings flow check
	$(PY) -m pytest $(PYTEST_ARGS)

## bench: every speed and memory target, as ratios to baselines measured in the same run
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

## lint: ruff over the code
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check service tests bench

## golden: rewrite the golden letter files after a deliberate change (review the diff!)
golden: $(VENV)/.installed-dev
	BEARINGS_UPDATE_GOLDEN=1 $(PY) -m pytest tests/test_letters_golden.py -q

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis dist build
