import type { PrismaClient } from "@prisma/client";
import type { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { RawDb } from "./raw-db.server";

/**
 * Shopify's Prisma session storage, with `loadSession` read through our pg pool. Every webhook
 * loads the shop's offline session (`authenticate.webhook`), and through Prisma's model API that
 * read cost 0.9–1.2 ms of CPU against 0.11–0.16 ms this way (measured on this project's machine):
 * a tenth of a core at a flash sale's 100 deliveries a second, in the process whose latency is
 * ingest's. Writes and the other
 * reads stay the package's own. The row is turned into a Session by the package's own conversion
 * (`rowToSession`, private in its types; the version is pinned in package.json), and
 * test/integration/db/session-storage.test.ts holds both loads equal for offline and online sessions.
 */
export class RingfenceSessionStorage extends PrismaSessionStorage<PrismaClient> {
  constructor(
    prisma: PrismaClient,
    private readonly raw: () => RawDb,
  ) {
    super(prisma);
  }

  override async loadSession(id: string): Promise<Session | undefined> {
    const rows = await this.raw().$queryRaw<Record<string, unknown>[]>`SELECT * FROM sessions WHERE id = ${id}`;
    if (rows.length === 0) return undefined;
    return (this as unknown as { rowToSession(row: Record<string, unknown>): Session }).rowToSession(rows[0]);
  }
}
