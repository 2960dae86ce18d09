import prisma from "../../db.server";

/** Names for pickers: the shop's locations and channels (never another shop's). */
export async function locationOptions(shopId: number) {
  const rows = await prisma.location.findMany({ where: { shopId, deletedAt: null }, select: { id: true, shopifyId: true, name: true, role: true }, orderBy: { name: "asc" } });
  return rows.map((l) => ({ id: l.id, shopifyId: l.shopifyId.toString(), name: l.name, role: l.role }));
}

export async function channelOptions(shopId: number) {
  return prisma.channel.findMany({ where: { shopId, archivedAt: null }, select: { id: true, key: true, name: true, mode: true }, orderBy: [{ priority: "asc" }, { key: "asc" }] });
}
