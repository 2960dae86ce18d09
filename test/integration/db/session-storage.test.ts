import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRawPool } from "../../../app/raw-db.server";
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
