#!/usr/bin/env bash
# ansible-test sanity, offline, on a copy of the collection (docs/testing.md explains why).
#   scripts/sanity.sh [ansible-test sanity options, e.g. --test pylint]
#
# - ansible-test wants to run from .../ansible_collections/<ns>/<name> that is not a symlink:
#   we copy the files git knows (tracked + untracked-not-ignored) to build/sanity/run-*/.
# - amazon.aws and community.aws (from the venv's 'ansible' package) sit beside our copy,
#   where ansible-test looks for a collection's dependencies.
# - ansible-test bootstraps each test venv with a get-pip.py it downloads from a host we
#   cannot reach, unless it finds it in its cache: we seed the cache with our stand-in,
#   scripts/ansible_test_get_pip.py (ensurepip + pip install from the package index).
# - The copy gets its own (empty) git repository: ansible-test lists files with git.
# - Test venvs live under ~/.ansible/test/venv and are reused across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -x .venv/bin/python ] && export PATH=$ROOT/.venv/bin:$PATH
PYTHON_VERSION=${SANITY_PYTHON:-3.11}
# A copy per run (engineers share this tree and may run sanity concurrently), removed at exit.
mkdir -p build/sanity
TREE=$(mktemp -d "$ROOT/build/sanity/run-XXXXXX")
trap 'rm -rf "$TREE"' EXIT
DEST=$TREE/ansible_collections/radiant/aws_onboarding

# No test is waived: an ignore file with entries fails the stage before it starts.
if compgen -G 'tests/sanity/ignore-*.txt' >/dev/null && grep -qvE '^\s*(#|$)' tests/sanity/ignore-*.txt; then
  echo "tests/sanity/ignore-*.txt has entries; fix the code instead:" >&2
  grep -HvE '^\s*(#|$)' tests/sanity/ignore-*.txt >&2
  exit 1
fi

mkdir -p "$DEST"
git ls-files -co --exclude-standard -z \
  | while IFS= read -r -d '' path; do [ -e "$path" ] && printf '%s\0' "$path"; done \
  | tar --null -T - -cf - | tar -xf - -C "$DEST"

SITE=$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
for dependency in amazon/aws community/aws; do
  mkdir -p "$TREE/ansible_collections/${dependency%/*}"
  ln -s "$SITE/ansible_collections/$dependency" "$TREE/ansible_collections/$dependency"
done

pip_version=$(python -c '
import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version="'"$PYTHON_VERSION"'"))["pip"])')
cache=~/.ansible/test/cache/get_pip_${pip_version//./_}.py
mkdir -p "$(dirname "$cache")"
cp scripts/ansible_test_get_pip.py "$cache"

cd "$DEST"
# Our checkout's .gitignore hides build/ from git, and ansible-test lists files with the
# enclosing repository's git: give the copy a repository of its own (untracked files count).
git init -q .
ansible-test sanity --python "$PYTHON_VERSION" --venv --color no "$@"
