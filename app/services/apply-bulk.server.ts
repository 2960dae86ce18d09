import { nothing, type ApplyContext, type ApplyResult } from "./apply-context.server";

/**
 * bulk_operations/finish: when it is the shop's running sync operation, the sync job is enqueued
 * (deduplicated per shop) to import the result now instead of at its next poll of
 * currentBulkOperation. Any other operation is not ours to act on.
 */
export async function applyBulkFinish(
  ctx: ApplyContext,
  p: { admin_graphql_api_id: bigint; status: string },
): Promise<ApplyResult & { sync?: { shopId: number; mode: "initial" | "full" } }> {
  const gid = `gid://shopify/BulkOperation/${p.admin_graphql_api_id}`;
  if (ctx.shop.syncBulkOperationId !== gid || ctx.shop.syncStatus !== "running") {
    return nothing(`bulk operation ${gid} (${p.status}) is not the shop's running sync`);
  }
  return { itemIds: [], note: `sync operation ${p.status}`, sync: { shopId: ctx.shop.id, mode: ctx.shop.syncFinishedAt === null ? "initial" : "full" } };
}
