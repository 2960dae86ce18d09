import { markUninstalled, updateScopes } from "../models/shops.server";
import { eventTime, nothing, type ApplyContext, type ApplyResult } from "./apply-context.server";

/**
 * app/uninstalled: the shop is marked uninstalled and its sessions (tokens) deleted, so no worker
 * can call Shopify for it; from then on its deliveries and jobs are dropped (compliance topics
 * excepted). Its data stays until shop/redact, which Shopify sends 48 hours later.
 */
export async function applyUninstalled(ctx: ApplyContext): Promise<ApplyResult> {
  const { sessionsDeleted } = await markUninstalled(ctx.tx, ctx.shop.id, ctx.shop.domain, eventTime(ctx.delivery));
  await ctx.tx.auditEvent.create({
    data: { shopId: ctx.shop.id, actor: "shopify", action: "app_uninstalled", entity: "shop", entityId: String(ctx.shop.id), note: `${sessionsDeleted} session(s) deleted` },
  });
  return nothing(`uninstalled; ${sessionsDeleted} session(s) deleted`);
}

export async function applyScopesUpdate(ctx: ApplyContext, p: { current: string[] }): Promise<ApplyResult> {
  await updateScopes(ctx.tx, ctx.shop.id, p.current);
  return nothing(`scopes now ${p.current.join(",")}`);
}
