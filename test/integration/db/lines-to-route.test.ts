import { afterAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { linesToRoute } from "../../../app/models/routing.server";
import { createRawPool } from "../../../app/raw-db.server";
import { createChannel, createItem, createLocation, createOrder, createShop } from "../../support/factories";

/**
 * What a route run considers: a channel's open lines on its channel location, and its open lines
 * whose location is not known yet; never another channel's, a cancelled order's, a shipped line,
 * a placed line or another shop's. Through Prisma's raw queries and through a worker's pool.
 */

const pool = createRawPool(process.env.DATABASE_URL!, { max: 1 });
afterAll(() => pool.end());

describe("linesToRoute", () => {
  it("returns the channel's open lines at its channel location or not placed yet, and nothing else", async () => {
    const shop = await createShop();
    const [warehouse, channelLoc] = [await createLocation(shop.id), await createLocation(shop.id, { role: "channel" })];
    const web = await createChannel(shop.id, { facilities: [warehouse.id] });
    const amazon = await createChannel(shop.id, { facilities: [warehouse.id], publishKind: "location", publishLocationId: channelLoc.id });
    const { item } = await createItem(shop.id);
    const order = (channelId: number, line: { openQuantity?: number; assignedLocationId?: number }, extra: { cancelledAt?: Date } = {}) =>
      createOrder(shop.id, { channelId, ...extra, lines: [{ itemId: item.id, quantity: 1, ...line }] });

    const atChannelLocation = await order(amazon.id, { assignedLocationId: channelLoc.id });
    const notPlacedYet = await order(amazon.id, {});
    await order(amazon.id, { assignedLocationId: warehouse.id }); // routed already
    await order(amazon.id, { openQuantity: 0 }); // shipped
    await order(amazon.id, {}, { cancelledAt: new Date() });
    await order(web.id, {}); // another channel's, location unknown
    // Another shop's line at a location id of its own.
    const other = await createShop();
    const otherAmazon = await createChannel(other.id, { key: "amazon-other" });
    await createOrder(other.id, { channelId: otherAmazon.id, lines: [{ itemId: (await createItem(other.id)).item.id, quantity: 1 }] });

    for (const db of [prisma, pool]) {
      const lines = await linesToRoute(db, shop.id, channelLoc.id, amazon.id);
      expect(lines.map((l) => l.id)).toEqual([atChannelLocation.lines[0].id, notPlacedYet.lines[0].id]);
      expect(lines[0]).toEqual({
        id: atChannelLocation.lines[0].id,
        itemId: item.id,
        openQuantity: 1,
        order: { id: atChannelLocation.id, shopifyId: atChannelLocation.shopifyId },
        item: { shopifyId: item.shopifyId },
      });
    }
  });
});
