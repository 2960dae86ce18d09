import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRedisConnection } from "../../../app/jobs/connection.server";
import { createProducer } from "../../../app/jobs/producer.server";
import { archiveChannel, createChannel, getChannel, listChannels, updateChannel } from "../../../app/services/config/channels.server";
import { createLocation, uniqueSuffix } from "../../support/factories";
import { auditFor, basicShop, expectNotFound, expectValidation, recordingContext } from "./helpers";

describe("channels", () => {
  it("creates a channel with its facility group in order, order matching and a publish location; audits and recomputes every item", async () => {
    const s = await basicShop();
    const { ctx, itemsEnqueued } = recordingContext();
    const ch = await createChannel(
      s.shop.id,
      {
        key: "amazon",
        name: "Amazon",
        facilityIds: [s.store.id, s.warehouse.id],
        priority: 2,
        promiseWindowDays: 0,
        safetyStock: 3,
        mode: "ringfenced",
        percent: 30,
        cap: 25,
        zeroBelow: 2,
        liveFrom: "2026-11-28",
        orders: { sourceNames: ["amazon"], appIds: ["1234"], b2b: false, posLocationIds: [], tags: ["mkt"] },
        publish: { kind: "location", locationId: s.amazonLocation.id },
      },
      ctx,
    );
    expect(ch.facilities.map((f) => f.id)).toEqual([s.store.id, s.warehouse.id]);
    expect(ch).toMatchObject({ key: "amazon", mode: "ringfenced", percent: 30, cap: 25, zeroBelow: 2, liveFrom: "2026-11-28", liveUntil: null });
    expect(ch.orders).toEqual({ sourceNames: ["amazon"], appIds: ["1234"], b2b: false, posLocationIds: [], tags: ["mkt"] });
    expect(ch.publish).toMatchObject({ kind: "location", location: { id: s.amazonLocation.id } });
    const loc = await prisma.location.findUniqueOrThrow({ where: { id: s.amazonLocation.id } });
    expect(loc.role).toBe("channel");

    const audit = await auditFor(s.shop.id, "channel");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "user:ops@example.com", action: "create", entityId: String(ch.id), before: null });
    expect((audit[0].after as { key: string }).key).toBe("amazon");
    expect(itemsEnqueued()).toEqual([s.tee.item.id, s.cap.item.id].sort((a, b) => a - b));
  });

  it("refuses a negative cap naming `cap`, and saves nothing", async () => {
    const s = await basicShop();
    const { ctx, enqueued } = recordingContext();
    const err = await expectValidation(
      createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0, cap: -5 }, ctx),
      [{ path: "cap", message: "must be a whole number ≥ 0" }],
    );
    expect(err.message).toContain("cap: must be a whole number ≥ 0");
    expect(await prisma.channel.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it("names each bad field: key format, percent, priority, dates in order", async () => {
    const s = await basicShop();
    const { ctx } = recordingContext();
    await expectValidation(
      createChannel(
        s.shop.id,
        { key: "Bad Key", facilityIds: [s.warehouse.id], priority: 0, promiseWindowDays: 0, percent: 130, liveFrom: "2026-12-10", liveUntil: "2026-12-01" },
        ctx,
      ),
      [
        { path: "key", message: /lower-case/ },
        { path: "priority", message: "must be a whole number ≥ 1" },
        { path: "percent", message: "must be a whole number from 0 to 100" },
        { path: "liveUntil", message: "must be on or after liveFrom (2026-12-10)" },
      ],
    );
  });

  it("refuses a duplicate key, a facility of another shop, a channel location as facility, and a publish location in use", async () => {
    const s = await basicShop();
    const other = await basicShop();
    const { ctx } = recordingContext();
    await createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0, publish: { kind: "location", locationId: s.amazonLocation.id } }, ctx);
    await expectValidation(createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 2, promiseWindowDays: 0 }, ctx), [
      { path: "key", message: 'a channel with key "web" already exists' },
    ]);
    await expectValidation(createChannel(s.shop.id, { key: "pos", facilityIds: [s.store.id, other.warehouse.id], priority: 2, promiseWindowDays: 0 }, ctx), [
      { path: "facilityIds[1]", message: /not a location of this shop/ },
    ]);
    await expectValidation(createChannel(s.shop.id, { key: "pos", facilityIds: [s.amazonLocation.id], priority: 2, promiseWindowDays: 0 }, ctx), [
      { path: "facilityIds[0]", message: /channel location, not a facility/ },
    ]);
    const spare = await createLocation(s.shop.id, { name: "Spare" });
    await createChannel(s.shop.id, { key: "pos", facilityIds: [s.store.id], priority: 3, promiseWindowDays: 0, publish: { kind: "location", locationId: spare.id } }, ctx);
    await expectValidation(
      createChannel(s.shop.id, { key: "b2b", facilityIds: [s.warehouse.id], priority: 4, promiseWindowDays: 14, publish: { kind: "location", locationId: spare.id } }, ctx),
      [{ path: "publish.locationId", message: /already the publish location of channel "pos"/ }],
    );
    // The same key in another shop is fine: keys are unique per shop.
    await createChannel(other.shop.id, { key: "web", facilityIds: [other.warehouse.id], priority: 1, promiseWindowDays: 0 }, ctx);
  });

  it("updates fields with before/after in the audit, re-orders facilities, and archives", async () => {
    const s = await basicShop();
    const { ctx, enqueued } = recordingContext();
    const ch = await createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0 }, ctx);
    enqueued.length = 0;
    const updated = await updateChannel(s.shop.id, ch.id, { percent: 70, cap: 40, facilityIds: [s.store.id, s.warehouse.id], mode: "ringfenced" }, ctx);
    expect(updated).toMatchObject({ percent: 70, cap: 40, mode: "ringfenced" });
    expect(updated.facilities.map((f) => f.id)).toEqual([s.store.id, s.warehouse.id]);
    expect(enqueued.length).toBe(1);
    const cleared = await updateChannel(s.shop.id, ch.id, { cap: null }, ctx);
    expect(cleared.cap).toBeNull();
    await expectValidation(updateChannel(s.shop.id, ch.id, { cap: -1 }, ctx), [{ path: "cap" }]);
    await updateChannel(s.shop.id, ch.id, { liveUntil: "2026-12-01" }, ctx);
    // The patch alone is fine; merged with the stored liveUntil it is not.
    await expectValidation(updateChannel(s.shop.id, ch.id, { liveFrom: "2026-12-10" }, ctx), [{ path: "liveUntil", message: "must be on or after liveFrom (2026-12-10)" }]);

    const audit = await auditFor(s.shop.id, "channel");
    const upd = audit.find((a) => a.action === "update")!;
    expect((upd.before as { percent: number }).percent).toBe(100);
    expect((upd.after as { percent: number }).percent).toBe(70);

    const archived = await archiveChannel(s.shop.id, ch.id, ctx);
    expect(archived.archivedAt).not.toBeNull();
    expect(await listChannels(s.shop.id)).toEqual([]);
    expect((await listChannels(s.shop.id, { includeArchived: true })).map((c) => c.key)).toEqual(["web"]);
  });

  it("scopes by shop: shop B cannot read, change or archive shop A's channel", async () => {
    const a = await basicShop();
    const b = await basicShop();
    const { ctx } = recordingContext();
    const ch = await createChannel(a.shop.id, { key: "web", facilityIds: [a.warehouse.id], priority: 1, promiseWindowDays: 0 }, ctx);
    await expectNotFound(getChannel(b.shop.id, ch.id));
    await expectNotFound(updateChannel(b.shop.id, ch.id, { percent: 1 }, ctx));
    await expectNotFound(archiveChannel(b.shop.id, ch.id, ctx));
    const still = await getChannel(a.shop.id, ch.id);
    expect(still.percent).toBe(100);
    expect(still.archivedAt).toBeNull();
    expect(await prisma.auditEvent.count({ where: { shopId: b.shop.id } })).toBe(0);
  });
});

describe("recompute through the real queue", () => {
  const connection = createRedisConnection(process.env.REDIS_URL as string, "producer", "config-test");
  const prefix = `cfg${uniqueSuffix()}`;
  const producer = createProducer({ connection, prefix });
  afterAll(async () => {
    await producer.close();
    connection.disconnect();
  });

  it("enqueues one deduplicated recompute job per affected item after commit", async () => {
    const s = await basicShop();
    const enqueue = async (shopId: number, itemIds: readonly number[]) => {
      for (const itemId of itemIds) await producer.enqueue("recompute", { shopId, itemId });
    };
    const ctx = { actor: "user:ops@example.com", asOf: "2026-11-24", enqueueRecompute: enqueue };
    const ch = await createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0 }, ctx);
    await updateChannel(s.shop.id, ch.id, { percent: 50 }, ctx);
    const reader = createRedisConnection(process.env.REDIS_URL as string, "worker");
    const queue = new Queue("recompute", { connection: reader, prefix });
    try {
      const jobs = await queue.getJobs(["waiting", "delayed", "prioritized"]);
      const items = jobs.map((j) => (j.data as { itemId: number }).itemId).sort((x, y) => x - y);
      // Two changes, two items: still one waiting job per item.
      expect(items).toEqual([s.tee.item.id, s.cap.item.id].sort((x, y) => x - y));
      expect(jobs.every((j) => (j.data as { shopId: number }).shopId === s.shop.id)).toBe(true);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      reader.disconnect();
    }
  });
});
