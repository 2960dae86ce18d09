import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import prisma from "../db.server";
import { formatDateTime } from "../components/forms";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { getProducer } from "../jobs/producer.server";
import { loadShopOverview, type ShopOverview } from "../lib/shop-overview.server";
import { loadDashboard, retryPush, type Dashboard, type PushProblem } from "../services/admin/dashboard.server";
import { readQueueDepths } from "../services/admin/queue-depth.server";
import { adminRequest, badRequest, notFound, readBody } from "../services/admin/request.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // The shop comes from the verified session token, never from the request's parameters.
  const overview = await loadShopOverview(prisma, session.shop);
  const shop = overview ? await prisma.shop.findUnique({ where: { domain: session.shop }, select: { id: true } }) : null;
  const dashboard = shop ? await loadDashboard(prisma, shop.id, readQueueDepths) : null;
  return json({ shop: session.shop, overview, dashboard });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const body = await readBody(request);
  if (body.intent !== "retry-push") return badRequest([{ path: "intent", message: 'must be "retry-push"' }]);
  const jobId = Number(body.jobId);
  if (!Number.isInteger(jobId) || jobId <= 0) return badRequest([{ path: "jobId", message: "must be a push id" }]);
  const result = await retryPush(prisma, shop.id, jobId, getProducer());
  if (!result.found) throw notFound(`There is no failed or waiting push ${jobId} in this shop.`);
  return json({
    ok: true as const,
    message:
      result.action === "resend"
        ? "The push will be sent to Shopify again now, unchanged."
        : `The ${result.items} variant(s) of this push are being recomputed; fresh writes to Shopify follow.`,
  });
};

export default function DashboardPage() {
  const { shop, overview, dashboard } = useLoaderData<typeof loader>();
  return (
    <Page title="Dashboard" subtitle="Where each channel stands, and whether Shopify is in step">
      <Layout>
        {overview && dashboard ? <ShopState overview={overview} dashboard={dashboard} /> : <NotImported shop={shop} />}
      </Layout>
    </Page>
  );
}

function NotImported({ shop }: { shop: string }) {
  return (
    <Layout.Section>
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
    </Layout.Section>
  );
}

const SYNC_BADGE = {
  pending: { tone: "attention", label: "Sync pending" },
  running: { tone: "info", label: "Syncing" },
  done: { tone: "success", label: "In sync" },
  failed: { tone: "critical", label: "Sync failed" },
} as const;

function ShopState({ overview, dashboard }: { overview: ShopOverview; dashboard: Dashboard }) {
  const { counts, sync } = overview;
  const badge = SYNC_BADGE[sync.status];
  const progress = sync.total ? Math.min(100, Math.round((sync.imported / sync.total) * 100)) : null;
  const low = dashboard.channels.filter((c) => c.outOfStock + c.low > 0).sort((a, b) => b.outOfStock + b.low - (a.outOfStock + a.low));
  const spare = dashboard.channels.filter((c) => c.spare > 0).sort((a, b) => b.spare - a.spare);
  return (
    <>
      <Layout.Section>
        <Card>
          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Initial sync
              </Text>
              <Badge tone={badge.tone}>{badge.label}</Badge>
            </InlineStack>
            {progress !== null && sync.status !== "done" && (
              <BlockStack gap="100">
                <ProgressBar progress={progress} tone={sync.status === "failed" ? "critical" : "primary"} />
                <Text as="p" tone="subdued">
                  {sync.imported.toLocaleString("en-US")} of {sync.total?.toLocaleString("en-US")} objects imported ({progress}%)
                </Text>
              </BlockStack>
            )}
            {sync.status === "pending" && <Text as="p">The import of your locations, products, stock and open orders is queued.</Text>}
            {sync.status === "done" && <Text as="p">Everything was imported {formatDateTime(sync.finishedAt)}; webhooks keep it current.</Text>}
            {sync.status === "failed" && sync.error && (
              <Text as="p" tone="critical">
                {sync.error}
              </Text>
            )}
          </BlockStack>
        </Card>
      </Layout.Section>

      {counts.channels === 0 && (
        <Layout.Section>
          <Banner title="Next: create your first channel" action={{ content: "Set up channels", url: "/app/channels/new" }}>
            <p>
              A channel says which orders belong to it (source, app, B2B, POS location or tag), which facilities it sells from
              and where its ATS is published. Until one exists, every channel shares all stock as Shopify does.
            </p>
          </Banner>
        </Layout.Section>
      )}

      <Layout.Section variant="oneHalf">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Channels running low
            </Text>
            <Text as="p" tone="subdued">
              Variants with nothing left to sell (ATS 0) or at most {dashboard.lowThreshold} units.
            </Text>
            {low.length === 0 ? (
              <Text as="p">No channel is running low.</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={["Channel", "Out of stock", `Low (≤ ${dashboard.lowThreshold})`, "Variants"]}
                rows={low.map((c) => [<Link key={c.id} to={`/app/channels/${c.id}`}>{c.name}</Link>, c.outOfStock, c.low, c.items])}
              />
            )}
          </BlockStack>
        </Card>
      </Layout.Section>
      <Layout.Section variant="oneHalf">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Channels with spare capacity
            </Text>
            <Text as="p" tone="subdued">
              Units the channel could promise (ATP) but its exposure rules hold back from sale (ATS).
            </Text>
            {spare.length === 0 ? (
              <Text as="p">Every channel offers all it can promise.</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={["Channel", "Spare units", "ATP", "ATS"]}
                rows={spare.map((c) => [<Link key={c.id} to={`/app/channels/${c.id}`}>{c.name}</Link>, c.spare, c.atp, c.ats])}
              />
            )}
          </BlockStack>
        </Card>
      </Layout.Section>

      <Layout.Section>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Double exposure
            </Text>
            <Text as="p" tone="subdued">
              Shared channels each show what they could sell, so the same unit can be on offer in several places. These
              variants offer more in total than the stock behind them; a sale on one channel lowers the others.
            </Text>
            {dashboard.doubleExposure.items === 0 ? (
              <Text as="p">No variant is offered more than once.</Text>
            ) : (
              <>
                <Text as="p">
                  {dashboard.doubleExposure.items} variant(s), {dashboard.doubleExposure.units} unit(s) offered more than once.
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "numeric"]}
                  headings={["Variant", "SKU", "Units offered more than once"]}
                  rows={dashboard.doubleExposure.top.map((i) => [
                    i.productShopifyId ? (
                      <Link key={i.itemId} to={`/app/products/${i.productShopifyId}`}>
                        {i.title}
                      </Link>
                    ) : (
                      i.title
                    ),
                    i.sku ?? "—",
                    i.units,
                  ])}
                />
              </>
            )}
          </BlockStack>
        </Card>
      </Layout.Section>

      <Layout.Section>
        <SyncHealth dashboard={dashboard} />
      </Layout.Section>

      <Layout.Section>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Stat label="Facilities" value={counts.facilities} />
          <Stat label="Channels" value={counts.channels} />
          <Stat label="Tracked variants" value={counts.trackedItems} />
          <Stat label="Open purchase orders" value={counts.openPurchaseOrders} />
        </InlineGrid>
      </Layout.Section>
    </>
  );
}

function SyncHealth({ dashboard }: { dashboard: Dashboard }) {
  const { pushes, queues, queueError } = dashboard;
  const retry = useJsonAction<{ message: string }>("retry");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Sync health
        </Text>
        <InlineStack gap="600">
          <Text as="p">
            Last written to Shopify: <strong>{formatDateTime(pushes.lastPushAt)}</strong>
          </Text>
          <Text as="p">
            Writes waiting to go out: <strong>{pushes.pending}</strong>
          </Text>
        </InlineStack>
        {queues ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
            headings={["Queue (all shops)", "Waiting", "Running", "Delayed (retry backoff)", "Failed"]}
            rows={queues.map((q) => [q.name, q.waiting, q.active, q.delayed, q.failed])}
          />
        ) : (
          <Banner tone="warning" title="Queue depth unavailable">
            <p>{queueError}. Webhooks are still recorded; they are processed once the queue is back.</p>
          </Banner>
        )}
        {retry.ok && <Banner tone="success" title={retry.ok.message} />}
        {retry.failure && <Banner tone="critical" title={retry.failure.message} />}
        <PushProblems
          title="Pushes waiting for a retry"
          help="Shopify could not be reached or was busy; each is retried automatically with the same write."
          jobs={pushes.waitingRetry}
          onRetry={(id) => retry.submit({ intent: "retry-push", jobId: id })}
          busy={retry.busy}
        />
        <PushProblems
          title="Pushes Shopify refused (last 7 days)"
          help="Retry recomputes these variants and writes fresh numbers."
          jobs={pushes.failed}
          onRetry={(id) => retry.submit({ intent: "retry-push", jobId: id })}
          busy={retry.busy}
        />
      </BlockStack>
    </Card>
  );
}

function PushProblems({ title, help, jobs, onRetry, busy }: { title: string; help: string; jobs: PushProblem[]; onRetry: (id: number) => void; busy: boolean }) {
  if (jobs.length === 0) return null;
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm">
        {title}
      </Text>
      <Text as="p" tone="subdued">
        {help}
      </Text>
      <DataTable
        columnContentTypes={["text", "text", "numeric", "text", "text"]}
        headings={["Created", "Variants", "Attempts", "Error", ""]}
        rows={jobs.map((j) => [
          formatDateTime(j.createdAt),
          `${j.skus.join(", ")}${j.quantities > j.skus.length ? ` (${j.quantities} quantities)` : ""}`,
          j.attempts,
          j.error ?? "",
          <Button key={j.id} onClick={() => onRetry(j.id)} loading={busy}>
            Retry
          </Button>,
        ])}
      />
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

export function ErrorBoundary() {
  return <RouteError title="Dashboard" />;
}
