import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";

declare global {
  // Survives Vite HMR in dev so edits do not open a new pool each time.
  // eslint-disable-next-line no-var
  var ringfencePrisma: PrismaClient | undefined;
}

export function createPrismaClient(databaseUrl = process.env.DATABASE_URL): PrismaClient {
  if (!databaseUrl) {
    throw new Error("DATABASE_URL is not set: it must name the PostgreSQL database, e.g. postgresql://user@localhost:5432/ringfence");
  }
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, Client: PreparingClient }) });
}

/**
 * Texts of the statements this process has named, and their names. Prisma sends every statement
 * unnamed, so PostgreSQL parses and plans it on every execution; for our larger statements (an
 * item's recompute read is ~40 lines of subqueries) planning cost more than running them: 4.4 ms
 * against 1.6 ms for a hot item's read, measured on the flash-sale data. Named, a statement is
 * parsed once per connection and PostgreSQL's plan cache does the rest (a custom plan for the
 * first five runs, then the generic one unless it costs more).
 */
const statementNames = new Map<string, string>();
/** Distinct statements named per process; past that they run unnamed (an IN list of every length, say). */
const MAX_NAMED = 5_000;

export function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED) {
    // A digest of the text: pg refuses one name for two texts, and the name must be the same in every process.
    name = `rf_${createHash("sha1").update(text).digest("base64url")}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * The pool's connections: a parameterised statement given as a config object (how Prisma's
 * adapter sends every query) goes as a named prepared statement. Plain-text commands (BEGIN,
 * COMMIT, SET) are left as they are.
 */
class PreparingClient extends pg.Client {
  // pg's overloads do not survive a subclass; the arguments are passed through untouched.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(config: any, values?: any, callback?: any): any {
    if (config !== null && typeof config === "object" && typeof config.text === "string" && config.name === undefined && typeof config.submit !== "function") {
      const name = statementName(config.text);
      if (name !== undefined) config = { ...config, name };
    }
    return super.query(config, values, callback);
  }
}

function getClient(): PrismaClient {
  if (!globalThis.ringfencePrisma) globalThis.ringfencePrisma = createPrismaClient();
  return globalThis.ringfencePrisma;
}

// Created on first use, so importing this module (e.g. in a route module graph or a test that sets
// DATABASE_URL in its setup) does not require the env var at import time.
const prisma = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getClient();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export default prisma;
export { prisma };

export async function disconnectDb(): Promise<void> {
  const client = globalThis.ringfencePrisma;
  globalThis.ringfencePrisma = undefined;
  if (client) await client.$disconnect();
}
