#!/usr/bin/env bash
# Regenerate the three hashed locks from pyproject.toml (run after changing dependencies):
#   requirements.lock        runtime: [project] dependencies, nothing else
#   requirements-dev.lock    tests and tools ([test] extra), only what the runtime lock lacks;
#                            installed together with requirements.lock (`make install`)
#   requirements-build.lock  PyInstaller ([build] extra), complete on its own (`make dist`)
# Versions already in a lock are kept (uv prefers them); `build/tools/lock.sh --upgrade` moves
# everything to the newest release. The locks are universal (markers for other platforms and
# Pythons >= 3.11) and carry every file's hash, so pip installs them with hash checking.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/uv"
"$tmp/uv/bin/pip" install --quiet --disable-pip-version-check "uv==0.13.9"
compile() {
    "$tmp/uv/bin/uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
        --custom-compile-command "build/tools/lock.sh" "$@"
}
extra() {  # the requirements of one optional-dependencies group of pyproject.toml
    python3 -c 'import sys, tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"][sys.argv[1]]))' "$1"
}
pinned() {  # --no-emit-package NAME for every package pinned in the given locks
    sed -nE 's/^([A-Za-z0-9][A-Za-z0-9._-]*)==.*/--no-emit-package \1/p' "$@"
}

compile "$@" pyproject.toml -o requirements.lock
mkdir "$tmp/pyproject.toml"  # the .in files are named after their source in the annotations
extra test > "$tmp/pyproject.toml/test"
# shellcheck disable=SC2046  # one word per option
compile "$@" "$tmp/pyproject.toml/test" -c requirements.lock $(pinned requirements.lock) -o requirements-dev.lock
extra build > "$tmp/pyproject.toml/build"
compile "$@" "$tmp/pyproject.toml/build" -c requirements.lock -c requirements-dev.lock -o requirements-build.lock
sed -i "s|-r $tmp/|-r |" requirements-dev.lock requirements-build.lock
grep -cE '^[A-Za-z0-9]' requirements.lock requirements-dev.lock requirements-build.lock
