# The project's two commands: `make run` (start the bot) and `make test` (the whole test suite).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RASA := $(BIN)/rasa
STAMP := $(VENV)/.installed-stamp
RASA_ARGS := --domain bot/domain --config config.yml
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: install run shell train train-if-needed tables test test-unit test-rasa test-integration test-browser lint messages catalogs translation-report nlu-eval bench clean

$(STAMP): pyproject.toml requirements/constraints.txt
	@PY310=$$(scripts/find-python310) && [ -x $(PY) ] || $$PY310 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<25" wheel
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP)

tables: install
	$(BIN)/entitlements compile

train-if-needed: install
	@scripts/train-if-needed

train: install
	$(RASA) train $(RASA_ARGS) --data bot/data --out models

run: tables train-if-needed
	@scripts/run

shell: tables train-if-needed
	@scripts/run --shell

lint: install
	$(BIN)/ruff check engine i18n nlu actions channels privacy bench tests

test: install
	@scripts/test

# The web chat page in Debian's chromium (installed with the Noto fonts when missing).
test-browser: train-if-needed
	@scripts/install-browser
	WEBCHAT_BROWSER_REQUIRED=1 $(PY) -m pytest -q -m browser tests/browser

# Translators' workflow: extract templates and merge them into every language's catalog,
# compile (msgfmt --check), and report % translated / % reviewed per language.
messages: install
	$(PY) -m i18n.extract
	$(PY) -m i18n.catalogs update

catalogs: install
	@command -v msgfmt >/dev/null || scripts/install-gettext
	$(PY) -m i18n.catalogs compile

translation-report: install
	$(PY) -m i18n.catalogs report

# Per-language intent accuracy and entity F1 on held-out sets (tests/nlu_eval/).
nlu-eval: train-if-needed
	$(PY) -m nlu.evaluate --out test-artifacts/nlu-eval.json

clean:
	rm -rf models results var .pytest_cache

# Latency, throughput, resolve() on synthetic tables, memory, training time (not a test):
# writes test-artifacts/bench.json. BENCH_TRAIN=1 also retrains into a temp dir and times it.
bench: tables train-if-needed
	$(PY) -m bench
