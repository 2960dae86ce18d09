import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, Page, Text } from "@shopify/polaris";
import { Empty } from "../components/Empty";
import { RouteError } from "../components/RouteError";
import prisma from "../db.server";
import { targetText } from "../components/rule-form";
import { channelOptions } from "../services/admin/options.server";
import { adminRequest } from "../services/admin/request.server";
import { listRules, type RuleView } from "../services/config/rules.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const channelParam = new URL(request.url).searchParams.get("channel");
  const channels = await channelOptions(shop.id);
  // An unknown (or another shop's) channel id filters to nothing rather than widening the list.
  const channelId = channelParam && /^\d+$/.test(channelParam) ? Number(channelParam) : null;
  const shown = channelId === null ? channels : channels.filter((c) => c.id === channelId);
  const rules = (await listRules(shop.id, channelId === null ? {} : { channelId })).filter((r) => shown.some((c) => c.id === r.channelId));
  const productIds = rules.filter((r) => r.target.kind === "product" && r.target.value && /^\d{1,20}$/.test(r.target.value)).map((r) => BigInt(r.target.value!));
  const products = productIds.length === 0 ? [] : await prisma.product.findMany({ where: { shopId: shop.id, shopifyId: { in: productIds } }, select: { shopifyId: true, title: true } });
  const productTitles = Object.fromEntries(products.map((p) => [p.shopifyId.toString(), p.title]));
  return json({ channels: shown, rules, productTitles, filtered: channelId !== null });
};

const setting = (r: RuleView) =>
  [
    r.percent !== null ? `${r.percent}%` : null,
    r.cap !== null ? `cap ${r.cap}` : null,
    r.zeroBelow !== null ? `0 at ≤ ${r.zeroBelow}` : null,
    r.safetyStock !== null ? `safety ${r.safetyStock}` : null,
  ]
    .filter(Boolean)
    .join(", ");

export default function ExposureRules() {
  const { channels, rules, productTitles, filtered } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Exposure rules"
      subtitle="How much of each channel's ATP is offered for sale, per product, variant, collection, tag or vendor"
      primaryAction={channels.length > 0 ? { content: "Add rule", url: "/app/exposure-rules/new" } : undefined}
      backAction={filtered ? { url: "/app/exposure-rules" } : undefined}
    >
      <BlockStack gap="400">
        {channels.length === 0 && (
          <Card>
            <Empty heading="Create a channel first" action={{ content: "Create channel", url: "/app/channels/new" }}>
              Rules refine a channel's split, so a channel must exist before it can have rules.
            </Empty>
          </Card>
        )}
        {channels.map((c) => {
          const mine = rules.filter((r) => r.channelId === c.id);
          return (
            <Card key={c.id}>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {c.name}
                </Text>
                {mine.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No rules: every product gets the channel's own percent, cap and threshold.{" "}
                    <Link to={`/app/exposure-rules/new?channel=${c.id}`}>Add a rule</Link>
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text"]}
                    headings={["Applies to", "Sets", "Live", ""]}
                    rows={mine.map((r) => [
                      targetText(r.target.kind, r.target.value, productTitles),
                      setting(r) || "—",
                      r.liveFrom || r.liveUntil ? `${r.liveFrom ?? "now"} to ${r.liveUntil ?? "no end"}` : "Always",
                      <Link key={r.id} to={`/app/exposure-rules/${r.id}`}>
                        Edit
                      </Link>,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          );
        })}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Exposure rules" />;
}
