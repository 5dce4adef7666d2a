#!/usr/bin/env bash
# Set up claimtrace in ./.venv on a CPU machine (Python >= 3.11).
#   bash scripts/setup.sh          everything the main job needs
#   bash scripts/setup.sh --test   also the test tools and Debian's chromium for the browser test
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The CPU build of torch first: a bare 'torch' requirement would pull several GB of CUDA packages.
.venv/bin/python -m pip install -q "torch==2.13.0"
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[all,dev,spark]"
  if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
      || echo "setup: chromium could not be installed; the browser tests will be skipped" >&2
  fi
else
  .venv/bin/python -m pip install -q -e ".[all]"
fi
echo "setup: claimtrace installed in .venv"
