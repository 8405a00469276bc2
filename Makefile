# yichuang — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

PIP := $(PY) -m pip install --quiet --disable-pip-version-check
# The tests' files (stores, hubs, PostgreSQL's cluster) go to a tmpfs where there is one: the suite
# waits mostly on SQLite's fsyncs (20 cases seeded: 2.6-3.7 s in /tmp on this disk, 0.4-0.5 s
# in /dev/shm). Still real files and real processes; only a power cut is not what they test.
TEST_TMPDIR ?= $(firstword $(wildcard /dev/shm) $(TMPDIR) /tmp)
# pytest-xdist workers for `make test`: more than the 2 cores, as the suite waits more than it
# computes (560 of its tests: 207 CPU-s in 677 s on 2 workers; CI's last serial run 1769 s for
# 1196 tests). --dist loadfile keeps each test file on one worker, in order: a file's
# module-scoped servers and browser start once. `make test TEST_WORKERS=1` for one process.
TEST_WORKERS ?= 4

.PHONY: run test install check-ignored check-runtime bench dist check-dist clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "make: $(PYTHON) cannot make a virtual environment; on Debian, Ubuntu, Kylin or UOS: sudo apt-get install python3-venv" >&2; exit 1; }
	$(PIP) --require-hashes -r requirements.lock -r requirements-dev.lock
	$(PIP) --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(VENV)/bin/yichuang

test: install
	bash sync/tools/ensure_postgres.sh
	bash sync/tools/ensure_chromium.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	TMPDIR=$(TEST_TMPDIR) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

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

# The executable is built in a venv of its own, made from the runtime and build locks alone (never
# the dev venv: nothing test-only may reach the bundle), and made anew when either lock changes.
BUILD_VENV := build/venv
BUILD_PY := $(BUILD_VENV)/bin/python
BUILD_STAMP := $(BUILD_VENV)/.installed-$(shell cat requirements.lock requirements-build.lock | cksum | cut -d' ' -f1)
# one-folder (the default, measured faster to start: README "The executable") or onefile
DIST_LAYOUT ?= onedir

$(BUILD_STAMP): requirements.lock requirements-build.lock
	rm -rf $(BUILD_VENV)
	$(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_PY) -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements.lock -r requirements-build.lock
	@touch $@

dist: $(BUILD_STAMP)
	cd build && env -u PYTHONPATH ../$(BUILD_PY) -m PyInstaller --noconfirm \
		--distpath dist$(if $(filter onefile,$(DIST_LAYOUT)),/onefile) --workpath work yichuang.spec \
		-- --layout $(DIST_LAYOUT)

# CI: the built executable, copied to a read-only temporary folder, run with `env -i` on a
# fresh data dir: every kind of command, the window in a pty, a printer, a hub and a sync round.
check-dist: dist
	$(PYTHON) build/tools/dist_smoke.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .import_linter_cache .ruff_cache
	rm -rf build/lib build/bdist.* build/work build/dist build/venv *.egg-info
