#!/usr/bin/env bash
# Peak RSS of the streaming toolbox verbs on the 3.7 MB SGLF (035e.1.sglf) and on 10× that input,
# with /usr/bin/time -v. The big inputs repeat the fixture (fastj csv, sglf build) or copy it onto
# ten paths (library from-sglf). V8 grows its heap lazily, so the default peaks grow with the
# input even when nothing is kept; each verb is therefore also run on the 10× input with the heap
# capped at 32 MiB (NODE_OPTIONS=--max-old-space-size=32): it finishing shows what it keeps.
# Usage: npm run build && bash scripts/toolbox-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
F=testdata/fixtures/l7g/fjt
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
LT="node bin/lightning-tiles.js"

zcat $F/035e.1.sglf.gz >"$T/1x.sglf"
for i in $(seq 10); do cat "$T/1x.sglf"; done >"$T/10x.sglf"
for p in 0 1 2 3 4 5 6 7 8 9; do sed "s/^035e/035$p/" "$T/1x.sglf"; done >"$T/10paths.sglf"
# FastJ of the same size: 035e.fj (61 kB) repeated 60 and 600 times
for i in $(seq 60); do cat $F/035e.fj; done >"$T/1x.fj"
for i in $(seq 10); do cat "$T/1x.fj"; done >"$T/10x.fj"
tags=testdata/fixtures/l7g/fjcsv2sglf/035e.tagset

peak() { # label, command...
  local label=$1
  shift
  /usr/bin/time -v "$@" 2>"$T/time" >/dev/null || { tail -3 "$T/time"; return 1; }
  printf '%-44s %8s kB  %s\n' "$label" "$(awk -F': ' '/Maximum resident/ {print $2}' "$T/time")" \
    "$(awk -F': ' '/Elapsed/ {print $2}' "$T/time")"
}

printf 'inputs: %s\n' "$(ls -l "$T" | awk 'NR>1 {printf "%s %d B; ", $9, $5}')"
peak 'node (baseline: lightning-tiles --help)' $LT --help
peak 'fastj csv -U     1x FastJ (3.7 MB)' $LT fastj csv -U "$T/1x.fj"
peak 'fastj csv -U    10x FastJ (37 MB)' $LT fastj csv -U "$T/10x.fj"
peak 'fastj csv (sorted, as fjt -C)  1x' $LT fastj csv "$T/1x.fj"
peak 'fastj csv (sorted, as fjt -C) 10x' $LT fastj csv "$T/10x.fj"
peak 'sglf build        1x 035e.1.sglf (3.7 MB)' $LT sglf build -t $tags "$T/1x.sglf"
peak 'sglf build       10x 035e.1.sglf (37 MB)' $LT sglf build -t $tags "$T/10x.sglf"
peak 'library from-sglf 1x (1 path, 3.7 MB)' $LT library from-sglf "$T/1x.sglf" -o "$T/lib1"
peak 'library from-sglf 10 paths (37 MB)' $LT library from-sglf "$T/10paths.sglf" -o "$T/lib10"
export NODE_OPTIONS=--max-old-space-size=32
peak 'fastj csv -U    10x, 32 MiB heap' $LT fastj csv -U "$T/10x.fj"
peak 'sglf build       10x, 32 MiB heap' $LT sglf build -t $tags "$T/10x.sglf"
peak 'library from-sglf 10 paths, 32 MiB heap' $LT library from-sglf "$T/10paths.sglf" -o "$T/lib10c"
