import { Badge, BlockStack, Card, DataTable, Text } from "@shopify/polaris";

export interface PreviewRowLike {
  itemId: number;
  sku: string | null;
  channel: string;
  before: { atp: number; ats: number };
  after: { atp: number; ats: number };
  changed: boolean;
}

const arrow = (a: number, b: number) => (a === b ? String(a) : `${a} → ${b}`);

/** A dry run's affected variants × channels, ATP and ATS now → after. */
export function PreviewTable({ title, rows, asOf, affectedItems, channelNames }: { title: string; rows: PreviewRowLike[]; asOf: string; affectedItems?: number; channelNames?: Record<string, string> }) {
  const changed = rows.filter((r) => r.changed);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <Text as="p" tone="subdued">
          As of {asOf}
          {affectedItems !== undefined ? `: ${affectedItems} variant(s) affected` : ""}, {changed.length} number(s) change. Nothing is saved until you
          confirm.
        </Text>
        {rows.length === 0 ? (
          <Text as="p">No variant's numbers would change.</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
            headings={["Variant (SKU)", "Channel", "ATP now → after", "ATS now → after", ""]}
            rows={rows.slice(0, 500).map((r) => [
              r.sku ?? `item ${r.itemId}`,
              channelNames?.[r.channel] ?? r.channel,
              arrow(r.before.atp, r.after.atp),
              arrow(r.before.ats, r.after.ats),
              r.changed ? <Badge key={`${r.itemId}-${r.channel}`} tone="attention">changes</Badge> : "",
            ])}
          />
        )}
        {rows.length > 500 && <Text as="p">…and {rows.length - 500} more rows.</Text>}
      </BlockStack>
    </Card>
  );
}
