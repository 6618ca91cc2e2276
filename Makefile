# Two commands do all set-up on a fresh machine: 'make demo' and 'make test'.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A collection tree that points at this checkout, so ansible finds radiant.aws_onboarding;
# amazon.aws and community.aws come from the 'ansible' package inside the venv.
COLLECTIONS := $(CURDIR)/build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/radiant/aws_onboarding
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(CURDIR)/$(BIN):$(PATH)
STAMP := $(VENV)/.installed

.PHONY: all venv collection demo test lint sanity unit emulator-test integration molecule bench clean build ee

all: test

# uv installs the same pinned set as pip (the same 'pip freeze') in seconds where pip takes minutes: it downloads
# and unpacks in parallel. It reads no pip.conf, so where only pip's configured index is reachable pip takes over;
# a bounded wait (15 s a request, 3 minutes in all; it takes about 10 s) keeps an unreachable index from costing more.
# Both compile the packages' bytecode at install (pip does by default, uv with --compile-bytecode): where
# PYTHONDONTWRITEBYTECODE is set, as on this machine, nothing else ever writes it, and every Python that imports
# boto3 and ansible (each module run) would compile them from source: about 0.5 s of CPU a run, a quarter of the suite.
UV_VERSION := 0.13.9
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
UV_PIP := timeout 180 env UV_NATIVE_TLS=1 UV_HTTP_TIMEOUT=15 $(BIN)/uv pip install --quiet --compile-bytecode \
  --python $(BIN)/python

$(STAMP): requirements/runtime.txt requirements/test.txt requirements/constraints.txt tests/emulator/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) uv==$(UV_VERSION) && $(UV_PIP) -r requirements/test.txt -c requirements/constraints.txt \
	  || { echo "uv could not install the requirements: pip installs them (minutes)"; \
	       $(PIP) -r requirements/test.txt -c requirements/constraints.txt; }
	$(UV_PIP) --no-deps -e tests/emulator || $(PIP) --no-deps -e tests/emulator
	touch $@

# The test suite's caches (tests/harness), each active only in a Python started with its variable set, which
# scripts/integration.sh and scripts/molecule.sh do: zipimport's bytecode of the AnsiballZ payloads (zip_bytecode.py,
# RADIANT_ZIP_BYTECODE_CACHE), the payloads themselves, shared by every ansible-playbook (ansiballz_cache.py,
# RADIANT_ANSIBALLZ_CACHE), and module runs forked from a Python that has imported boto3 (module_forkserver.py,
# RADIANT_MODULE_FORKSERVER).
TEST_CACHES_PTH := $(VENV)/.test-caches-pth
PURELIB = $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')

$(TEST_CACHES_PTH): $(STAMP) Makefile
	rm -f "$(PURELIB)/radiant-zip-bytecode.pth"
	echo "import os, sys; e = os.environ; (e.get('RADIANT_ZIP_BYTECODE_CACHE') or e.get('RADIANT_ANSIBALLZ_CACHE') or e.get('RADIANT_MODULE_FORKSERVER')) and sys.path.append('$(CURDIR)/tests/harness'); e.get('RADIANT_ZIP_BYTECODE_CACHE') and __import__('zip_bytecode').install(e['RADIANT_ZIP_BYTECODE_CACHE']); e.get('RADIANT_ANSIBALLZ_CACHE') and __import__('ansiballz_cache').install(e['RADIANT_ANSIBALLZ_CACHE']); e.get('RADIANT_MODULE_FORKSERVER') and __import__('module_forkserver').forward(e['RADIANT_MODULE_FORKSERVER'])" \
	  >"$(PURELIB)/radiant-test-caches.pth"
	touch $@

venv: $(STAMP) $(TEST_CACHES_PTH)

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

collection: venv $(COLLECTION_LINK)

demo: collection
	scripts/demo.sh

test: collection
	scripts/test.sh

lint: collection
	scripts/test.sh lint

sanity: collection
	scripts/test.sh sanity

unit: collection
	scripts/test.sh unit

emulator-test: collection
	scripts/test.sh emulator

integration: collection
	scripts/test.sh integration

molecule: collection
	scripts/test.sh molecule

# Speed targets live here, not in timed tests: each benchmark prints its figures and fails
# when it misses its bound.
bench: collection
	for benchmark in tests/benchmarks/*.py; do $(BIN)/python $$benchmark || exit 1; done

build: collection
	$(BIN)/ansible-galaxy collection build --force --output-path build/dist .

# The execution environment's build context (execution-environment.yml), for podman/docker build:
# the collection tarball under the unversioned name the definition copies, then ansible-builder.
ee: build
	cp build/dist/radiant-aws_onboarding-$$(awk '/^version:/{print $$2}' galaxy.yml).tar.gz build/dist/radiant-aws_onboarding.tar.gz
	$(BIN)/ansible-builder create -f execution-environment.yml -c build/ee --output-filename Containerfile

clean:
	rm -rf build tests/output .pytest_cache .ruff_cache
