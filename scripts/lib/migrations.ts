import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const MIGRATIONS_DIR = path.join(REPO_ROOT, "prisma", "migrations");
export const SCHEMA_PATH = path.join(REPO_ROOT, "prisma", "schema.prisma");

const PRISMA_CLI = createRequire(import.meta.url).resolve("prisma/build/index.js");

export interface MigrationFile {
  name: string;
  file: string;
  /** What Prisma records in `_prisma_migrations.checksum`: sha256 hex of migration.sql. */
  checksum: string;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
}

export interface MigrateResult {
  /** Migrations applied by this run, oldest first (empty when nothing was pending). */
  applied: string[];
  /** Migrations the database already had. */
  alreadyApplied: string[];
}

export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      return { name, file, checksum: createHash("sha256").update(readFileSync(file)).digest("hex") };
    });
}

/** A URL safe to print: the password is replaced. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(not a valid URL)";
  }
}

function requireDatabaseUrl(databaseUrl: string | undefined): string {
  if (!databaseUrl) {
    throw new Error("DATABASE_URL is not set: it must name the PostgreSQL database to migrate, e.g. postgresql://user:pass@localhost:5432/ringfence");
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error("DATABASE_URL is not a valid URL: expected postgresql://user:pass@host:port/database");
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new Error(`DATABASE_URL must be a postgresql:// URL, got ${url.protocol}//`);
  }
  return databaseUrl;
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`DATABASE_URL ${redactUrl(databaseUrl)} is unreachable: ${reason}`);
  }
  return client;
}

export async function readAppliedMigrations(databaseUrl: string): Promise<AppliedMigration[]> {
  const client = await connect(requireDatabaseUrl(databaseUrl));
  try {
    const exists = await client.query("SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present");
    if (!exists.rows[0].present) return [];
    const result = await client.query(
      `SELECT migration_name, checksum, finished_at, rolled_back_at
         FROM _prisma_migrations ORDER BY started_at, migration_name`,
    );
    return result.rows.map((row) => ({
      name: row.migration_name,
      checksum: row.checksum,
      finishedAt: row.finished_at,
      rolledBackAt: row.rolled_back_at,
    }));
  } finally {
    await client.end();
  }
}

export interface RunPrismaOptions {
  env?: Record<string, string | undefined>;
  /** Output that means the command has finished its work (see migrate()). */
  doneWhen?: RegExp;
}

/** Runs the project's Prisma CLI in the repo root (so prisma.config.ts applies). */
export function runPrisma(args: string[], options: RunPrismaOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PRISMA_CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let finished = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (!finished && options.doneWhen?.test(stdout)) {
        finished = true;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => resolve({ code: 1, stdout, stderr: stderr + String(error) }));
    child.on("close", (code) => resolve({ code: finished ? 0 : (code ?? 1), stdout, stderr }));
  });
}

/**
 * Applies the committed migrations that DATABASE_URL lacks, with `prisma migrate deploy` (through
 * the adapter in prisma.config.ts, which works around prisma/orm#27403). Idempotent: when nothing
 * is pending it does not start the Prisma CLI at all.
 */
export async function migrate(databaseUrl = process.env.DATABASE_URL): Promise<MigrateResult> {
  const url = requireDatabaseUrl(databaseUrl);
  const files = listMigrations();
  const before = await readAppliedMigrations(url);

  const failed = before.filter((m) => m.finishedAt === null && m.rolledBackAt === null);
  if (failed.length > 0) {
    throw new Error(
      `migration ${failed.map((m) => m.name).join(", ")} failed earlier and is recorded as unfinished in _prisma_migrations; ` +
        "fix the database by hand, then mark it with `prisma migrate resolve --applied|--rolled-back NAME`",
    );
  }
  const done = new Map(before.filter((m) => m.finishedAt !== null && m.rolledBackAt === null).map((m) => [m.name, m]));
  for (const file of files) {
    const applied = done.get(file.name);
    if (applied && applied.checksum !== file.checksum) {
      throw new Error(
        `prisma/migrations/${file.name}/migration.sql was edited after it was applied (checksum ${applied.checksum} in the database, ${file.checksum} on disk): add a new migration instead`,
      );
    }
  }
  const pending = files.filter((file) => !done.has(file.name));
  if (pending.length === 0) return { applied: [], alreadyApplied: [...done.keys()] };

  // The schema engine leaves a 10 s timer running after deploy has finished (its migration-lock
  // timeout, never cleared), so the CLI idles that long before exiting: stop it once it reports
  // success. What it applied is then checked in _prisma_migrations below, not taken on its word.
  const result = await runPrisma(["migrate", "deploy"], {
    env: { DATABASE_URL: url },
    doneWhen: /All migrations have been successfully applied\.|No pending migrations to apply\./,
  });
  if (result.code !== 0) {
    throw new Error(`prisma migrate deploy failed on ${redactUrl(url)}:\n${(result.stdout + result.stderr).trim()}`);
  }
  const after = await readAppliedMigrations(url);
  const nowDone = new Set(after.filter((m) => m.finishedAt !== null && m.rolledBackAt === null).map((m) => m.name));
  const missing = pending.filter((file) => !nowDone.has(file.name));
  if (missing.length > 0) {
    throw new Error(`prisma migrate deploy did not apply ${missing.map((m) => m.name).join(", ")}:\n${result.stdout}`);
  }
  return { applied: pending.map((file) => file.name), alreadyApplied: [...done.keys()] };
}

/**
 * SQL that would bring a database built from the committed migrations to prisma/schema.prisma
 * (empty when they agree). Needs a PostgreSQL server at databaseUrl for Prisma's shadow database;
 * the database itself is not changed.
 */
export async function diffMigrationsToSchema(
  databaseUrl: string,
  schemaPath = SCHEMA_PATH,
  migrationsDir = MIGRATIONS_DIR,
): Promise<{ inSync: boolean; sql: string }> {
  const url = requireDatabaseUrl(databaseUrl);
  const result = await runPrisma(
    ["migrate", "diff", "--from-migrations", migrationsDir, "--to-schema-datamodel", schemaPath, "--script", "--exit-code"],
    { env: { DATABASE_URL: url } },
  );
  if (result.code !== 0 && result.code !== 2) {
    throw new Error(`prisma migrate diff failed:\n${(result.stdout + result.stderr).trim()}`);
  }
  return { inSync: result.code === 0, sql: result.stdout };
}
