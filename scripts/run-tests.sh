#!/usr/bin/env bash
# Runs every test: the optimised build (unit, ClickHouse integration, Node conformance
# and browser tests), then the ASan+UBSan build of the unit tests. Ends with one
# "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${BUILD_DIR:-build}
asan=${ASAN_DIR:-build/asan}
jobs=${JOBS:-$(nproc)}

free_port() {  # node is a dependency anyway (the npm side); python3 may not be installed
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

export CHVIEW_CH_DIR="$root/$build/test-clickhouse"
export CHVIEW_CH_HTTP_PORT=$(free_port)
export CHVIEW_CH_TCP_PORT=$(free_port)
export CHVIEW_TEST_CLICKHOUSE_URL="http://default:@127.0.0.1:${CHVIEW_CH_HTTP_PORT}/default"
mkdir -p tests/artifacts

passed=0
failed=0
run_ctest() {  # dir, extra args...
  local dir=$1; shift
  local log
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@") 2>&1 | tee "$log"
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    echo "run-tests: ctest in $dir printed no summary" >&2
  else
    local total fail
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    fail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - fail))
    failed=$((failed + fail))
  fi
  rm -f "$log"
}

echo "== optimised build: unit, integration, node and browser tests"
run_ctest "$build"
echo "== ASan+UBSan build: unit tests"
run_ctest "$asan" -L unit

echo
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
