import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import { ClientOnly } from "./ClientOnly";
import { Sparkline } from "./Sparkline";
import { resampleAtsHistory, type ChannelHistory } from "./ats-series";

const timeLabel = (key: string | number | null) => {
  const d = new Date(String(key));
  return Number.isNaN(d.getTime()) ? String(key) : d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
};

/**
 * ATS over time for one variant, one line per channel (Polaris Viz). Polaris Viz reads `navigator`
 * while rendering, so the server sends a sparkline per channel and the chart replaces it after
 * hydration.
 */
export function AtsChart({ title, history, until }: { title: string; history: readonly ChannelHistory[]; until: string }) {
  const fallback = (
    <div data-chart-fallback="">
      <BlockStack gap="100">
        {history.map((h) => (
          <InlineStack key={h.channel} gap="200" blockAlign="center">
            <Text as="span" variant="bodySm">
              {h.channel}
            </Text>
            <Sparkline label={`ATS for ${h.channel}`} points={h.points.map((p) => ({ at: p.at, value: p.ats }))} />
          </InlineStack>
        ))}
      </BlockStack>
    </div>
  );
  if (history.every((h) => h.points.length === 0)) {
    return (
      <Text as="p" tone="subdued">
        No ATS history yet: it is recorded each time the numbers are recomputed.
      </Text>
    );
  }
  return (
    <div data-testid="ats-chart" aria-label={`ATS over time for ${title}`} style={{ height: 240 }}>
      <ClientOnly fallback={fallback}>
        {() => (
          <PolarisVizProvider>
            <LineChart
              data={resampleAtsHistory(history, new Date(until))}
              xAxisOptions={{ labelFormatter: timeLabel }}
              tooltipOptions={{ keyFormatter: timeLabel }}
              emptyStateText="No ATS history yet"
            />
          </PolarisVizProvider>
        )}
      </ClientOnly>
    </div>
  );
}
