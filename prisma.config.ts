import path from "node:path";
import { defineConfig } from "prisma/config";
import { createMigrationAdapter } from "./scripts/lib/migration-adapter";

const databaseUrl = process.env.DATABASE_URL;

// Commands that need no database (generate, migrate diff from files) still resolve
// `url = env("DATABASE_URL")`; when that fails the CLI silently falls back to the Rust query engine
// and tries to download it (offline here). A placeholder keeps them on the JS engine; the adapter
// below refuses it, so nothing ever connects to it.
if (!databaseUrl) process.env.DATABASE_URL = "postgresql://unset@localhost:5432/unset";

// JS engine + driver adapter: Prisma 6.19 then needs no Rust engine at all. The migration pool
// works around prisma/orm#27403 so `prisma migrate deploy` works on PostgreSQL; apply migrations
// with `npm run db:migrate` (see docs/decisions/003-migrations.md).
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    if (databaseUrl) return createMigrationAdapter(databaseUrl);
    const refuse = async (): Promise<never> => {
      throw new Error("DATABASE_URL is not set: it must name the PostgreSQL database");
    };
    return { provider: "postgres", adapterName: "@prisma/adapter-pg", connect: refuse, connectToShadowDb: refuse };
  },
});
