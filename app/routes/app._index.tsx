import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import prisma from "../db.server";
import { loadShopOverview, type ShopOverview } from "../lib/shop-overview.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // The shop comes from the verified session token, never from the request's parameters.
  return json({ shop: session.shop, overview: await loadShopOverview(prisma, session.shop) });
};

export default function Home() {
  const { shop, overview } = useLoaderData<typeof loader>();
  return (
    <Page title="Ringfence">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                What Ringfence does
              </Text>
              <Text as="p">
                Ringfence keeps two numbers for every variant and sales channel. <strong>ATP</strong> (available to
                promise) is what you can ship to that channel within its promise window after open orders, holdbacks,
                safety stock and inbound purchase orders. <strong>ATS</strong> (available to sell) is the part of it you
                choose to expose there. Every order and stock change recomputes them within seconds and writes ATS
                back to Shopify, so no channel sells stock promised to another.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>{overview ? <ShopState overview={overview} /> : <NotImported shop={shop} />}</Layout.Section>
      </Layout>
    </Page>
  );
}

function NotImported({ shop }: { shop: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Your shop is not imported yet
        </Text>
        <Text as="p">
          Ringfence has no locations, products or stock for {shop} yet. The first sync reads them from Shopify after
          installation; this page fills in once it has run.
        </Text>
      </BlockStack>
    </Card>
  );
}

const SYNC_BADGE = {
  pending: { tone: "attention", label: "Sync pending" },
  running: { tone: "info", label: "Syncing" },
  done: { tone: "success", label: "In sync" },
  failed: { tone: "critical", label: "Sync failed" },
} as const;

function ShopState({ overview }: { overview: ShopOverview }) {
  const { counts, sync } = overview;
  const badge = SYNC_BADGE[sync.status];
  const progress = sync.total ? Math.min(100, Math.round((sync.imported / sync.total) * 100)) : null;
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              {overview.domain}
            </Text>
            <Badge tone={badge.tone}>{badge.label}</Badge>
          </InlineStack>
          {sync.status === "running" && progress !== null && (
            <BlockStack gap="100">
              <ProgressBar progress={progress} />
              <Text as="p" tone="subdued">
                {sync.imported} of {sync.total} objects imported
              </Text>
            </BlockStack>
          )}
          {sync.status === "failed" && sync.error && (
            <Text as="p" tone="critical">
              {sync.error}
            </Text>
          )}
          <Text as="p" tone="subdued">
            {overview.lastPushAt
              ? `Last written to Shopify ${new Date(overview.lastPushAt).toLocaleString()}`
              : "Nothing written to Shopify yet"}
          </Text>
        </BlockStack>
      </Card>
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        <Stat label="Facilities" value={counts.facilities} />
        <Stat label="Channels" value={counts.channels} />
        <Stat label="Channel locations" value={counts.channelLocations} />
        <Stat label="Products" value={counts.products} />
        <Stat label="Variants" value={counts.variants} />
        <Stat label="Tracked items" value={counts.trackedItems} />
        <Stat label="Open purchase orders" value={counts.openPurchaseOrders} />
        <Stat label="Active holdbacks" value={counts.activeHoldbacks} />
      </InlineGrid>
      {counts.channels === 0 && (
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Next: create your first channel
            </Text>
            <Text as="p">
              A channel says which orders belong to it (source, app, B2B, POS location or tag), which facilities it
              sells from and where its ATS is published. Until one exists, every channel shares all stock as Shopify
              does.
            </Text>
            <InlineStack>
              <Button url="/app/channels" variant="primary">
                Set up channels
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      )}
    </BlockStack>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <Card>
      <Box>
        <Text as="p" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value.toLocaleString("en-US")}
        </Text>
      </Box>
    </Card>
  );
}
