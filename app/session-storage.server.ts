import type { PrismaClient } from "@prisma/client";
import type { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { RawDb } from "./raw-db.server";

/**
 * Shopify's Prisma session storage, with `loadSession` read through our pg pool. Every webhook
 * loads the shop's offline session (`authenticate.webhook`), and through Prisma's model API that
 * read cost 0.9–1.2 ms of CPU against 0.11–0.16 ms this way (measured on this project's machine):
 * a tenth of a core at a flash sale's 100 deliveries a second, in the process whose latency is
 * ingest's. Writes and the other reads stay the package's own. The row is turned into a Session by
 * the package's own conversion (`rowToSession`, private in its types; the version is pinned in
 * package.json), and test/integration/db/session-storage.test.ts holds both loads equal for
 * offline and online sessions.
 *
 * A row read for a session that never expires (an offline token) is reused for `recentMs`
 * (default 1 s), and loads of one id that overlap share one query: at a flash sale's 130
 * deliveries a second one shop's deliveries would otherwise read the same row 130 times a second,
 * a database round trip inside each delivery's answer. Each caller still gets a Session of its
 * own. This process's own writes and deletes of a session drop its row at once; another process's
 * (a worker erasing the sessions of an uninstalled shop, another server process storing a new
 * token) are seen within `recentMs`. Rows with an expiry (online sessions, expiring offline
 * tokens) are read every time, so a token about to be refreshed is never an old copy.
 */
const MAX_RECENT = 10_000;

export class RingfenceSessionStorage extends PrismaSessionStorage<PrismaClient> {
  private readonly recent = new Map<string, { row: Record<string, unknown>; at: number }>();
  private readonly loading = new Map<string, Promise<Record<string, unknown> | undefined>>();
  /** Bumped by every write and delete: a read that started before one is not kept. */
  private generation = 0;

  constructor(
    prisma: PrismaClient,
    private readonly raw: () => RawDb,
    private readonly opts: { recentMs: number; now: () => number } = { recentMs: 1_000, now: Date.now },
  ) {
    super(prisma);
  }

  override async loadSession(id: string): Promise<Session | undefined> {
    const row = await this.loadRow(id);
    return row === undefined ? undefined : (this as unknown as { rowToSession(row: Record<string, unknown>): Session }).rowToSession(row);
  }

  private loadRow(id: string): Promise<Record<string, unknown> | undefined> {
    const kept = this.recent.get(id);
    if (kept && this.opts.now() - kept.at < this.opts.recentMs) return Promise.resolve(kept.row);
    let pending = this.loading.get(id);
    if (!pending) {
      const generation = this.generation;
      const at = this.opts.now();
      pending = this.raw()
        .$queryRaw<Record<string, unknown>[]>`SELECT * FROM sessions WHERE id = ${id}`
        .then((rows) => {
          const row = rows[0];
          if (row !== undefined && row.expires === null && generation === this.generation) {
            // One row a shop; the bound only matters for a process that served very many shops.
            if (this.recent.size >= MAX_RECENT) this.recent.clear();
            this.recent.set(id, { row, at });
          } else this.recent.delete(id);
          return row;
        })
        .finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** Forgets what was read: the next load of any session goes to the database. */
  private forget(): void {
    this.generation += 1;
    this.recent.clear();
    this.loading.clear();
  }

  /** A write or delete: what was read is forgotten before it (a load meanwhile reads the table) and after it (a load that overlapped it is not kept). */
  private async writing(write: () => Promise<boolean>): Promise<boolean> {
    this.forget();
    try {
      return await write();
    } finally {
      this.forget();
    }
  }

  override storeSession(session: Session): Promise<boolean> {
    return this.writing(() => super.storeSession(session));
  }

  override deleteSession(id: string): Promise<boolean> {
    return this.writing(() => super.deleteSession(id));
  }

  override deleteSessions(ids: string[]): Promise<boolean> {
    return this.writing(() => super.deleteSessions(ids));
  }
}
