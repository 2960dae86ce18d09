import { eraseShop } from "../models/shops.server";
import { ordersForExport } from "../models/orders.server";
import { nothing, type ApplyContext, type ApplyResult } from "./apply-context.server";
import type { CustomersDataRequestPayload, CustomersRedactPayload } from "./apply-payloads.server";

/**
 * The mandatory compliance topics. What Ringfence holds about a customer: nothing personal. It
 * stores no customer ids, names, emails, phones or addresses; orders are kept by Shopify id with
 * their channel, SKUs and quantities, and the merchant's order tags.
 */

const HOLDS = "Ringfence stores no customer names, emails, phone numbers or addresses; only order ids, channel, SKUs, quantities and order tags.";

/** customers/data_request: the export of what we hold, written to the audit log for the merchant to send. */
export async function applyDataRequest(ctx: ApplyContext, p: CustomersDataRequestPayload): Promise<ApplyResult> {
  const orders = await ordersForExport(ctx.tx, ctx.shop.id, p.orders_requested);
  const exported = {
    customerId: p.customer.id.toString(),
    dataRequestId: p.data_request?.id.toString() ?? null,
    personalData: HOLDS,
    orders: orders.map((o) => ({
      id: o.shopifyId.toString(),
      name: o.name,
      channel: o.channel?.key ?? null,
      sourceName: o.sourceName,
      b2b: o.b2b,
      tags: o.tags,
      cancelledAt: o.cancelledAt?.toISOString() ?? null,
      createdAt: o.shopifyCreatedAt?.toISOString() ?? null,
      lines: o.lines.map((l) => ({ id: l.shopifyId.toString(), sku: l.sku, quantity: l.quantity, openQuantity: l.openQuantity })),
    })),
  };
  await ctx.tx.auditEvent.create({
    data: {
      shopId: ctx.shop.id,
      actor: "shopify:customers/data_request",
      action: "customer_data_export",
      entity: "customer",
      entityId: exported.customerId,
      after: exported,
      note: `${orders.length} of ${p.orders_requested.length} requested order(s) held`,
    },
  });
  return nothing(`exported ${orders.length} order(s) to the audit log`);
}

/**
 * customers/redact: there is no personal data to erase. Order tags are free text a merchant might
 * have put a name in, so the redacted orders' tags are cleared (their channel is already decided).
 */
export async function applyCustomerRedact(ctx: ApplyContext, p: CustomersRedactPayload): Promise<ApplyResult> {
  const { count } = await ctx.tx.order.updateMany({ where: { shopId: ctx.shop.id, shopifyId: { in: p.orders_to_redact } }, data: { tags: [] } });
  await ctx.tx.auditEvent.create({
    data: {
      shopId: ctx.shop.id,
      actor: "shopify:customers/redact",
      action: "customer_redact",
      entity: "customer",
      entityId: p.customer.id.toString(),
      note: `${HOLDS} Cleared tags on ${count} of ${p.orders_to_redact.length} order(s).`,
    },
  });
  return nothing(`no personal data held; tags cleared on ${count} order(s)`);
}

/** shop/redact: everything of the shop goes (every table cascades from shops), this inbox row too. */
export async function applyShopRedact(ctx: ApplyContext): Promise<ApplyResult> {
  const { sessionsDeleted } = await eraseShop(ctx.tx, ctx.shop.id, ctx.shop.domain);
  ctx.log.info("shop erased (shop/redact)", { shopId: ctx.shop.id, domain: ctx.shop.domain, sessionsDeleted });
  return { itemIds: [], shopErased: true, note: "shop erased" };
}
