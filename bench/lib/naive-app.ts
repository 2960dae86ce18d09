import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DOCUMENT as SET_QUANTITIES } from "../../app/shopify/operations/inventory-set-quantities";
import type { ShopifyDouble } from "../../test/shopify-double";
import { AMAZON_LOCATION, WAREHOUSE, type Sku } from "./catalogue";

/**
 * The naive baseline of performance.md: for every inventory-relevant webhook delivery, one
 * `inventorySetQuantities` mutation setting the Amazon location to 20% of what it last heard the
 * warehouse holds, no coalescing, no dedupe, blind writes (changeFromQuantity null). It waits out
 * THROTTLED answers and paces itself from `throttleStatus` (as any app must) and so falls behind;
 * `backlog()` says by how much.
 */

export interface NaiveApp {
  url: string;
  mutations: number;
  backlog(): number;
  /** Stops taking new work; waits for the mutation in flight. */
  close(): Promise<void>;
}

export async function startNaiveApp(double: ShopifyDouble, shop: string, skus: Sku[], opts: { concurrency?: number } = {}): Promise<NaiveApp> {
  const token = double.installApp(shop);
  const itemOfVariant = new Map(skus.map((s) => [s.variantId, s.itemId]));
  const itemOfSku = new Map(skus.map((s) => [s.sku, s.itemId]));
  const warehouse = new Map<number, number>();
  for (const l of double.levels(shop)) if (l.location === WAREHOUSE) warehouse.set(itemOfSku.get(l.sku)!, l.available);
  const queue: number[][] = [];
  let running = 0;
  let closed = false;
  const endpoint = `${double.url}/${shop}/admin/api/2026-07/graphql.json`;
  const app = {
    url: "",
    mutations: 0,
    backlog: () => queue.length + running,
    close: async () => {
      closed = true;
      queue.length = 0;
      while (running > 0) await new Promise((r) => setTimeout(r, 20));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function write(items: number[]): Promise<void> {
    const key = randomUUID();
    const variables = {
      idempotencyKey: key,
      input: {
        name: "available",
        reason: "correction",
        referenceDocumentUri: `gid://naive-app/Write/${key}`,
        quantities: items.map((item) => ({
          inventoryItemId: `gid://shopify/InventoryItem/${item}`,
          locationId: `gid://shopify/Location/${AMAZON_LOCATION}`,
          quantity: Math.max(0, Math.floor((warehouse.get(item) ?? 0) * 0.2)),
          changeFromQuantity: null,
        })),
      },
    };
    for (;;) {
      if (closed) return;
      // Every writer waits for the bucket the last answer described (as any app must), so the
      // writers do not all wake at once and get throttled in turn.
      const wait = notBefore - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const res = await fetch(endpoint, { method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token }, body: JSON.stringify({ query: SET_QUANTITIES, variables }) });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[]; extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable: number; restoreRate: number } } } };
      const cost = body.extensions?.cost;
      const t = cost?.throttleStatus;
      // Room for this writer's next call and for those in flight with it.
      const need = (cost?.requestedQueryCost ?? 10) * (running + 1) - (t?.currentlyAvailable ?? 0);
      if (need > 0) notBefore = Math.max(notBefore, Date.now() + (need / (t?.restoreRate ?? 100)) * 1000);
      if (body.errors?.some((e) => e.extensions?.code === "THROTTLED")) continue;
      app.mutations++;
      return;
    }
  }
  let notBefore = 0;

  function pump(): void {
    while (!closed && running < (opts.concurrency ?? 4) && queue.length > 0) {
      const items = queue.shift()!;
      running++;
      void write(items)
        .catch(() => undefined)
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(200).end();
      const topic = String(req.headers["x-shopify-topic"] ?? "");
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return;
      }
      let items: number[] = [];
      if (topic.startsWith("orders/")) {
        items = ((payload.line_items ?? []) as { variant_id?: number }[]).map((l) => itemOfVariant.get(Number(l.variant_id))).filter((x): x is number => x !== undefined);
      } else if (topic === "inventory_levels/update" && Number(payload.location_id) === WAREHOUSE) {
        const item = Number(payload.inventory_item_id);
        warehouse.set(item, Number(payload.available));
        items = [item];
      }
      if (items.length > 0 && !closed) {
        queue.push([...new Set(items)]);
        pump();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  double.setWebhookUrl(app.url);
  return app;
}
