import { Prisma } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { setLevels } from "../../../app/models/pushes.server";
import { createRawPool, type RawDb } from "../../../app/raw-db.server";
import { createItem, createLocation, createShop, nextShopifyId, setLevel } from "../../support/factories";

/**
 * setLevels (a route run's re-read, a push's record, a sync) beside a webhook lane batch that
 * holds level locks: it takes the rows in the batch's order (the item's Shopify id, then the
 * location's), so neither waits on the other in a cycle.
 */

const pool = createRawPool(process.env.DATABASE_URL!, { max: 2 });
afterAll(() => pool.end());

/** Until a backend of this database waits for a row lock (the statement under test is queued). */
async function untilSomeoneWaitsForALock(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const rows = await prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "inventory_levels"%'`;
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("setLevels never waited for the lock");
}

describe("setLevels", () => {
  it("locks levels in the order a lane batch does (Shopify ids), not in the order given or by our ids", async () => {
    const shop = await createShop();
    const loc = await createLocation(shop.id);
    // Our ids and Shopify's disagree: `first` is ours first but Shopify's last.
    const { item: first } = await createItem(shop.id);
    const { item: second } = await createItem(shop.id);
    await prisma.inventoryItem.update({ where: { id: first.id }, data: { shopifyId: nextShopifyId() } });
    expect(first.id).toBeLessThan(second.id);
    for (const item of [first, second]) await setLevel(shop.id, item.id, loc.id, "available", 5);
    const lock = (db: RawDb, itemId: number, nowait: boolean) =>
      db.$queryRaw`SELECT quantity FROM inventory_levels WHERE "shopId" = ${shop.id} AND "itemId" = ${itemId} AND "locationId" = ${loc.id} AND name = 'available'
                   FOR UPDATE ${nowait ? Prisma.raw("NOWAIT") : Prisma.empty}`;

    // A lane batch locks in Shopify-id order: `second`, then `first`. It holds `second` ...
    const { written } = await pool.transaction(async (tx) => {
      await lock(tx, second.id, false);
      const at = new Date(Date.now() + 60_000);
      const writing = setLevels(prisma, shop.id, [
        { itemId: first.id, locationId: loc.id, name: "available", quantity: 7, at },
        { itemId: second.id, locationId: loc.id, name: "available", quantity: 8, at },
      ]);
      writing.catch(() => undefined);
      await untilSomeoneWaitsForALock();
      // ... and now wants `first`: free, because setLevels queued for `second` before taking it.
      // (Taken in the order given or by our ids, setLevels would hold `first` and this would fail.)
      await expect(lock(tx, first.id, true)).resolves.toHaveLength(1);
      return { written: writing };
    });
    expect(await written).toBe(2);
    const levels = await prisma.inventoryLevel.findMany({ where: { shopId: shop.id, locationId: loc.id }, orderBy: { itemId: "asc" } });
    expect(levels.map((l) => [l.itemId, l.quantity])).toEqual([
      [first.id, 7],
      [second.id, 8],
    ]);
  });

  it("writes only the shop's own items and locations", async () => {
    const [mine, theirs] = [await createShop(), await createShop()];
    const loc = await createLocation(mine.id);
    const { item } = await createItem(mine.id);
    const { item: foreign } = await createItem(theirs.id);
    const at = new Date();
    const n = await setLevels(prisma, mine.id, [
      { itemId: item.id, locationId: loc.id, name: "available", quantity: 3, at },
      { itemId: foreign.id, locationId: loc.id, name: "available", quantity: 9, at },
    ]);
    expect(n).toBe(1);
    expect(await prisma.inventoryLevel.count({ where: { itemId: foreign.id } })).toBe(0);
  });
});
