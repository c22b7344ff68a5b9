#!/usr/bin/env bash
# The whole test suite, as CI runs it: system services, npm packages, then type check,
# lint and every test. Ends with the line `N passed, N failed[, N skipped]`.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ] || [ "${CI:-}" = "true" ]; then
  ./scripts/install-system-deps.sh || exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi

summary="$(mktemp)"
OMNIGATE_SUMMARY_FILE="$summary" npm test
status=$?
# Production dependencies against the npm advisory database (added to the closing line).
node scripts/audit-prod.js "$summary" || status=1
if [ -s "$summary" ]; then
  cat "$summary"
elif [ $status -ne 0 ]; then
  echo "0 passed, 1 failed"   # type check or lint failed before any test ran
fi
rm -f "$summary"
exit $status
