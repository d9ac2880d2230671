# Quick start: `make plan` (offline plan of environments/) and `make test`.
# Each target creates and fills the virtualenv when it is missing or stale, and is fast otherwise.
PYTHON ?= python3
VENV := venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: plan test validate docs golden bench clean mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/mwaaform plan environments/ --out build/plan
	$(BIN)/mwaaform plan environments/ --json > build/plan.json
	@echo "wrote build/plan.json and build/plan/<stack>.{txt,json}"

validate: $(STAMP)
	$(BIN)/mwaaform validate environments/

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Regenerate the generated references (docs/spec.md, docs/spec.schema.json); tests fail when stale.
docs: $(STAMP)
	$(BIN)/mwaaform docs > docs/spec.md
	$(BIN)/mwaaform schema > docs/spec.schema.json

# Regenerate the golden plans under tests/golden/; review the diff before committing.
golden: $(STAMP)
	$(BIN)/python -m tests.golden.regenerate

bench: $(STAMP)
	$(BIN)/python benchmarks/plan.py

# Mutation testing of the pure modules, each against its own tests; prints the kill ratio per
# module and the surviving mutants. Slow (minutes per module), so not part of `make test`.
# `make mutation MODULES="naming tags"` runs some; `venv/bin/python tools/mutation.py --list` lists them.
mutation: $(STAMP)
	$(BIN)/pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/python tools/mutation.py $(MODULES)

clean:
	rm -rf build .pytest_cache
