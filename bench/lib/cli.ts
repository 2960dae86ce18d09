/** What every benchmark's command line shares. */

/** A numeric option `--name`: the fallback when absent; anything not a number ≥ min ends the run (exit 2), naming it. */
export function numberOption(v: string | undefined, fallback: number, name: string, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`--${name}: must be a number ≥ ${min}, got ${v}\n`);
    process.exit(2);
  }
  return n;
}

/** Runs a benchmark's main and exits: 0 when it ends, 1 with the error on stderr when it throws. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
