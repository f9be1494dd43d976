# The two front-door commands: `make demo` and `make test`. Both create/use .venv and install
# what they need, so they work on a fresh machine with Python 3.11 and ../shared/data beside it.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint unit bench mutate system-deps clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP)

## Load the official data into the embedded warehouse and show what is there.
demo: install
	$(VENV)/bin/comexlab demo run

## System packages the tests drive (Chromium, PostgreSQL); needs root or sudo on Debian.
system-deps:
	bash scripts/system-deps.sh

## Lint, then every test: unit, integration (real files, DuckDB, SQLite, PostgreSQL), browser.
test: install system-deps
	$(PY) -m ruff check src tests bench
	$(VENV)/bin/lint-imports
	$(PY) -m mypy src/comexlab/tariffs src/comexlab/supply src/comexlab/nomenclature src/comexlab/reports src/comexlab/matching src/comexlab/markets src/comexlab/sites \
	  src/comexlab/services src/comexlab/presentation src/comexlab/web src/comexlab/commands
	. scripts/test-env.sh && $(PY) -m pytest

unit: install
	$(PY) -m pytest tests/unit -q

lint: install
	$(PY) -m ruff check src tests bench
	$(VENV)/bin/lint-imports

bench: install
	$(PY) bench/run.py

## Mutation testing of the pure packages tariffs/ and reports/ (mutmut; not in CI: ~1 h on
## 2 cores). Scores per module: bench/README-mutation.md.
mutate: install
	rm -rf mutants
	COMEXLAB_DATA=$${COMEXLAB_DATA:-$(abspath ../shared/data)} COMEXLAB_HYPOTHESIS=mutate \
	  $(VENV)/bin/mutmut run --max-children $${MUTATE_JOBS:-2} $(MUTANTS)
	$(PY) bench/mutation_score.py mutants --survivors mutants/survivors.txt

clean:
	rm -rf $(VENV) comexlab.duckdb comexlab-registry.sqlite mutants
