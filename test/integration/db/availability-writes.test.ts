import { describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRawPool } from "../../../app/raw-db.server";
import { loadItem, savePools, saveSnapshots, type PoolRow, type SnapshotRow } from "../../../app/models/availability.server";
import { createChannel, createItem, createLocation, createShop } from "../../support/factories";

/** The recompute's writes, each one statement: what they leave behind, statement by statement. */

async function world() {
  const shop = await createShop();
  const [a, b] = [await createLocation(shop.id), await createLocation(shop.id)];
  const [web, amazon, wholesale] = [await createChannel(shop.id), await createChannel(shop.id), await createChannel(shop.id)];
  const { item } = await createItem(shop.id);
  return { shop, a, b, web, amazon, wholesale, item };
}

const snap = (channelId: number, atp: number, ats: number): SnapshotRow => ({ channelId, atp, ats, ruleId: null, breakdown: { asOf: "2026-11-23", atp } });

describe("saveSnapshots", () => {
  it("upserts every channel, adds history only where ATP or ATS changed, and drops channels gone", async () => {
    const { shop, web, amazon, wholesale, item } = await world();
    const t1 = new Date("2026-11-23T10:00:00Z");
    expect(await saveSnapshots(prisma, shop.id, item.id, [snap(web.id, 10, 8), snap(amazon.id, 5, 5), snap(wholesale.id, 3, 3)], t1)).toEqual({ changed: 3 });
    const t2 = new Date("2026-11-23T10:00:05Z");
    // Web's ATS moves, Amazon's breakdown only, wholesale is gone.
    expect(await saveSnapshots(prisma, shop.id, item.id, [snap(web.id, 10, 7), { ...snap(amazon.id, 5, 5), breakdown: { asOf: "2026-11-24" } }], t2)).toEqual({ changed: 1 });
    const rows = await prisma.availabilitySnapshot.findMany({ where: { shopId: shop.id, itemId: item.id }, orderBy: { channelId: "asc" } });
    expect(rows.map((r) => [r.channelId, r.atp, r.ats, r.computedAt.toISOString()])).toEqual([
      [web.id, 10, 7, t2.toISOString()],
      [amazon.id, 5, 5, t2.toISOString()],
    ]);
    expect(rows[1].breakdown).toEqual({ asOf: "2026-11-24" });
    const history = await prisma.atsHistoryPoint.findMany({ where: { shopId: shop.id, itemId: item.id }, orderBy: { id: "asc" } });
    expect(history.map((h) => [h.channelId, h.ats, h.at.toISOString()])).toEqual([
      [web.id, 8, t1.toISOString()],
      [amazon.id, 5, t1.toISOString()],
      [wholesale.id, 3, t1.toISOString()],
      [web.id, 7, t2.toISOString()],
    ]);
  });
});

describe("savePools", () => {
  const pool = (channelId: number, quantity: number, carves: [number, number][], rebalance: PoolRow["rebalance"] = null): PoolRow => ({
    channelId,
    quantity,
    rebalance,
    carves: carves.map(([locationId, q]) => ({ locationId, quantity: q })),
  });
  const state = async (shopId: number, itemId: number) =>
    (await prisma.ringfencePool.findMany({ where: { shopId, itemId }, include: { carves: true }, orderBy: { channelId: "asc" } })).map((p) => ({
      channelId: p.channelId,
      quantity: p.quantity,
      entitlement: p.entitlement,
      freeSupply: p.freeSupplyAtRebalance,
      carves: p.carves.map((c) => [c.locationId, c.quantity]).sort((x, y) => x[0] - y[0]),
    }));

  it("keeps each pool's rebalance snapshot unless rebalancing, replaces its carves, and drops pools of channels gone", async () => {
    const { shop, a, b, amazon, wholesale, item } = await world();
    const at = new Date("2026-11-23T10:00:00Z");
    await savePools(prisma, shop.id, item.id, [
      pool(amazon.id, 6, [[a.id, 4], [b.id, 2]], { entitlement: 6, freeSupply: 40, at }),
      pool(wholesale.id, 3, [[a.id, 3]], { entitlement: 3, freeSupply: 40, at }),
    ]);
    expect(await state(shop.id, item.id)).toEqual([
      { channelId: amazon.id, quantity: 6, entitlement: 6, freeSupply: 40, carves: [[a.id, 4], [b.id, 2]] },
      { channelId: wholesale.id, quantity: 3, entitlement: 3, freeSupply: 40, carves: [[a.id, 3]] },
    ]);
    // Not a rebalance: quantities and carves move (b's carve goes to 0: removed), the snapshot stays.
    await savePools(prisma, shop.id, item.id, [pool(amazon.id, 5, [[a.id, 5], [b.id, 0]]), pool(wholesale.id, 2, [[b.id, 2]])]);
    expect(await state(shop.id, item.id)).toEqual([
      { channelId: amazon.id, quantity: 5, entitlement: 6, freeSupply: 40, carves: [[a.id, 5]] },
      { channelId: wholesale.id, quantity: 2, entitlement: 3, freeSupply: 40, carves: [[b.id, 2]] },
    ]);
    // Wholesale no longer ring-fenced: its pool and carves go.
    await savePools(prisma, shop.id, item.id, [pool(amazon.id, 5, [[a.id, 5]], { entitlement: 5, freeSupply: 30, at })]);
    expect(await state(shop.id, item.id)).toEqual([{ channelId: amazon.id, quantity: 5, entitlement: 5, freeSupply: 30, carves: [[a.id, 5]] }]);
    expect(await prisma.poolCarve.count({ where: { shopId: shop.id } })).toBe(1);
    await savePools(prisma, shop.id, item.id, []);
    expect(await state(shop.id, item.id)).toEqual([]);
  });

  it("refuses a write that rebalances some pools and not others", async () => {
    const { shop, a, amazon, wholesale, item } = await world();
    await expect(
      savePools(prisma, shop.id, item.id, [pool(amazon.id, 1, [[a.id, 1]], { entitlement: 1, freeSupply: 1, at: new Date() }), pool(wholesale.id, 1, [])]),
    ).rejects.toThrow(/rebalance writes every pool/);
  });
});

describe("loadItem", () => {
  it("sums open lines per channel, location and due date; pre-orders stay one a line; cancelled, closed and test orders are out", async () => {
    const { shop, a, b, web, amazon, item } = await world();
    let n = 0;
    const order = async (o: { channelId: number; shipBy?: Date | null; preOrder?: boolean; cancelled?: boolean; test?: boolean; closed?: boolean }, lines: { open: number; at?: number | null; due?: Date | null; preOrder?: boolean }[]) => {
      n++;
      await prisma.order.create({
        data: {
          shopId: shop.id,
          shopifyId: BigInt(880_000 + n),
          channelId: o.channelId,
          shipBy: o.shipBy ?? null,
          preOrder: o.preOrder ?? false,
          cancelledAt: o.cancelled ? new Date() : null,
          test: o.test ?? false,
          closed: o.closed ?? false,
          shopifyCreatedAt: new Date(Date.UTC(2026, 10, 20 + n)),
          shopifyUpdatedAt: new Date(Date.UTC(2026, 10, 20 + n)),
          lines: {
            create: lines.map((l, i) => ({
              shopId: shop.id,
              shopifyId: BigInt(990_000 + n * 10 + i),
              itemId: item.id,
              quantity: l.open,
              openQuantity: l.open,
              assignedLocationId: l.at ?? null,
              dueDate: l.due ?? null,
              preOrder: l.preOrder ?? false,
            })),
          },
        },
      });
    };
    const day = (d: number) => new Date(Date.UTC(2026, 10, d));
    await order({ channelId: web.id }, [{ open: 1, at: a.id, due: day(23) }]);
    await order({ channelId: web.id }, [{ open: 2, at: a.id, due: day(23) }]);
    await order({ channelId: web.id }, [{ open: 4, at: b.id, due: day(23) }]);
    await order({ channelId: amazon.id }, [{ open: 1, due: day(23) }]);
    await order({ channelId: amazon.id }, [{ open: 3, due: day(23) }]);
    // Wholesale-like: no line due date, the order's ship-by date counts.
    await order({ channelId: web.id, shipBy: day(30) }, [{ open: 5, at: a.id }]);
    await order({ channelId: web.id, shipBy: day(30) }, [{ open: 6, at: a.id }]);
    // Pre-orders: one row each, with their order's placing time.
    await order({ channelId: web.id, preOrder: true }, [{ open: 7 }]);
    await order({ channelId: web.id }, [{ open: 8, preOrder: true }]);
    // Not open: none of these reserve anything.
    await order({ channelId: web.id, cancelled: true }, [{ open: 50, at: a.id, due: day(23) }]);
    await order({ channelId: web.id, test: true }, [{ open: 50, at: a.id, due: day(23) }]);
    await order({ channelId: web.id, closed: true }, [{ open: 50, at: a.id, due: day(23) }]);

    const { inputs } = await loadItem(prisma, shop.id, item.id);
    const rows = inputs!.lines.map((l) => [l.order.channelId, l.assignedLocationId, l.dueDate?.toISOString() ?? null, l.openQuantity, l.preOrder || l.order.preOrder]);
    expect(rows.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual(
      [
        [web.id, a.id, day(23).toISOString(), 3, false],
        [web.id, b.id, day(23).toISOString(), 4, false],
        [amazon.id, null, day(23).toISOString(), 4, false],
        [web.id, a.id, day(30).toISOString(), 11, false],
        [web.id, null, null, 7, true],
        [web.id, null, null, 8, true],
      ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
    // The worker reads it through its own pg pool: the same inputs, value for value.
    const raw = createRawPool(process.env.DATABASE_URL, { max: 1 });
    try {
      expect(await loadItem(raw, shop.id, item.id)).toEqual(await loadItem(prisma, shop.id, item.id));
    } finally {
      await raw.end();
    }
    // Ids stay distinct (they name the reservations); a pre-order keeps its order's placing time.
    expect(new Set(inputs!.lines.map((l) => l.id)).size).toBe(6);
    expect(inputs!.lines.filter((l) => l.preOrder).map((l) => l.order.shopifyCreatedAt?.toISOString()).sort()).toEqual([day(28).toISOString(), day(29).toISOString()]);
  });
});
