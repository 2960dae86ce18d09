import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { insertDeliveries, insertDelivery, type NewDelivery } from "../../../app/models/inbox.server";
import { createRawPool, type RawDb } from "../../../app/raw-db.server";
import { InboxWriter } from "../../../app/services/inbox-writer.server";
import { createShop } from "../../support/factories";

/**
 * The webhook route's group insert: many deliveries in one statement, each with the outcome a
 * single insert would have had, and a writer that puts concurrent deliveries in one statement
 * while keeping a bad one from failing the others.
 */

const pool = createRawPool(process.env.DATABASE_URL!, { max: 4 });
afterAll(() => pool.end());

const delivery = (domain: string, extra: Partial<Omit<NewDelivery, "shop">> = {}): NewDelivery & { shop: { domain: string } } => ({
  shop: { domain },
  webhookId: randomUUID(),
  topic: "orders/create",
  eventId: randomUUID(),
  apiVersion: "2026-07",
  triggeredAt: new Date("2026-11-28T10:00:00.123Z"),
  payload: { id: 1, note: "quote \" backslash \\ comma , brace }" },
  status: "received",
  lane: 3,
  ...extra,
});

/** A pool that counts its statements. */
function counting(db: RawDb): RawDb & { statements: number } {
  const c = {
    statements: 0,
    $queryRaw: (q: never, ...v: unknown[]) => ((c.statements += 1), db.$queryRaw(q, ...v)),
    $executeRaw: (q: never, ...v: unknown[]) => ((c.statements += 1), db.$executeRaw(q, ...v)),
  };
  return c as RawDb & { statements: number };
}

describe("insertDeliveries", () => {
  it("records many deliveries in one call with each one's own outcome, in the order given", async () => {
    const [a, b] = [await createShop(), await createShop()];
    const done = await insertDelivery(pool, delivery(a.domain));
    await prisma.webhookInbox.update({ where: { id: (done as { id: number }).id }, data: { status: "done" } });
    const doneAgain = await prisma.webhookInbox.findUniqueOrThrow({ where: { id: (done as { id: number }).id } });
    const elsewhere = await insertDelivery(pool, delivery(b.domain));
    const elsewhereRow = await prisma.webhookInbox.findUniqueOrThrow({ where: { id: (elsewhere as { id: number }).id } });

    const first = delivery(a.domain);
    const batch = [
      first,
      delivery(b.domain, { lane: null, topic: "app/uninstalled" }),
      { ...first }, // the same delivery twice in one statement
      delivery(a.domain, { webhookId: doneAgain.webhookId }), // recorded and applied before
      delivery("never-installed.myshopify.com"),
      delivery(a.domain, { webhookId: elsewhereRow.webhookId }), // an id another shop's delivery has
      delivery(a.domain, { status: "rejected", error: "payload.id: required", lane: null, triggeredAt: null }),
    ];
    const results = await insertDeliveries(pool, batch);

    expect(results[0]).toEqual({ inserted: true, id: expect.any(Number), shopId: a.id });
    expect(results[1]).toEqual({ inserted: true, id: expect.any(Number), shopId: b.id });
    expect(results[2]).toEqual({ inserted: false, id: (results[0] as { id: number }).id, shopId: a.id, status: "received" });
    expect(results[3]).toEqual({ inserted: false, id: doneAgain.id, shopId: a.id, status: "done" });
    expect(results[4]).toEqual({ inserted: false, unknownShop: true });
    expect(results[5]).toBeInstanceOf(Error);
    expect((results[5] as Error).message).toContain("already recorded for another shop");
    expect(results[6]).toEqual({ inserted: true, id: expect.any(Number), shopId: a.id });

    const row = await prisma.webhookInbox.findUniqueOrThrow({ where: { id: (results[0] as { id: number }).id } });
    expect(row).toMatchObject({ shopId: a.id, webhookId: first.webhookId, topic: "orders/create", eventId: first.eventId, apiVersion: "2026-07", status: "received", lane: 3, processedAt: null });
    expect(row.triggeredAt?.toISOString()).toBe("2026-11-28T10:00:00.123Z");
    expect(row.payload).toEqual(first.payload);
    expect(await prisma.webhookInbox.findUniqueOrThrow({ where: { id: (results[1] as { id: number }).id } })).toMatchObject({ shopId: b.id, lane: null, topic: "app/uninstalled" });
    const rejected = await prisma.webhookInbox.findUniqueOrThrow({ where: { id: (results[6] as { id: number }).id } });
    expect(rejected).toMatchObject({ status: "rejected", error: "payload.id: required", triggeredAt: null });
    expect(rejected.processedAt).not.toBeNull();
    // Nothing was written for the unknown shop, and the other shop's row is untouched.
    expect(await prisma.webhookInbox.count({ where: { webhookId: { in: batch.map((d) => d.webhookId) } } })).toBe(5);
    expect(await prisma.webhookInbox.findUniqueOrThrow({ where: { id: elsewhereRow.id } })).toEqual(elsewhereRow);
  });
});

describe("InboxWriter", () => {
  it("puts deliveries that arrive together in one statement, and runs a lane's wake once for them", async () => {
    const shop = await createShop();
    const db = counting(pool);
    const writer = new InboxWriter(db);
    const wakes: string[] = [];
    const written = await Promise.all(Array.from({ length: 30 }, () => writer.insert(delivery(shop.domain))));
    for (const w of written) w.once(`lane:${shop.id}:3`, () => wakes.push("lane 3"));
    expect(db.statements).toBe(1);
    expect(written.every((w) => w.result.inserted)).toBe(true);
    expect(wakes).toEqual(["lane 3"]);
    expect(await prisma.webhookInbox.count({ where: { shopId: shop.id } })).toBe(30);
  });

  it("a delivery PostgreSQL refuses fails alone: the others in its statement are recorded", async () => {
    const shop = await createShop();
    const writer = new InboxWriter(pool);
    // jsonb has no NUL character: PostgreSQL refuses this payload.
    const bad = delivery(shop.domain, { payload: { note: "nul \u0000 here" } });
    const good = [delivery(shop.domain), delivery(shop.domain)];
    const settled = await Promise.allSettled([writer.insert(good[0]!), writer.insert(bad), writer.insert(good[1]!)]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const ids = await prisma.webhookInbox.findMany({ where: { shopId: shop.id }, select: { webhookId: true } });
    expect(ids.map((r) => r.webhookId).sort()).toEqual(good.map((d) => d.webhookId).sort());
  });

  it("keeps at most maxInFlight statements running; what arrives meanwhile goes in the next", async () => {
    const shop = await createShop();
    let running = 0;
    let most = 0;
    const slow: RawDb = {
      $queryRaw: async (q: never, ...v: unknown[]) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        try {
          return await pool.$queryRaw(q, ...v);
        } finally {
          running -= 1;
        }
      },
      $executeRaw: (q: never, ...v: unknown[]) => pool.$executeRaw(q, ...v),
    };
    const writer = new InboxWriter(slow, { maxInFlight: 2, maxBatch: 5 });
    const all = await Promise.all(Array.from({ length: 23 }, () => writer.insert(delivery(shop.domain))));
    expect(all.every((w) => w.result.inserted)).toBe(true);
    expect(most).toBe(2);
    expect(await prisma.webhookInbox.count({ where: { shopId: shop.id } })).toBe(23);
  });
});
