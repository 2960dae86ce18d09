import { Prisma, type PrismaClient } from "@prisma/client";
import pg from "pg";
import { statementName } from "./db.server";

/**
 * SQL without the ORM, for the statements that run on every order and stock change.
 *
 * Most of the worker's hot statements are already hand-written SQL (`$queryRaw`/`$executeRaw`),
 * yet Prisma still compiles a query plan for each through its WebAssembly query compiler and
 * decodes every row through its driver adapter: ~0.4 ms of CPU a statement on top of what `pg`
 * spends (`npm run -s bench:db`: a select 0.52 ms through `$queryRaw`, 0.10 ms this way), and a
 * recompute runs ten of them.
 * A `RawDb` runs the same tagged templates straight on a `pg` pool, as named prepared
 * statements, and returns the same JavaScript values Prisma's raw queries return (int8 as
 * bigint, timestamps as Date in UTC, numeric as Decimal, json parsed), so a model function
 * typed `RawDb` runs unchanged on either (test/integration/db/raw-db.test.ts holds them equal).
 */

export interface RawDb {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

export interface RawPool extends RawDb {
  /** Runs `fn` in one READ COMMITTED transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: RawDb) => Promise<T>): Promise<T>;
}

/** The same interface over a Prisma client: for callers that have no pool of their own (the admin, tests). */
export function prismaRaw(prisma: PrismaClient): RawPool {
  return {
    $queryRaw: (query, ...values) => prisma.$queryRaw(query as TemplateStringsArray, ...values),
    $executeRaw: (query, ...values) => prisma.$executeRaw(query as TemplateStringsArray, ...values),
    transaction: (fn) => prisma.$transaction((tx) => fn(tx)),
  };
}

/** Longest a statement, or a transaction's wait between statements, may take before the server ends it. */
const STUCK_MS = 30_000;

// --- values in: what @prisma/adapter-pg sends for the same arguments ---------------------------

/** A Date as timestamp text in UTC without a zone (the columns are timestamp(3) holding UTC). */
function utcText(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "");
}

function argument(v: unknown): unknown {
  if (v instanceof Date) return utcText(v);
  if (Array.isArray(v)) return v.map(argument);
  if (Prisma.Decimal.isDecimal(v)) return (v as Prisma.Decimal).toString();
  return v;
}

// --- values out: what Prisma's raw queries return for the same columns ------------------------

const textArray = pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0]) as (s: string) => (string | null)[];
const list =
  <T>(one: (s: string) => T) =>
  (s: string): (T | null)[] =>
    textArray(s).map((x) => (x === null ? null : one(x)));
const timestamp = (s: string) => new Date(`${s.replace(" ", "T")}Z`);
const date = (s: string) => new Date(`${s}T00:00:00Z`);
const decimal = (s: string) => new Prisma.Decimal(s);

const PARSERS: Record<number, (s: string) => unknown> = {
  20: BigInt, // int8
  1016: list(BigInt), // int8[]
  1114: timestamp, // timestamp without time zone
  1115: list(timestamp),
  1082: date, // date
  1182: list(date),
  1700: decimal, // numeric
  1231: list(decimal),
};

const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") => PARSERS[oid] ?? pg.types.getTypeParser(oid, format),
};

/** Runs one statement on a client; the client of a transaction, or the pool itself. */
async function run(on: pg.Pool | pg.PoolClient, query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Promise<pg.QueryResult> {
  // A TemplateStringsArray is an array; a Prisma.Sql (Prisma.sql`…`, Prisma.join) is not.
  const sql = Array.isArray(query) ? Prisma.sql(query as TemplateStringsArray, ...values) : (query as Prisma.Sql);
  return on.query({ text: sql.text, values: sql.values.map(argument), name: statementName(sql.text), types } as pg.QueryConfig);
}

function over(on: pg.Pool | pg.PoolClient): RawDb {
  return {
    $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(on, query, values)).rows as T,
    $executeRaw: async (query, ...values) => (await run(on, query, values)).rowCount ?? 0,
  };
}

/**
 * A pool of its own (`max` connections) on DATABASE_URL. A statement, or a wait between a
 * transaction's statements, longer than 30 s is ended by the server, so a stuck caller cannot hold
 * its row locks.
 */
export function createRawPool(databaseUrl = process.env.DATABASE_URL, opts: { max?: number; allowExitOnIdle?: boolean } = {}): RawPool & { end(): Promise<void> } {
  if (!databaseUrl) throw new Error("DATABASE_URL is not set: it must name the PostgreSQL database, e.g. postgresql://user@localhost:5432/ringfence");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10, allowExitOnIdle: opts.allowExitOnIdle ?? false });
  // An idle connection the server closed: the pool drops it; nothing to do here.
  pool.on("error", () => {});
  const { $queryRaw, $executeRaw } = over(pool);
  return {
    $queryRaw,
    $executeRaw,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(`BEGIN; SET LOCAL statement_timeout = ${STUCK_MS}; SET LOCAL idle_in_transaction_session_timeout = ${STUCK_MS}`);
        const out = await fn(over(client));
        await client.query("COMMIT");
        return out;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    end: () => pool.end(),
  };
}

let shared: RawPool | undefined;
/**
 * The app server's pool for the webhook route's insert (created on first use, on DATABASE_URL;
 * idle connections do not keep a process alive).
 */
export function sharedRawPool(): RawPool {
  shared ??= createRawPool(process.env.DATABASE_URL, { max: 10, allowExitOnIdle: true });
  return shared;
}
