#!/usr/bin/env bash
# Fails when a file includes a header from a layer its own layer may not use, so the
# arrows of ARCHITECTURE.md keep pointing one way.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [base]=""
  [columnar]="base"
  [arrow]="base"
  [clickhouse]="base columnar"
  [engine]="base columnar"
  [ingest]="base columnar clickhouse engine"
  [pushdown]="base columnar clickhouse engine"
  [protocol]="base columnar engine arrow"
  [net]="base protocol"
  [app]="base columnar arrow clickhouse engine ingest pushdown protocol net"
)
layers=" ${!allowed[*]} "
bad=0
while IFS= read -r file; do
  layer=$(cut -d/ -f2 <<<"$file")
  [ -n "${allowed[$layer]+x}" ] || { echo "check-layers: unknown layer '$layer' ($file)"; bad=1; continue; }
  while IFS= read -r inc; do
    dep=${inc%%/*}
    [ "$dep" = "$layer" ] && continue
    [[ "$layers" == *" $dep "* ]] || continue   # not one of ours (e.g. a generated file)
    if [[ " ${allowed[$layer]} " != *" $dep "* ]]; then
      echo "check-layers: $file includes \"$inc\" but $layer may not use $dep"
      bad=1
    fi
  done < <(grep -oE '^#include "[^"]+"' "$file" | sed -E 's/#include "([^"]+)"/\1/')
done < <(git ls-files 'src/*.h' 'src/*.cpp' 2>/dev/null; git ls-files -o --exclude-standard 'src/*.h' 'src/*.cpp')
[ "$bad" -eq 0 ] && echo "check-layers: ok"
exit "$bad"
