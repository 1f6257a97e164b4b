#!/usr/bin/env bash
# Fails when a tracked or new C++ file is not clang-formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$( (git ls-files; git ls-files -o --exclude-standard) | grep -E '\.(cpp|h)$' | grep -vE '^(build|node_modules)/' | sort -u)
bad=$(for f in $files; do [ -f "$f" ] && ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1 && echo "$f"; done || true)
if [ -n "$bad" ]; then
  echo "check-format: not clang-formatted (run 'make format'):"; echo "$bad"; exit 1
fi
echo "check-format: ok"
