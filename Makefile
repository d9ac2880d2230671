# Quick start: `make plan` (offline plan of environments/) and `make test`.
# Each target creates and fills the virtualenv when it is missing or stale, and is fast otherwise.
PYTHON ?= python3
VENV := venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: plan test validate docs golden bench clean fuzz plugins checkov checkov-tool mutation

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

# Mermaid's own parser (npm `mermaid` under Node.js, with jsdom) checks the review's diagrams in the
# tests; installed into .node/ (ignored), from the pinned tests/review/node/package.json.
NODE_DEPS := .node/.installed
$(NODE_DEPS): tests/review/node/package.json
	mkdir -p .node
	cp tests/review/node/package.json .node/package.json
	cd .node && npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_DEPS)

test: $(NODE_DEPS)

# Regenerate the generated references (docs/spec.md, docs/spec.schema.json); tests fail when stale.
docs: $(STAMP)
	$(BIN)/mwaaform docs > docs/spec.md
	$(BIN)/mwaaform schema > docs/spec.schema.json

# Regenerate the golden plans under tests/golden/; review the diff before committing.
golden: $(STAMP)
	$(BIN)/python -m tests.golden.regenerate

# The spec fuzzer for 10 minutes (the suite runs it for 15 s); MWAAFORM_FUZZ_SECONDS overrides.
fuzz: $(STAMP)
	MWAAFORM_FUZZ_SECONDS=$${MWAAFORM_FUZZ_SECONDS:-600} MWAAFORM_FUZZ_PLANS=$${MWAAFORM_FUZZ_PLANS:-30} \
		$(BIN)/python -m pytest tests/fuzz -q

# Rebuild the prod-data example's plugins.zip (its wheels, from PyPI) after editing plugins-wheels.txt.
plugins: $(STAMP)
	$(BIN)/python scripts/build_plugins.py environments/files/prod-data/plugins-wheels.txt environments/files/prod-data/plugins.zip

# checkov in a tool virtualenv of its own (its pins conflict with ours); tests/test_checkov.py uses it.
CHECKOV_VENV := build/tools/checkov
CHECKOV_VERSION := 3.3.30
$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet "checkov==$(CHECKOV_VERSION)"
	touch $@

checkov-tool: $(CHECKOV_VENV)/.installed

# The compiled plans of environments/ as Terraform plan JSON, judged by checkov: prints its report,
# then fails only on a failing check that docs/checkov.md does not list with a reason.
checkov: $(STAMP) checkov-tool
	$(BIN)/python -m mwaaform.tfplan build/tfplan
	$(CHECKOV_VENV)/bin/checkov --framework terraform_plan --skip-download --compact --quiet \
		$$(for f in build/tfplan/*.json; do printf -- '-f %s ' "$$f"; done) || true
	$(BIN)/python -m pytest -q tests/test_checkov.py

# The fleet benchmark (docs/benchmarks.md; BENCH_ARGS, e.g. "--stacks 20 --runs 1", for a quick look), then per-stack figures.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.fleet_bench $(BENCH_ARGS)
	$(BIN)/python benchmarks/plan.py
	$(BIN)/python benchmarks/preflight.py
	$(BIN)/python -m benchmarks.review

# Mutation testing of the pure modules, each against its own tests; prints the kill ratio per
# module and the surviving mutants. Slow (minutes per module), so not part of `make test`.
# `make mutation MODULES="naming tags"` runs some; `venv/bin/python tools/mutation.py --list` lists them.
mutation: $(STAMP)
	$(BIN)/pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/python tools/mutation.py $(MODULES)

clean:
	rm -rf build .pytest_cache
