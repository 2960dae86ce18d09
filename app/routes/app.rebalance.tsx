import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Card, DataTable, Page, Text } from "@shopify/polaris";
import { Empty } from "../components/Empty";
import { RouteError } from "../components/RouteError";
import prisma from "../db.server";
import { itemNames } from "../services/config/lookups.server";
import { useJsonAction } from "../components/useJsonAction";
import { channelOptions } from "../services/admin/options.server";
import { adminRequest, badRequest, failure, readBody } from "../services/admin/request.server";
import { previewRebalance, rebalance, type RebalancePreview } from "../services/config/pools.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const channels = await channelOptions(shop.id);
  const ringfenced = channels.filter((c) => c.mode === "ringfenced");
  const preview = ringfenced.length > 0 ? await previewRebalance(shop.id) : null;
  const names = await itemNames(shop.id, preview?.rows.map((r) => r.itemId) ?? [], prisma);
  const titles = Object.fromEntries([...names].map(([id, n]) => [id, n.title]));
  return json({ ringfenced, preview, titles });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const body = await readBody(request);
  if (body.intent !== "apply") return badRequest([{ path: "intent", message: 'must be "apply"' }]);
  try {
    const applied = await rebalance(shop.id, {}, { actor });
    return json({ ok: true as const, applied });
  } catch (error) {
    return failure(error);
  }
};

const arrow = (a: number, b: number) => (a === b ? String(a) : `${a} → ${b}`);

export default function Rebalance() {
  const { ringfenced, preview, titles } = useLoaderData<typeof loader>();
  const action = useJsonAction<{ applied: RebalancePreview }>();
  const revalidator = useRevalidator();
  return (
    <Page
      title="Rebalance"
      subtitle="Re-apply each ring-fenced channel's intended split to today's stock"
      primaryAction={preview && preview.rows.length > 0 ? { content: "Apply rebalance", onAction: () => action.submit({ intent: "apply" }), loading: action.busy } : undefined}
      secondaryActions={[{ content: "Refresh preview", onAction: () => revalidator.revalidate() }]}
    >
      <BlockStack gap="400">
        <Text as="p">
          A ring-fenced channel keeps a pool per variant, carved at the last rebalance and reduced by what it sells. Rebalancing
          splits today's free stock again by each channel's percent and cap, highest priority first.
        </Text>
        {action.ok && (
          <Banner tone="success" title={`Rebalanced as of ${action.ok.applied.asOf}: ${action.ok.applied.rows.length} pool(s) changed.`} onDismiss={() => revalidator.revalidate()}>
            <p>The new numbers are being written to Shopify.</p>
          </Banner>
        )}
        {action.failure && <Banner tone="critical" title={action.failure.message} />}
        {ringfenced.length === 0 || !preview ? (
          <Card>
            <Empty heading="No channel is ring-fenced" action={{ content: "Open channels", url: "/app/channels" }}>
              There is nothing to rebalance. To give a channel (wholesale, a marketplace) its own pool that no other channel can
              sell, open it and set Stock to Ring-fenced.
            </Empty>
          </Card>
        ) : (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Preview as of {preview.asOf}
              </Text>
              {preview.rows.length === 0 ? (
                <Text as="p">Every pool already matches the intended split: nothing would change.</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "numeric"]}
                  headings={["Variant", "SKU", "Channel", "Pool now → after", "ATS now → after"]}
                  rows={preview.rows.slice(0, 500).map((r) => [
                    titles[r.itemId] ?? r.sku ?? "Variant without a title",
                    r.sku ?? "—",
                    ringfenced.find((c) => c.id === r.channelId)?.name ?? r.channel,
                    arrow(r.poolBefore, r.poolAfter),
                    arrow(r.atsBefore, r.atsAfter),
                  ])}
                />
              )}
              {preview.rows.length > 500 && <Text as="p">…and {preview.rows.length - 500} more.</Text>}
            </BlockStack>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Rebalance" />;
}
