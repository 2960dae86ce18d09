import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRawPool, type RawDb } from "../../../app/raw-db.server";
import { RingfenceSessionStorage } from "../../../app/session-storage.server";
import { uniqueSuffix } from "../../support/factories";

describe("PrismaSessionStorage on our schema", () => {
  const storage = new PrismaSessionStorage(prisma, { connectionRetries: 1, connectionRetryIntervalMs: 10 });
  const shop = `session-${uniqueSuffix()}.myshopify.com`;
  const raw = createRawPool(process.env.DATABASE_URL, { max: 1 });
  afterAll(() => raw.end());

  beforeAll(async () => {
    expect(await storage.isReady()).toBe(true);
  });

  it("round-trips an offline session", async () => {
    const session = new Session({
      id: `offline_${shop}`,
      shop,
      state: "state-1",
      isOnline: false,
      scope: "read_inventory,write_inventory,read_orders",
      accessToken: "shpat_offline_token",
    });
    expect(await storage.storeSession(session)).toBe(true);
    const loaded = await storage.loadSession(session.id);
    // Not toBeInstanceOf: the storage package loads the CommonJS build of @shopify/shopify-api.
    expect(loaded?.constructor.name).toBe("Session");
    expect(loaded?.shop).toBe(shop);
    expect(loaded?.isOnline).toBe(false);
    expect(loaded?.scope).toBe(session.scope);
    expect(loaded?.accessToken).toBe("shpat_offline_token");
    expect(loaded?.isActive("read_inventory,write_inventory,read_orders")).toBe(true);
  });

  it("round-trips an online session with its associated user (BigInt user id) and expiry", async () => {
    const expires = new Date(Date.now() + 3_600_000);
    expires.setMilliseconds(0);
    const refreshTokenExpires = new Date(Date.now() + 86_400_000);
    refreshTokenExpires.setMilliseconds(0);
    const session = new Session({
      id: `${shop}_902541635`,
      shop,
      state: "state-2",
      isOnline: true,
      scope: "read_inventory",
      accessToken: "shpua_online_token",
      expires,
      refreshToken: "refresh-token",
      refreshTokenExpires,
      onlineAccessInfo: {
        expires_in: 3600,
        associated_user_scope: "read_inventory",
        associated_user: {
          id: 902541635,
          first_name: "Ada",
          last_name: "Ops",
          email: "ada@example.com",
          email_verified: true,
          account_owner: true,
          locale: "en",
          collaborator: false,
        },
      },
    });
    await storage.storeSession(session);
    const row = await prisma.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(row.userId).toBe(902541635n);
    expect(row.accountOwner).toBe(true);

    const loaded = await storage.loadSession(session.id);
    expect(loaded?.isOnline).toBe(true);
    expect(loaded?.expires?.getTime()).toBe(expires.getTime());
    expect(loaded?.onlineAccessInfo?.associated_user.id).toBe(902541635);
    expect(loaded?.onlineAccessInfo?.associated_user.email).toBe("ada@example.com");
    expect(loaded?.onlineAccessInfo?.associated_user.account_owner).toBe(true);
    expect(loaded?.refreshToken).toBe("refresh-token");
    expect(loaded?.refreshTokenExpires?.getTime()).toBe(refreshTokenExpires.getTime());
  });

  it("the app's storage loads through its pg pool exactly what the package loads, offline and online", async () => {
    const ours = new RingfenceSessionStorage(prisma, () => raw);
    for (const id of [`offline_${shop}`, `${shop}_902541635`]) {
      const theirs = await storage.loadSession(id);
      expect(theirs).toBeDefined();
      expect(await ours.loadSession(id)).toEqual(theirs);
    }
    expect(await ours.loadSession(`offline_missing-${shop}`)).toBeUndefined();
    // What the package writes, ours reads back.
    const session = (await ours.loadSession(`offline_${shop}`))!;
    session.scope = "read_inventory,write_inventory";
    await ours.storeSession(session);
    expect((await ours.loadSession(session.id))?.scope).toBe("read_inventory,write_inventory");
  });

  it("updates in place, finds by shop and deletes", async () => {
    const id = `offline_${shop}`;
    const session = (await storage.loadSession(id))!;
    session.accessToken = "shpat_rotated";
    await storage.storeSession(session);
    expect((await storage.loadSession(id))?.accessToken).toBe("shpat_rotated");

    const byShop = await storage.findSessionsByShop(shop);
    expect(byShop.map((s) => s.id).sort()).toEqual([`${shop}_902541635`, id].sort());
    expect(await storage.findSessionsByShop(`other-${shop}`)).toEqual([]);

    await storage.deleteSession(id);
    expect(await storage.loadSession(id)).toBeUndefined();
    await storage.deleteSessions([`${shop}_902541635`]);
    expect(await storage.findSessionsByShop(shop)).toEqual([]);
  });
});

describe("RingfenceSessionStorage's recent offline sessions", () => {
  const shop = `recent-${uniqueSuffix()}.myshopify.com`;
  const pool = createRawPool(process.env.DATABASE_URL, { max: 4 });
  afterAll(() => pool.end());
  let queries = 0;
  // The real pool, counted: how many loads reached the database.
  const counted: RawDb = {
    $queryRaw: (async (...args: Parameters<RawDb["$queryRaw"]>) => {
      queries += 1;
      return pool.$queryRaw(...args);
    }) as RawDb["$queryRaw"],
    $executeRaw: pool.$executeRaw.bind(pool),
  };
  let clock = 1_000_000;
  const make = () => new RingfenceSessionStorage(prisma, () => counted, { recentMs: 1_000, now: () => clock });
  const offline = (token: string) => new Session({ id: `offline_${shop}`, shop, state: "s", isOnline: false, scope: "read_inventory", accessToken: token });

  it("reads a non-expiring session's row once for overlapping and recent loads, each caller getting its own Session", async () => {
    const ours = make();
    await ours.storeSession(offline("shpat_one"));
    queries = 0;
    const loads = await Promise.all(Array.from({ length: 20 }, () => ours.loadSession(`offline_${shop}`)));
    expect(queries).toBe(1);
    expect(loads.every((s) => s?.accessToken === "shpat_one")).toBe(true);
    expect(new Set(loads).size).toBe(20);
    clock += 999;
    expect((await ours.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_one");
    expect(queries).toBe(1);
    clock += 1;
    await ours.loadSession(`offline_${shop}`);
    expect(queries).toBe(2);
  });

  it("drops what it read when this process stores or deletes a session, and sees another's write within recentMs", async () => {
    const ours = make();
    const other = make();
    await ours.storeSession(offline("shpat_two"));
    expect((await ours.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_two");
    await ours.storeSession(offline("shpat_three"));
    expect((await ours.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_three");

    await other.storeSession(offline("shpat_four"));
    expect((await ours.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_three");
    clock += 1_000;
    expect((await ours.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_four");

    await ours.deleteSession(`offline_${shop}`);
    expect(await ours.loadSession(`offline_${shop}`)).toBeUndefined();
    await ours.storeSession(offline("shpat_five"));
    expect((await ours.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_five");
    await ours.deleteSessions([`offline_${shop}`]);
    expect(await ours.loadSession(`offline_${shop}`)).toBeUndefined();
  });

  it("does not keep a missing session, a session with an expiry, or a read that overlapped a write", async () => {
    const ours = make();
    queries = 0;
    expect(await ours.loadSession(`offline_${shop}`)).toBeUndefined();
    expect(await ours.loadSession(`offline_${shop}`)).toBeUndefined();
    expect(queries).toBe(2);

    const expiring = new Session({ ...offline("shpat_exp").toObject(), expires: new Date(Date.now() + 3_600_000), refreshToken: "r" });
    await ours.storeSession(expiring);
    queries = 0;
    await ours.loadSession(`offline_${shop}`);
    await ours.loadSession(`offline_${shop}`);
    expect(queries).toBe(2);

    await ours.storeSession(offline("shpat_six"));
    const before = ours.loadSession(`offline_${shop}`);
    const write = ours.storeSession(offline("shpat_seven"));
    await Promise.all([before, write]);
    expect((await ours.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_seven");
  });
});
