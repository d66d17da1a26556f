# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run   — create .venv, install govfacts, land data/samples into data/lake and print a summary
#   make test  — create .venv, install govfacts with its test extras, run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install clean-lake

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/govfacts run data/samples

test: $(STAMP)
	$(BIN)/python -m pytest

clean-lake:
	rm -rf data/lake
