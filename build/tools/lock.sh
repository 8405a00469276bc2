#!/usr/bin/env bash
# Regenerate requirements.lock (runtime) and requirements-dev.lock (tests, benchmarks, build)
# from pyproject.toml, in throwaway virtual environments. Run after changing dependencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/rt"
"$tmp/rt/bin/pip" install --quiet --disable-pip-version-check .
"$tmp/rt/bin/pip" freeze --exclude yichuang | LC_ALL=C sort -f > requirements.lock
python3 -m venv "$tmp/dev"
"$tmp/dev/bin/pip" install --quiet --disable-pip-version-check ".[test]" setuptools wheel
"$tmp/dev/bin/pip" freeze --all --exclude yichuang --exclude pip | LC_ALL=C sort -f > "$tmp/all.txt"
# the dev lock holds what the runtime lock does not
python3 -c 'import sys; rt=set(open(sys.argv[1]).read().split()); print("\n".join(l for l in open(sys.argv[2]).read().split() if l not in rt))' requirements.lock "$tmp/all.txt" > requirements-dev.lock
wc -l requirements.lock requirements-dev.lock
