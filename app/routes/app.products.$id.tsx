import { json, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, DataTable, InlineGrid, InlineStack, Page, Text } from "@shopify/polaris";
import prisma from "../db.server";
import { formatDate, formatDateTime } from "../components/forms";
import { RouteError } from "../components/RouteError";
import { AtsChart } from "../components/AtsChart";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { loadProductInventory, type ChannelNumbers, type VariantInventory } from "../services/admin/product-view.server";
import { adminRequest, notFound } from "../services/admin/request.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisVizStyles }];

/** `$id` is the Shopify product id, so links from Shopify admin land here. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const raw = params.id ?? "";
  if (!/^[1-9]\d{0,19}$/.test(raw)) throw notFound(`"${raw}" is not a Shopify product id.`);
  const product = await loadProductInventory(prisma, shop.id, BigInt(raw));
  if (!product) throw notFound(`There is no product ${raw} in this shop (it may not be imported yet).`);
  return json({ ...product, asOf: new Date().toISOString() });
};

export default function ProductInventoryView() {
  const { product, variants, asOf } = useLoaderData<typeof loader>();
  return (
    <Page title={product.title} subtitle={product.vendor ? `Vendor: ${product.vendor}` : undefined} backAction={{ url: "/app/products" }}>
      <BlockStack gap="500">
        {variants.length === 0 && (
          <Card>
            <Text as="p">
              Ringfence holds no inventory for this product&apos;s variants yet, so there is nothing to show. Their inventory items
              arrive from Shopify with the sync; a product added in Shopify moments ago appears shortly.
            </Text>
          </Card>
        )}
        {variants.map((v) => (
          <Variant key={v.itemId} v={v} asOf={asOf} />
        ))}
      </BlockStack>
    </Page>
  );
}

const BREAKDOWN_LABELS: Record<string, string> = {
  asOf: "Computed for",
  minPab: "Lowest projected balance",
  bindingDay: "Binding day (days from today)",
  otherPools: "Held in other channels' pools",
  pool: "This channel's pool",
  live: "Live",
  networkSupply: "Stock across the network",
  doubleExposed: "Units offered on several channels",
  unexplainedCommitted: "Committed in Shopify with no matching open order",
  onHand: "On hand",
};

function reason(a: ChannelNumbers): string[] {
  const b = a.breakdown;
  const lines: string[] = [];
  if (typeof b.minPab === "number")
    lines.push(
      `ATP ${a.atp}: the lowest projected balance over the promise window is ${b.minPab}${typeof b.bindingDay === "number" && b.bindingDay > 0 ? ` (${b.bindingDay} day(s) out)` : ""}${typeof b.otherPools === "number" && b.otherPools > 0 ? `, minus ${b.otherPools} held in other channels' pools` : ""}.`,
    );
  if (b.live === false) lines.push("ATS 0: the channel or its rule is outside its live window.");
  else if (a.mode === "ringfenced" && typeof b.pool === "number") lines.push(`ATS ${a.ats}: the channel's ring-fenced pool holds ${b.pool}.`);
  lines.push(a.rule ? `Exposure set by ${a.rule.text}.` : "Exposure set by the channel's own percent, cap and threshold.");
  for (const [k, val] of Object.entries(b)) {
    if (["minPab", "bindingDay", "otherPools", "pool", "live", "asOf"].includes(k)) continue;
    if (val === null || val === undefined || (typeof val === "object" && Object.keys(val as object).length === 0)) continue;
    lines.push(`${BREAKDOWN_LABELS[k] ?? k}: ${typeof val === "object" ? JSON.stringify(val) : typeof val === "boolean" ? (val ? "yes" : "no") : String(val)}`);
  }
  return lines;
}

function Variant({ v, asOf }: { v: VariantInventory; asOf: string }) {
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {v.title}
          </Text>
          {v.sku && <Badge>{v.sku}</Badge>}
          {!v.tracked && <Badge tone="warning">Not tracked</Badge>}
        </InlineStack>

        <Text as="h3" variant="headingSm">
          Available to promise and to sell, per channel
        </Text>
        {v.availability.length === 0 ? (
          <Text as="p" tone="subdued">
            Not computed yet: numbers appear once a channel exists and the variant has been recomputed.
          </Text>
        ) : (
          <>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "text"]}
              headings={["Channel", "ATP", "ATS", "Computed"]}
              rows={v.availability.map((a) => [a.channel, a.atp, a.ats, formatDateTime(a.computedAt)])}
            />
            <Text as="h3" variant="headingSm">
              ATS over the last 30 days
            </Text>
            <AtsChart
              title={v.title}
              until={asOf}
              history={v.availability.map((a) => ({ channel: a.channel, points: v.history.find((h) => h.channelId === a.channelId)?.points ?? [] }))}
            />
            <Text as="h3" variant="headingSm">
              Why these numbers
            </Text>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
              {v.availability.map((a) => (
                <Box key={a.channelId} background="bg-surface-secondary" padding="300" borderRadius="200">
                  <BlockStack gap="100">
                    <Text as="p" fontWeight="semibold">
                      {a.channel}
                    </Text>
                    {reason(a).map((line, i) => (
                      <Text key={i} as="p" variant="bodySm">
                        {line}
                      </Text>
                    ))}
                  </BlockStack>
                </Box>
              ))}
            </InlineGrid>
          </>
        )}

        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              On hand by facility
            </Text>
            {v.facilities.length === 0 ? (
              <Text as="p" tone="subdued">
                No stock recorded at any facility. Stock levels arrive from Shopify with the first sync and every change after.
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={["Facility", "On hand", "Available", "Committed"]}
                rows={v.facilities.map((f) => [f.name, f.onHand, f.available, f.committed])}
              />
            )}
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Open orders by channel
            </Text>
            {v.openOrders.length === 0 ? (
              <Text as="p" tone="subdued">
                No open orders: no channel has claimed any of this variant's stock.
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={["Channel", "Orders", "Units", "Pre-order units"]}
                rows={v.openOrders.map((o) => [o.channel, o.orders, o.units, o.preOrderUnits])}
              />
            )}
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Holdbacks
            </Text>
            {v.holdbacks.length === 0 ? (
              <Text as="p" tone="subdued">
                Nothing held back. Set units aside for a channel on the Holdbacks page.
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text"]}
                headings={["For", "At", "Units", "Until"]}
                rows={v.holdbacks.map((h) => [h.channel, h.location, h.quantity, formatDate(h.until, "no end")])}
              />
            )}
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Inbound by date
            </Text>
            {v.inbound.length === 0 ? (
              <Text as="p" tone="subdued">
                No open purchase order brings more of this variant.
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "text", "text"]}
                headings={["ETA", "Units", "Purchase order", "Ships to"]}
                rows={v.inbound.map((i) => [formatDate(i.date), i.quantity, `${i.purchaseOrder}${i.supplier ? ` (${i.supplier})` : ""}`, i.destination])}
              />
            )}
          </BlockStack>
        </InlineGrid>

        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Last written to Shopify
          </Text>
          {v.pushed.length === 0 ? (
            <Text as="p" tone="subdued">
              Ringfence has not written this variant's quantities to Shopify yet.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
              headings={["Location", "Shopify quantity", "Units written", "ATS then", "When"]}
              rows={v.pushed.map((p) => [p.location, p.name, p.quantity, p.lastAts ?? "—", formatDateTime(p.pushedAt)])}
            />
          )}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Product" backUrl="/app/products" />;
}
