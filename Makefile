# Two user-facing targets: `make run` and `make test`. Both build .venv from
# the pinned lock file first (only when the lock changed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test env lint format lock report bench clean

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: env
	$(BIN)/snakemake

test: env
	$(BIN)/python -m pytest -q

lint: env
	$(BIN)/snakemake --lint
	$(BIN)/ruff check scripts tests bench
	$(BIN)/ruff format --check scripts tests bench
	$(BIN)/snakefmt --check Snakefile workflow

format: env
	$(BIN)/ruff check --fix scripts tests bench
	$(BIN)/ruff format scripts tests bench
	$(BIN)/snakefmt Snakefile workflow

report: env
	$(BIN)/snakemake --report results/report.html

lock:
	$(PYTHON) -m venv /tmp/schemes-lock && /tmp/schemes-lock/bin/pip install -q -r requirements.txt \
	  && /tmp/schemes-lock/bin/pip uninstall -q -y pymorphy2 pymorphy2-dicts-ru DAWG-Python docopt yargy ipymarkup intervaltree \
	  && /tmp/schemes-lock/bin/pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)==' > requirements.lock

bench: env
	$(BIN)/python bench/topics_bench.py

clean:
	rm -rf results/* .snakemake data/demo/*.gz data/demo/*.csv
