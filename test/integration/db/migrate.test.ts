import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Prisma } from "@prisma/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  diffMigrationsToSchema,
  listMigrations,
  migrate,
  readAppliedMigrations,
  runPrisma,
  SCHEMA_PATH,
} from "../../../scripts/lib/migrations";

// Each test here works on a database of its own on the shared server, created empty.
const serverUrl = inject("databaseUrl");
const created: string[] = [];

function urlFor(database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor("postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<string> {
  const name = `migrate_test_${Date.now().toString(36)}_${created.length}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  return urlFor(name);
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await admin(async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

describe("npm run db:migrate (scripts/lib/migrations.migrate)", () => {
  const files = listMigrations();
  let url: string;

  beforeAll(async () => {
    url = await freshDatabase();
  });

  it("has committed migrations to apply", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });

  it("applies every migration to an empty database and records Prisma's checksums", async () => {
    const result = await migrate(url);
    expect(result.applied).toEqual(files.map((f) => f.name));
    expect(result.alreadyApplied).toEqual([]);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      url,
      "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const onDisk = createHash("sha256").update(readFileSync(files[i].file)).digest("hex");
      expect(row.checksum).toBe(onDisk);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("applies nothing the second time", async () => {
    const before = await readAppliedMigrations(url);
    const result = await migrate(url);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied.sort()).toEqual(files.map((f) => f.name).sort());
    expect(await readAppliedMigrations(url)).toEqual(before);
  });

  it("leaves `prisma migrate status` with nothing pending (the two paths are interchangeable)", async () => {
    const status = await runPrisma(["migrate", "status"], { env: { DATABASE_URL: url } });
    expect(status.stdout + status.stderr).toContain("Database schema is up to date!");
    expect(status.code).toBe(0);
  });

  it("creates every table and column of the Prisma datamodel", async () => {
    const columns = await query<{ table_name: string; column_name: string }>(
      url,
      "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const live = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    const expected: string[] = [];
    for (const model of Prisma.dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      for (const field of model.fields) {
        if (field.kind === "object") continue;
        expected.push(`${table}.${field.dbName ?? field.name}`);
      }
    }
    expect(expected.filter((c) => !live.has(c))).toEqual([]);
    const modelTables = new Set(Prisma.dmmf.datamodel.models.map((m) => m.dbName ?? m.name));
    const extraTables = [...new Set(columns.map((c) => c.table_name))].filter(
      (t) => !modelTables.has(t) && t !== "_prisma_migrations",
    );
    expect(extraTables).toEqual([]);
  });

  it("refuses to continue when an applied migration.sql was edited afterwards", async () => {
    const other = await freshDatabase();
    await migrate(other);
    await query(other, "UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2", ["0".repeat(64), files[0].name]);
    await expect(migrate(other)).rejects.toThrow(`prisma/migrations/${files[0].name}/migration.sql was edited after it was applied`);
  });
});

describe("migrations against prisma/schema.prisma", () => {
  it("produce exactly the datamodel (prisma migrate diff --from-migrations is empty)", async () => {
    const { inSync, sql } = await diffMigrationsToSchema(serverUrl);
    expect(sql).toContain("This is an empty migration");
    expect(inSync).toBe(true);
  });

  it("would report a schema change that no migration holds", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ringfence-schema-"));
    try {
      const changed = path.join(dir, "schema.prisma");
      writeFileSync(
        changed,
        readFileSync(SCHEMA_PATH, "utf8") + '\nmodel DriftProbe {\n  id Int @id\n\n  @@map("drift_probe")\n}\n',
      );
      const { inSync, sql } = await diffMigrationsToSchema(serverUrl, changed);
      expect(inSync).toBe(false);
      expect(sql).toContain('CREATE TABLE "drift_probe"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("clear errors", () => {
  it("names DATABASE_URL when it is missing", async () => {
    await expect(migrate("")).rejects.toThrow(/DATABASE_URL is not set/);
  });

  it("names DATABASE_URL (without its password) when the server is unreachable", async () => {
    const port = new URL(serverUrl).port;
    const unreachable = `postgresql://someone:hunter2@127.0.0.1:1/${port}`;
    const error = await migrate(unreachable).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^DATABASE_URL postgresql:\/\/someone:\*\*\*@127\.0\.0\.1:1\/\d+ is unreachable/);
    expect(error?.message).not.toContain("hunter2");
  });

  it("names DATABASE_URL when it is not a PostgreSQL URL", async () => {
    await expect(migrate("mysql://root@localhost/db")).rejects.toThrow(/DATABASE_URL must be a postgresql:\/\/ URL/);
  });
});
