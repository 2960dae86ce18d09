import type { Prisma, Shop } from "@prisma/client";
import type { RawDb } from "../raw-db.server";

/** Shops and their sessions. A shop's domain is how Shopify names it in every webhook. */

type Db = Prisma.TransactionClient;

/** The shop's row (every lane batch reads it): its columns are the model's fields. */
export async function getShop(db: RawDb, shopId: number): Promise<Shop | null> {
  const rows = await db.$queryRaw<Shop[]>`SELECT * FROM shops WHERE id = ${shopId}`;
  return rows[0] ?? null;
}

/** app/uninstalled: the shop stays (compliance requests still come), its tokens go. */
export async function markUninstalled(db: Db, shopId: number, domain: string, at: Date): Promise<{ sessionsDeleted: number }> {
  await db.shop.update({ where: { id: shopId }, data: { installState: "uninstalled", uninstalledAt: at } });
  const { count } = await db.session.deleteMany({ where: { shop: domain } });
  return { sessionsDeleted: count };
}

export async function updateScopes(db: Db, shopId: number, scopes: string[]): Promise<void> {
  await db.shop.update({ where: { id: shopId }, data: { scopes: scopes.join(",") } });
}

/** shop/redact: every row of the shop goes with it (every table cascades from shops), sessions too. */
export async function eraseShop(db: Db, shopId: number, domain: string): Promise<{ sessionsDeleted: number }> {
  const { count } = await db.session.deleteMany({ where: { shop: domain } });
  await db.shop.delete({ where: { id: shopId } });
  return { sessionsDeleted: count };
}

/** Ids of shops that may have inbox work (the sweeper walks them one at a time). */
export async function listShopIds(db: Db): Promise<number[]> {
  const rows = await db.shop.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  return rows.map((r) => r.id);
}

/** Work for a shop that uninstalled (or was erased) is dropped: every processor asks this first. */
export async function isInstalled(db: RawDb, shopId: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ installState: string }[]>`SELECT "installState"::text AS "installState" FROM shops WHERE id = ${shopId}`;
  return rows[0]?.installState === "installed";
}
