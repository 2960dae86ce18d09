import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// PostgreSQL's catalog-only types that the engine cannot read: `"char"` (18) and `name` (19).
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

export function reportCatalogTypesAsText<T>(result: T): T {
  for (const entry of Array.isArray(result) ? result : [result]) {
    for (const field of (entry as QueryResultLike | undefined)?.fields ?? []) {
      if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/**
 * Prisma 6.19's WASM schema engine cannot read result columns of PostgreSQL's `name` and `"char"`
 * types through @prisma/adapter-pg ("Column type 'name' could not be deserialized",
 * prisma/orm#27403), which breaks `prisma migrate deploy/status/diff` on PostgreSQL. Only its
 * catalog queries return such columns, and their text form is the same as `text`'s, so reporting
 * them as `text` before Prisma sees them is enough. Only the migration tooling uses this client;
 * the app's PrismaClient uses a plain adapter.
 */
export class CatalogTypesAsTextClient extends pg.Client {
  // pg's overloads are too many to restate: patch both the promise and the callback form
  // (pg.Pool#query calls its client with a callback).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      args[args.length - 1] = (error: unknown, result: any) => last(error, error ? result : reportCatalogTypesAsText(result));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const outcome = (super.query as (...a: any[]) => any)(...args);
    if (outcome && typeof outcome.then === "function") return outcome.then(reportCatalogTypesAsText);
    return outcome;
  }
}

export function createMigrationPool(connectionString: string): pg.Pool {
  const url = new URL(connectionString);
  return new pg.Pool({
    host: url.searchParams.get("host") ?? (url.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost"),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)),
    ssl: sslOption(url),
    Client: CatalogTypesAsTextClient,
    max: 4,
    // The Prisma CLI never ends the pool; idle connections would keep it alive for 10 s.
    allowExitOnIdle: true,
  });
}

function sslOption(url: URL): pg.PoolConfig["ssl"] {
  const mode = url.searchParams.get("sslmode");
  if (!mode || mode === "disable") return undefined;
  return mode === "no-verify" || mode === "require" || mode === "prefer" ? { rejectUnauthorized: false } : true;
}

/**
 * The driver adapter for Prisma's migration commands (prisma.config.ts). Its shadow database
 * (`migrate diff --from-migrations`) is built from our URL: PrismaPg's own one copies the pool
 * options, which lose the password (pg-pool keeps it non-enumerable).
 */
export function createMigrationAdapter(connectionString: string) {
  const factory = new PrismaPg(createMigrationPool(connectionString));
  return Object.assign(factory, {
    async connectToShadowDb() {
      const main = await factory.connect();
      const database = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
      await main.executeScript(`CREATE DATABASE "${database}"`);
      const shadowUrl = new URL(connectionString);
      shadowUrl.pathname = `/${database}`;
      const shadow = await new PrismaPg(createMigrationPool(shadowUrl.toString()), {
        disposeExternalPool: true,
      }).connect();
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await disposeShadow();
        await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
        await main.dispose();
      };
      return shadow;
    },
  });
}
