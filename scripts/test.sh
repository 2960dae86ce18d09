#!/usr/bin/env bash
# npm test: every test, on a fresh clone with no node_modules and no services running.
# Installs what is missing (npm ci, Debian's redis-server), generates the Prisma client, then runs
# vitest: the `unit` project, and the `integration` project, whose global setup starts an embedded
# PostgreSQL and a Redis on free ports, migrates, and stops both at the end.
# Extra arguments go to vitest, e.g. `npm test -- --project unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS

export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

if [[ ! -x node_modules/.bin/vitest || ! -d node_modules/@prisma/client ]]; then
  echo "== npm ci (node_modules missing)"
  # The lockfile lacks entries for other platforms' optional native packages (@rollup/rollup-*,
  # @esbuild/*, ...), which npm ci rejects as "not in sync" (npm/cli#4828); npm install then
  # installs the same locked versions.
  if ! npm ci --no-audit --no-fund; then
    echo "== npm ci refused the lockfile: npm install from the same lockfile instead"
    npm install --no-audit --no-fund
  fi
fi

# chromium: the browser tests (test/e2e) drive Debian's chromium.
bash scripts/lib/ensure-system.sh chromium

echo "== prisma generate"
npx --no-install prisma generate >/dev/null

echo "== vitest"
results=$(mktemp -t ringfence-vitest-XXXXXX.json)
trap 'rm -f "$results"' EXIT
status=0
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?

# One plain closing line that any CI log reader understands.
if [[ -s "$results" ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
    if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
  ' "$results" || if [[ $status -eq 0 ]]; then status=1; fi
fi
echo "== npm test finished in $((SECONDS - started)) s, exit $status"
exit "$status"
