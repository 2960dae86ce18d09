/**
 * npm run -s replay -- --store STORE.json --script SCRIPT.jsonl [--workers N]
 *
 * Runs the real stack against the Shopify test double seeded from STORE.json, installs the app,
 * performs each script line as Shopify would, waits until idle and prints one JSON document
 * (/work/shared/design/replay-format.md). Exit 0 on success, 2 for bad files (the line and field
 * on stderr, nothing on stdout), 1 for anything else. Progress goes to stderr.
 */
import { parseArgs } from "node:util";
import { ReplayFileError, readReplayFiles } from "./lib/replay-files";
import { runReplay } from "./lib/replay-run";
import { startStack, type Stack } from "./lib/stack";

const USAGE = "usage: npm run -s replay -- --store STORE.json --script SCRIPT.jsonl [--workers N]";

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: { store: { type: "string" }, script: { type: "string" }, workers: { type: "string", default: "2" }, help: { type: "boolean" } },
      strict: true,
    }).values;
  } catch (error) {
    fail(2, `${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  if (!args.store) fail(2, `--store: required\n${USAGE}`);
  if (!args.script) fail(2, `--script: required\n${USAGE}`);
  const workers = Number(args.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) fail(2, `--workers: must be a whole number from 1 to 16, got ${args.workers}`);

  let files;
  try {
    files = readReplayFiles(args.store, args.script);
  } catch (error) {
    if (error instanceof ReplayFileError) fail(2, error.message);
    throw error;
  }

  let stack: Stack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack?.close().catch((e) => process.stderr.write(`stopping the stack: ${(e as Error).message}\n`));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(130));
  process.on("SIGTERM", () => void stop(143));

  try {
    stack = await startStack({ workers });
    const output = await runReplay(stack, files, { note: (l) => process.stderr.write(`${l}\n`) });
    await stack.close();
    stack = undefined;
    // Exit only once the document is flushed (stdout may be a pipe).
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`, () => process.exit(0));
  } catch (error) {
    if (error instanceof ReplayFileError) {
      process.stderr.write(`${error.message}\n`);
      await stop(2);
    }
    process.stderr.write(`replay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stop(1);
  }
}

void main();
