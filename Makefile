# yichuang — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install bench dist clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
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

bench: install
	$(PY) -m tests.bench.run_all

dist: install
	$(PY) -m pip install --quiet --disable-pip-version-check pyinstaller
	cd build && ../$(PY) -m PyInstaller --noconfirm --distpath dist --workpath work yichuang.spec
	@echo "built build/dist/yichuang"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .import_linter_cache
