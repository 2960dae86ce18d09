import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { groupPreview, previewSummary, type PreviewRowLike } from "./preview-rows";

export type { PreviewRowLike } from "./preview-rows";

const arrow = (a: number, b: number) => (a === b ? String(a) : `${a} → ${b}`);
const LIMIT = 500;

/** A dry run's affected variants × channels: what moves now, and what a ring-fenced pool moves at the next rebalance. */
export function PreviewTable({
  title,
  preview,
  channelNames,
}: {
  title: string;
  preview: { rows: PreviewRowLike[]; asOf: string; affectedItems: number; truncated: boolean; titles: Record<number, string> };
  channelNames?: Record<string, string>;
}) {
  const groups = groupPreview(preview.rows);
  const evaluated = preview.truncated ? new Set(preview.rows.map((r) => r.itemId)).size : null;
  const variant = (r: PreviewRowLike) => preview.titles[r.itemId] ?? r.sku ?? "Variant without a title";
  const channel = (r: PreviewRowLike) => channelNames?.[r.channel] ?? r.channel;
  const ringfenced = [...new Set(groups.atRebalance.map(channel))];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <Text as="p" tone="subdued">
          As of {preview.asOf}. {previewSummary(groups, preview.affectedItems, evaluated)} Nothing is saved until you confirm.
        </Text>
        {groups.now.length > 0 && (
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric", "numeric"]}
            headings={["Variant", "SKU", "Channel", "ATP now → after", "ATS now → after"]}
            rows={groups.now.slice(0, LIMIT).map((r) => [variant(r), r.sku ?? "—", channel(r), arrow(r.before.atp, r.after.atp), arrow(r.before.ats, r.after.ats)])}
          />
        )}
        {groups.now.length > LIMIT && <Text as="p">…and {groups.now.length - LIMIT} more.</Text>}
        {groups.atRebalance.length > 0 && (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              At the next rebalance
            </Text>
            <Text as="p" tone="subdued">
              {ringfenced.join(", ")} {ringfenced.length === 1 ? "is" : "are"} ring-fenced: each variant keeps the pool carved at the last
              rebalance, so a new split takes effect when you rebalance (Rebalance page).
            </Text>
            <DataTable
              columnContentTypes={["text", "text", "text", "numeric", "numeric"]}
              headings={["Variant", "SKU", "Channel", "ATS without this change", "ATS with it"]}
              rows={groups.atRebalance.slice(0, LIMIT).map((r) => [variant(r), r.sku ?? "—", channel(r), r.atRebalance!.before, r.atRebalance!.after])}
            />
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
