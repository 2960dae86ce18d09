// npm run db:migrate            apply pending migrations to DATABASE_URL (idempotent)
// npm run -s db:diff            SQL from the committed migrations to prisma/schema.prisma
//                               (exit 0 in sync, 2 when schema.prisma has changes not yet migrated)
// tsx scripts/migrate.ts new NAME   write that SQL as prisma/migrations/<timestamp>_NAME/
// `diff` and `new` run against a throwaway embedded PostgreSQL, never against DATABASE_URL.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { diffMigrationsToSchema, migrate, MIGRATIONS_DIR, redactUrl } from "./lib/migrations";
import { startPostgres } from "./lib/postgres";

async function withScratchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const server = await startPostgres({ reuseEnv: false, database: "ringfence_diff" });
  try {
    return await fn(server.url);
  } finally {
    await server.stop();
  }
}

function timestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function main(argv: string[]): Promise<number> {
  const [command = "deploy", ...rest] = argv;
  switch (command) {
    case "deploy": {
      const result = await migrate(process.env.DATABASE_URL);
      const target = redactUrl(process.env.DATABASE_URL!);
      if (result.applied.length === 0) {
        console.log(`${target}: up to date (${result.alreadyApplied.length} migrations applied earlier)`);
      } else {
        console.log(`${target}: applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`);
      }
      return 0;
    }
    case "diff": {
      const { inSync, sql } = await withScratchDatabase(diffMigrationsToSchema);
      process.stdout.write(sql);
      if (!inSync) console.error("prisma/schema.prisma has changes that no migration holds: run `tsx scripts/migrate.ts new NAME`");
      return inSync ? 0 : 2;
    }
    case "new": {
      const name = rest[0];
      if (!name || !/^[a-z0-9_]+$/.test(name)) {
        console.error("usage: tsx scripts/migrate.ts new NAME   (NAME: lower-case letters, digits and _)");
        return 2;
      }
      const { inSync, sql } = await withScratchDatabase(diffMigrationsToSchema);
      if (inSync) {
        console.log("prisma/schema.prisma matches the committed migrations: nothing to write");
        return 0;
      }
      const folder = path.join(MIGRATIONS_DIR, `${timestamp()}_${name}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, "migration.sql"), sql);
      console.log(`wrote ${path.relative(process.cwd(), folder)}/migration.sql: review it, then run npm run db:migrate`);
      return 0;
    }
    default:
      console.error(`unknown command "${command}": use deploy (default), diff or new NAME`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
