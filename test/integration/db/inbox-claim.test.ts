import { describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { claimWaiting, PRODUCT_DEFER_MS } from "../../../app/models/inbox.server";
import { prismaRaw } from "../../../app/raw-db.server";
import { createShop } from "../../support/factories";

/** What a lane's batch takes first when deliveries wait: stock and orders before fresh products/update. */

describe("claimWaiting", () => {
  it("takes a lane's orders and levels first, products/update after them until it has waited PRODUCT_DEFER_MS, then by arrival", async () => {
    const shop = await createShop();
    const now = new Date("2026-12-02T10:00:00Z");
    const ago = (ms: number) => new Date(now.getTime() - ms);
    let n = 0;
    const row = (topic: string, receivedAt: Date, lane = 1) =>
      prisma.webhookInbox.create({ data: { shopId: shop.id, webhookId: `claim-${shop.id}-${++n}`, topic, payload: {}, lane, receivedAt } });
    const oldProduct = await row("products/update", ago(PRODUCT_DEFER_MS + 1_000));
    const product = await row("products/update", ago(3_000));
    const order = await row("orders/create", ago(2_000));
    await row("orders/create", ago(2_000), 2); // another lane
    const level = await row("inventory_levels/update", ago(1_000));
    const refund = await row("refunds/create", ago(500));

    const raw = prismaRaw(prisma);
    const ids = await raw.transaction(async (tx) => (await claimWaiting(tx, shop.id, 1, 10, 0, now)).map((r) => r.id));
    expect(ids).toEqual([oldProduct.id, order.id, level.id, refund.id, product.id]);
    // A short batch takes the first of that order.
    expect(await raw.transaction(async (tx) => (await claimWaiting(tx, shop.id, 1, 3, 0, now)).map((r) => r.id))).toEqual([oldProduct.id, order.id, level.id]);
  });
});
