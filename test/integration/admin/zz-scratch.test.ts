import { it } from "vitest";
import { createShop, seedShopGraph, uniqueSuffix } from "../../support/factories";
import { previewRuleChange } from "../../../app/services/config/rules.server";
import prisma from "../../../app/db.server";
it("scratch", async () => {
  const shop = await createShop({ domain: `scratch-${uniqueSuffix()}.myshopify.com` });
  const g = await seedShopGraph(shop.id);
  const p = await previewRuleChange(shop.id, { action: "create", rule: { channelId: g.channel.id, target: { kind: "variant", value: g.item.sku }, percent: 10 } });
  console.log(JSON.stringify(p, null, 1));
  const q = await previewRuleChange(shop.id, { action: "update", id: g.rule.id, changes: { percent: 20 } });
  console.log(JSON.stringify(q, null, 1));
  await prisma.shop.delete({ where: { id: shop.id } });
});
