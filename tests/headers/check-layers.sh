#!/bin/sh
# Layers call downward only (docs/CONVENTIONS.md): lib/core includes nothing of lib/json,
# lib/model or lib/service, and the umbrella header numbering/numbering.h does not pull in
# the backend layer, numbering/sys/ (its users include it themselves).
root=$1 failures=0
bad=$(grep -n '#include *"\(json\|model\|service\)/' "$root"/lib/core/*.c "$root"/lib/core/*.h)
[ -z "$bad" ] || { echo "FAIL lib/core includes an upper layer:"; echo "$bad"; failures=$((failures + 1)); }
bad=$(grep -n '#include.*sys/' "$root"/include/numbering/*.h)
[ -z "$bad" ] || { echo "FAIL a public module header includes numbering/sys/:"; echo "$bad"; failures=$((failures + 1)); }
echo "layers: $failures failures"
[ "$failures" -eq 0 ]
