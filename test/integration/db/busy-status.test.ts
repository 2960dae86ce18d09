import { afterAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRedisConnection } from "../../../app/jobs/connection.server";
import { createProducer } from "../../../app/jobs/producer.server";
import { busyStatus } from "../../../scripts/lib/stack";
import { createItem, createShop, uniqueSuffix } from "../../support/factories";

/** What the replay, the benchmark and the end-to-end tests wait for before they read the end state. */
describe("busyStatus", () => {
  const connection = createRedisConnection(process.env.REDIS_URL as string, "producer", "busy-test");
  const producer = createProducer({ connection, prefix: `busy${uniqueSuffix()}` });
  afterAll(async () => {
    await producer.close();
    connection.disconnect();
  });

  it("counts a recompute still owed (a request in the outbox, no job: its worker died after the commit) as work, for installed shops", async () => {
    const shop = await createShop();
    const gone = await createShop({ installState: "uninstalled" });
    const { item } = await createItem(shop.id);
    const { item: goneItem } = await createItem(gone.id);
    const before = await busyStatus(prisma, producer, [shop.id, gone.id]);
    expect(before.busy).toBe(0);
    expect(before.summary).toContain("recomputes owed 0");

    await prisma.recomputeRequest.createMany({ data: [{ shopId: shop.id, itemId: item.id }, { shopId: gone.id, itemId: goneItem.id }] });
    const owed = await busyStatus(prisma, producer, [shop.id, gone.id]);
    // The uninstalled shop's request waits for a reinstall (the sweeper skips it): not work now.
    expect(owed.busy).toBe(1);
    expect(owed.summary).toContain("recomputes owed 1");

    await prisma.recomputeRequest.deleteMany({ where: { shopId: shop.id } });
    expect((await busyStatus(prisma, producer, [shop.id, gone.id])).busy).toBe(0);
  });
});
