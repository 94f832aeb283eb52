#!/bin/sh
# Type-check cost: `tsc --extendedDiagnostics` instantiation counts for the library alone, the
# type-tests (their expectError lines are real errors for tsc, so errors are expected there) and the
# examples. Counts are deterministic for a pinned TypeScript; watch them, times are noisy.
cd "$(dirname "$0")/.." || exit 1
tsc=node_modules/.bin/tsc
measure() {
  name=$1; shift
  cfg=".measure.$$.json"
  printf '{ "extends": "./tsconfig.json", "include": [%s] }\n' "$*" > "$cfg"
  out=$("$tsc" -p "$cfg" --extendedDiagnostics 2>&1)
  rm -f "$cfg"
  get() { printf '%s\n' "$out" | grep -E "^$1:" | head -1 | sed -E "s/^$1: *//"; }
  printf '%-12s instantiations=%-10s types=%-9s check=%-8s memory=%s\n' "$name" "$(get Instantiations)" "$(get Types)" "$(get 'Check time')" "$(get 'Memory used')"
}
measure library '"src", "types"'
measure type-tests '"src", "types", "type-tests"'
measure examples '"src", "types", "examples"'
