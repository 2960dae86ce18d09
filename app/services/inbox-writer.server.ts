import { insertDeliveries, insertDelivery, type InsertResult, type NewDelivery } from "../models/inbox.server";
import type { RawDb } from "../raw-db.server";

/**
 * Group insert for the webhook route: deliveries that arrive while earlier ones are being written
 * wait for the next statement instead of a connection each, so at peak one INSERT (one round
 * trip, one commit) records many, each caller still answered only after its row is committed.
 * At most `maxInFlight` statements run at once, each of at most `maxBatch` deliveries. If a
 * statement fails (one payload PostgreSQL refuses, say), that batch is recorded one by one so
 * only the bad delivery fails. `once(key, fn)` runs fn for the first caller of a batch asking
 * with that key (one lane wake for the batch's deliveries of a lane).
 */
export class InboxWriter {
  private waiting: { d: NewDelivery & { shop: { domain: string } }; resolve(r: Written): void; reject(e: unknown): void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: RawDb,
    private readonly opts: { maxInFlight: number; maxBatch: number } = { maxInFlight: 4, maxBatch: 200 },
  ) {}

  insert(d: NewDelivery & { shop: { domain: string } }): Promise<Written> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ d, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= this.opts.maxInFlight) return;
    this.scheduled = true;
    // What arrives in this turn of the event loop joins the statement.
    setImmediate(() => {
      this.scheduled = false;
      while (this.waiting.length > 0 && this.inFlight < this.opts.maxInFlight) void this.write(this.waiting.splice(0, this.opts.maxBatch));
    });
  }

  private async write(batch: InboxWriter["waiting"]): Promise<void> {
    this.inFlight += 1;
    const keys = new Set<string>();
    const once = (key: string, fn: () => void) => {
      if (keys.has(key)) return;
      keys.add(key);
      fn();
    };
    try {
      let results: (InsertResult | Error)[];
      try {
        results = await insertDeliveries(this.db, batch.map((b) => b.d));
      } catch (error) {
        if (batch.length === 1) throw error;
        results = await Promise.all(batch.map((b) => insertDelivery(this.db, b.d).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
      }
      batch.forEach((b, i) => {
        const r = results[i]!;
        if (r instanceof Error) b.reject(r);
        else b.resolve({ result: r, once });
      });
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }
}

export interface Written {
  result: InsertResult;
  once(key: string, fn: () => void): void;
}

const writers = new WeakMap<RawDb, InboxWriter>();
/** The writer of a database handle (one per pool, so its statements are the pool's). */
export function writerOf(db: RawDb): InboxWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new InboxWriter(db)));
  return w;
}
