import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createMigrationPool, reportCatalogTypesAsText } from "./migration-adapter";
import { listMigrations, migrate, redactUrl } from "./migrations";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("listMigrations", () => {
  it("lists migration folders in name order with Prisma's checksum (sha256 hex of migration.sql)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ringfence-migrations-"));
    dirs.push(dir);
    for (const [name, sql] of [["20260102000000_second", "SELECT 2;\n"], ["20260101000000_first", "SELECT 1;\n"]]) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, "migration.sql"), sql);
    }
    mkdirSync(path.join(dir, "not_a_migration"));
    writeFileSync(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');

    const found = listMigrations(dir);
    expect(found.map((m) => m.name)).toEqual(["20260101000000_first", "20260102000000_second"]);
    expect(found[0].checksum).toBe(createHash("sha256").update("SELECT 1;\n").digest("hex"));
  });

  it("finds the committed migrations", () => {
    expect(listMigrations().length).toBeGreaterThan(0);
  });
});

describe("DATABASE_URL handling", () => {
  it("redacts the password", () => {
    expect(redactUrl("postgresql://app:s3cret@db.internal:5432/ringfence")).toBe("postgresql://app:***@db.internal:5432/ringfence");
    expect(redactUrl("not a url")).toBe("(not a valid URL)");
  });

  it("refuses a missing, malformed or non-PostgreSQL URL before connecting", async () => {
    await expect(migrate("")).rejects.toThrow("DATABASE_URL is not set");
    await expect(migrate("localhost:5432")).rejects.toThrow(/DATABASE_URL/);
    await expect(migrate("::nope")).rejects.toThrow("DATABASE_URL is not a valid URL");
    await expect(migrate("redis://127.0.0.1:6379")).rejects.toThrow("DATABASE_URL must be a postgresql:// URL");
  });
});

describe("migration adapter", () => {
  it("reports PostgreSQL's name and \"char\" result columns as text, and leaves other types alone", () => {
    const result = { fields: [{ dataTypeID: 19 }, { dataTypeID: 18 }, { dataTypeID: 23 }, { dataTypeID: 25 }] };
    expect(reportCatalogTypesAsText(result).fields.map((f) => f.dataTypeID)).toEqual([25, 25, 23, 25]);
    const multi = [{ fields: [{ dataTypeID: 19 }] }, { fields: [] }];
    expect(reportCatalogTypesAsText(multi)[0].fields[0].dataTypeID).toBe(25);
  });

  it("builds its pool from discrete fields so a shadow database name can replace the database", async () => {
    const pool = createMigrationPool("postgresql://app:p%40ss@127.0.0.1:6543/ringfence?sslmode=disable");
    try {
      expect(pool.options).toMatchObject({ host: "127.0.0.1", port: 6543, user: "app", database: "ringfence" });
      expect((pool.options as { password?: string }).password).toBe("p@ss");
      expect(pool.options).not.toHaveProperty("connectionString");
    } finally {
      await pool.end();
    }
  });
});
