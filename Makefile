# yichuang — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test install check-ignored check-runtime bench dist clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock -r requirements-dev.lock
	$(PIP) --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(VENV)/bin/yichuang

test: install
	bash sync/tools/ensure_postgres.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# CI: no tracked file may be one that .gitignore ignores (a committed venv or build output).
check-ignored:
	@out=$$(git ls-files -ci --exclude-standard); \
	if [ -n "$$out" ]; then echo "tracked but ignored (git rm --cached them):"; echo "$$out" | head -20; exit 1; fi

# CI: a fresh venv from requirements.lock alone (+ the project, not editable) prints to a
# loopback printer and takes one intake through the window: catches a runtime import that
# only the dev lock provides.
check-runtime:
	$(PYTHON) build/tools/runtime_smoke.py

bench: install
	$(PY) -m tests.bench.run_all

dist: install
	$(PIP) --require-hashes -r requirements-build.lock
	cd build && ../$(PY) -m PyInstaller --noconfirm --distpath dist --workpath work yichuang.spec
	@echo "built build/dist/yichuang"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .import_linter_cache .ruff_cache
	rm -rf build/lib build/bdist.* build/work build/dist *.egg-info
