# Single entry point for development, CI and the demo. Every target sets itself up.
#   make test   - every gate and test, from a clean clone (what CI runs)
#   make demo   - validate the demo cluster (a real control plane, simulated nodes) and write a report
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
COLLECTIONS := $(CURDIR)/.build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/ai_conformance/rke2
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt | sha1sum | cut -c1-12)

export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := true
export ANSIBLE_LOCAL_TEMP := $(CURDIR)/.build/ansible-tmp
export ANSIBLE_FORCE_COLOR := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help
help:
	@echo "make test         every gate and test (lint sanity checklists unit integration molecule docs build)"
	@echo "make demo         validate the demo cluster (SCENARIO=rke2-gpu) and write a report"
	@echo "make setup        .venv from requirements/dev.txt, collection link, Debian packages (system-deps)"
	@echo "make testworld    build the test world's programs once (Kubernetes $(TESTWORLD_RELEASES), etcd, kwok)"
	@echo "make lint         yamllint, changelog lint, ruff (lint and format check), ansible-lint (production)"
	@echo "make sanity       ansible-test sanity"
	@echo "make checklists   plugins/module_utils/checklists.py matches the CNCF templates"
	@echo "make unit         pytest tests/unit"
	@echo "make integration  pytest tests/integration (ansible-playbook, kubectl, clients against test worlds)"
	@echo "make molecule     Molecule scenarios on debootstrap chroots, all but kind (needs root)"
	@echo "make docs         ansible-doc renders every module"
	@echo "make build        the Galaxy artifact builds, installs into an empty path and its module runs"
	@echo "make format       apply ruff's formatting"
	@echo "make clean        remove .build, test output, caches and report folders"

# --- setup -----------------------------------------------------------------------------------
$(STAMP): requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

$(COLLECTION_LINK):
	@mkdir -p $(dir $@) $(ANSIBLE_LOCAL_TEMP)
	ln -sfn $(CURDIR) $@

.PHONY: setup
setup: $(STAMP) $(COLLECTION_LINK) system-deps

# Debian packages the gates need: shellcheck (else ansible-test skips that test with only a
# warning), debootstrap (Molecule targets) and iproute2 (the test world's pod network). Installed
# only when missing, and only as root. Go (1.26) builds the test world; it is not a Debian package here.
.PHONY: system-deps
system-deps:
	@missing=""; for p in shellcheck:shellcheck debootstrap:debootstrap ip:iproute2; do \
	  command -v $${p%%:*} >/dev/null || missing="$$missing $${p#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing system packages:$$missing (install them as root)"; exit 1; fi; \
	  (apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null)); \
	fi
	@command -v go >/dev/null || { echo "the test world is built from Go modules: install Go 1.26 (go on PATH)"; exit 1; }

# The test world's programs, built from tests/testworld/go once per machine into
# ~/.cache/ai-conformance-rke2/testworld (a progress line per program; about 5 minutes per
# Kubernetes release on 2 cores, plus the module downloads). The tests use all three releases.
TESTWORLD_RELEASES ?= 1.34 1.33 1.37
.PHONY: testworld
testworld: setup
	$(BIN)/python -m tests.testworld.binaries etcd kwok $(foreach r,$(TESTWORLD_RELEASES),kubernetes-$(r))

# --- gates -----------------------------------------------------------------------------------
.PHONY: test
test: setup lint sanity checklists unit testworld integration molecule docs build
	@echo "make test: all gates and tests passed"

.PHONY: lint
lint: setup
	$(BIN)/yamllint --strict .
	$(BIN)/antsibull-changelog lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd $(COLLECTION_LINK) && $(BIN)/ansible-lint

.PHONY: format
format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: sanity
sanity: setup
	$(BIN)/python scripts/ansible_test_pip_shim.py
	cd $(COLLECTION_LINK) && ANSIBLE_TEST_CONTENT_ROOT=$(COLLECTION_LINK) $(BIN)/ansible-test sanity --python 3.11 --color no

.PHONY: checklists
checklists: setup
	$(BIN)/python scripts/gen_checklists.py --check

.PHONY: unit
unit: setup
	$(BIN)/python -m pytest -q tests/unit

.PHONY: integration
integration: setup testworld
	$(BIN)/python -m pytest -q tests/integration

.PHONY: molecule
# every scenario under extensions/molecule/ except kind (needs Docker and kind: syntax-checked by
# tests/integration/roles/test_rke2_role.py instead), one molecule process per scenario
molecule: setup
	cd extensions && for s in $$(ls molecule); do \
	  if [ "$$s" != kind ] && [ -f molecule/$$s/molecule.yml ]; then $(BIN)/molecule test -s $$s || exit 1; fi; \
	done

# ansible-doc must render every module; fails on a doc error
.PHONY: docs
docs: setup
	@for m in $$(ls plugins/modules/*.py | xargs -n1 basename | sed 's/\.py$$//'); do \
	  $(BIN)/ansible-doc ai_conformance.rke2.$$m > /dev/null || { echo "ansible-doc failed for $$m"; exit 1; }; \
	  echo "ansible-doc ai_conformance.rke2.$$m: ok"; done

# the Galaxy artifact builds, installs into an empty path and its module runs
.PHONY: build
build: setup
	$(BIN)/python -m pytest -q tests/build

.PHONY: demo
demo: setup
	$(BIN)/python -m tests.testworld.binaries etcd kwok kubernetes-1.34
	$(BIN)/python scripts/demo.py --scenario $(or $(SCENARIO),rke2-gpu)

.PHONY: clean
clean:
	rm -rf .build tests/output .pytest_cache .ruff_cache conformance-report*
