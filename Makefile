# The two commands of a fresh machine: `make run` (the app on the embedded default corpus) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 7860

.PHONY: run test install system-deps lint

$(BIN)/xuefa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to 2.13.0 in pyproject.toml: pip takes the CPU wheel, never the multi-GB CUDA build.
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/xuefa

install: $(BIN)/xuefa

run: install
	$(BIN)/xuefa serve --port $(PORT)

system-deps:
	bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: system-deps install lint
	$(BIN)/pytest -n 2 --dist loadgroup
