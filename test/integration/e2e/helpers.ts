import path from "node:path";
import { readReplayFiles, type NumberedLine, type ReplayFiles } from "../../../scripts/lib/replay-files";
import type { ReplayOutput } from "../../../scripts/lib/replay-run";
import { startStack, type Stack, type StackOptions } from "../../../scripts/lib/stack";
import { uniqueSuffix } from "../../support/factories";

/**
 * End-to-end tests drive the whole stack (the `npm start` app server, worker processes, the Shopify
 * double) on the integration project's PostgreSQL and Redis, with the replay fixtures.
 */

export const FIXTURES = path.resolve(__dirname, "../../fixtures/replays");

export function startE2EStack(options: StackOptions = {}): Promise<Stack> {
  const quiet = process.env.E2E_VERBOSE ? undefined : () => undefined;
  return startStack({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL, workers: 2, log: quiet, ...options });
}

/** A fixture pair for a fresh shop domain, its script lines filtered. */
export function fixture(name: string, tag: string, keep: (line: NumberedLine) => boolean = () => true): ReplayFiles {
  const files = readReplayFiles(path.join(FIXTURES, `${name}.store.json`), path.join(FIXTURES, `${name}.script.jsonl`));
  const shop = `${tag}-${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9-]/g, "-") + ".myshopify.com";
  return { ...files, store: { ...files.store, shop }, script: files.script.filter(keep) };
}

export const noFaults = (l: NumberedLine) => l.action.do !== "faults";

/** What must not depend on delivery order, duplicates or crashes. */
export function endState(out: ReplayOutput) {
  return { levels: out.levels, ats: out.ats, refused: out.refused, unfulfillable: out.unfulfillable };
}
