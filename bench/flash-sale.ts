/**
 * npm run -s bench:flash [-- --quick] [--orders-per-minute N] [--seconds S] [--workers N] [--dedicated QUEUES|none] [--web N] [--worker-nice N] [--stress-seconds S] [--max-drain-seconds S] [--seed N] [--calls FILE]
 *
 * A flash sale through the real stack (scripts/lib/stack.ts: app server, worker processes,
 * PostgreSQL, Redis) and the Shopify test double, with faults on (duplicates, reordering), and the
 * naive baseline (one mutation per webhook) on a second double fed the same order stream in the
 * same run. Prints the machine, the parameters and the figures (performance.md), then one JSON
 * line. Progress on stderr. `--calls FILE` also writes the main phase's Shopify calls as JSON
 * lines (times, operation, requested and actual cost, the bucket before the call; no documents),
 * its deliveries (topic, attempts) and our inbox rows (received, applied), for looking at where
 * the time went.
 */
import { Prisma } from "@prisma/client";
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { isQueueName, QUEUE_NAMES, type QueueName } from "../app/jobs/contract";
import { loadItem } from "../app/models/availability.server";
import { linesToRoute } from "../app/models/routing.server";
import type { RawDb } from "../app/raw-db.server";
import { installAndConfigure } from "../scripts/lib/replay-run";
import { busyStatus, startStack, type Stack } from "../scripts/lib/stack";
import { createShopifyDouble, type ShopifyDouble } from "../test/shopify-double";
import { AMAZON_LOCATION, buildCatalogue, type Sku } from "./lib/catalogue";
import { costFigures, ingestFigures, naiveScriptCost, pushLatency, routedSaleLatency } from "./lib/measure";
import { startNaiveApp } from "./lib/naive-app";
import { play } from "./lib/play";
import { machineLine } from "./lib/proc";
import { numberOption, runMain } from "./lib/cli";
import { buildStream, type TimedAction } from "./lib/stream";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "orders-per-minute": { type: "string" },
    seconds: { type: "string" },
    "stress-seconds": { type: "string" },
    workers: { type: "string", default: "2" },
    dedicated: { type: "string", default: "route" },
    web: { type: "string", default: "2" },
    "worker-nice": { type: "string", default: "10" },
    "max-drain-seconds": { type: "string" },
    seed: { type: "string", default: "42" },
    calls: { type: "string" },
  },
  strict: true,
});

function queuesArg(v: string | undefined): QueueName[] {
  if (!v || v === "none") return [];
  const names = v.split(",").map((q) => q.trim());
  const bad = names.filter((q) => !isQueueName(q));
  if (bad.length > 0) {
    process.stderr.write(`--dedicated: must be "none" or a comma-separated list of queues (${QUEUE_NAMES.join(", ")}), unknown: ${bad.join(", ")}\n`);
    process.exit(2);
  }
  return names as QueueName[];
}

const params = {
  mode: args.quick ? "quick" : "full",
  ordersPerMinute: numberOption(args["orders-per-minute"], 1000, "orders-per-minute"),
  seconds: numberOption(args.seconds, args.quick ? 60 : 300, "seconds"),
  maxDrainSeconds: numberOption(args["max-drain-seconds"], args.quick ? 90 : 900, "max-drain-seconds"),
  // Shopify delivers many webhooks at once; the double's default (8 in flight) would cap ingest.
  deliveryConcurrency: 32,
  stressOrdersPerMinute: 10_000,
  stressSeconds: numberOption(args["stress-seconds"], args.quick ? 0 : 30, "stress-seconds"),
  workers: numberOption(args.workers, 2, "workers"),
  // Plus one worker process for these queues only (WORKER_QUEUES), as deployed: see the README.
  dedicated: queuesArg(args.dedicated),
  // App server processes (WEB_CONCURRENCY): as many as the machine has cores, as deployed.
  webProcesses: Math.max(1, Math.floor(numberOption(args.web, 2, "web"))),
  // The workers' niceness: everything shares this machine's cores, and this decides whether the
  // route's answers or the workers' apply and push wait (README, docs/decisions/006 tenth round).
  workerNiceness: Math.min(19, Math.floor(numberOption(args["worker-nice"], 10, "worker-nice"))),
  seed: numberOption(args.seed, 42, "seed"),
  restoreRate: 100,
  faults: { duplicate: 0.1, reorderWindow: 8 },
  catalogue: { styles: args.quick ? 20 : 60, colours: args.quick ? 3 : 4, sizes: 5, zipf: 1.1, warehouseUnits: args.quick ? 20_000 : 80_000 },
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (line = "") => process.stdout.write(`${line}\n`);

async function phase(stack: Stack, shop: string, skus: Sku[], actions: TimedAction[], naive: { double: ShopifyDouble; shop: string } | null) {
  const itemOfVariant = new Map(skus.map((s) => [s.variantId, s.itemId]));
  const naiveApp = naive ? await startNaiveApp(naive.double, naive.shop, skus) : null;
  const targets = [{ double: stack.double, shop, refusedIds: new Set<number>() }];
  if (naive) targets.push({ ...naive, refusedIds: new Set<number>() });
  // Where work waits, every 10 s of the stream (stderr): which stage falls behind, if any.
  const shopId = (await stack.prisma.shop.findUniqueOrThrow({ where: { domain: shop }, select: { id: true } })).id;
  const t0 = Date.now();
  const sampler = setInterval(() => {
    void busyStatus(stack.prisma, stack.producer, [shopId]).then(
      (s) => log(`[bench] t=${Math.round((Date.now() - t0) / 1000)} s: ${s.summary}`),
      () => undefined,
    );
  }, 10_000);
  // Deliveries are sent and timed from the doubles' sender threads (senderThread), so this loop's
  // delays (the doubles' GraphQL, the naive app, the stream) are not in the ingest figures; they
  // are printed beside them to show what the threads keep out.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const window = await play(actions, targets).finally(() => {
    clearInterval(sampler);
    loop.disable();
  });
  if (window.lateMs > 250) log(`[bench] the stream driver ran up to ${window.lateMs} ms late`);
  const benchLoopDelay = { p50Ms: Math.round(loop.percentile(50) / 1e5) / 10, p99Ms: Math.round(loop.percentile(99) / 1e5) / 10, maxMs: Math.round(loop.max / 1e5) / 10 };
  const naiveBacklogAtEnd = naiveApp?.backlog() ?? 0;
  log(`[bench] stream done in ${((window.end - window.start) / 1000).toFixed(1)} s; waiting for the app to go idle`);
  // Bounded: a loop that cannot keep up is reported as not drained instead of running for ever.
  let drainMs: number | null = null;
  let behind = "";
  try {
    drainMs = (await stack.waitIdle({ timeoutMs: params.maxDrainSeconds * 1000, shops: [shop] })).ms;
  } catch (error) {
    behind = ((error as Error).message.split("\n")[0] ?? "").replace(/^waitIdle: /, "");
    log(`[bench] not drained after ${params.maxDrainSeconds} s: ${behind}`);
  }
  const naiveBacklogAtIdle = naiveApp?.backlog() ?? 0;
  await naiveApp?.close();

  const d = stack.double;
  const calls = d.calls(shop);
  const deliveries = d.deliveries(shop);
  const stats = d.stats(shop);
  if (args.calls && naive) {
    const rows = [
      ...calls.graphql.map(({ document: _d, variables: _v, ...c }) => ({ kind: "call", ...c })),
      ...deliveries.map((x) => ({ kind: "delivery", topic: x.topic, webhookId: x.webhookId, status: x.status, attempts: x.attempts, source: (x.payload as { source_name?: string }).source_name ?? null })),
      // When each was recorded and applied (our inbox; UTC).
      ...(
        await stack.prisma.webhookInbox.findMany({ where: { shop: { domain: shop } }, select: { webhookId: true, topic: true, lane: true, receivedAt: true, processedAt: true, status: true } })
      ).map((r) => ({ kind: "inbox", ...r, receivedAt: r.receivedAt.getTime(), processedAt: r.processedAt?.getTime() ?? null })),
    ];
    writeFileSync(args.calls, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    log(`[bench] ${rows.length} calls and deliveries written to ${args.calls}`);
  }
  const ingest = ingestFigures(deliveries, window);
  const push = pushLatency(deliveries, calls.inventory, itemOfVariant, window, (x) => {
    const p = x.payload as { source_name?: string };
    return (x.topic === "orders/create" && p.source_name === "amazon") || x.topic === "orders/cancelled";
  });
  const routedSales = routedSaleLatency(deliveries, calls.inventory, itemOfVariant, window, AMAZON_LOCATION, (x) => x.topic === "orders/create" && (x.payload as { source_name?: string }).source_name === "amazon");
  const pushAllOrders = pushLatency(deliveries, calls.inventory, itemOfVariant, window, (x) => x.topic === "orders/create" || x.topic === "orders/cancelled");
  const cost = costFigures(calls.graphql, calls.inventory, window, params.restoreRate);
  const naiveWindow = naive ? costFigures(naive.double.calls(naive.shop).graphql, naive.double.calls(naive.shop).inventory, window, params.restoreRate) : null;
  // The naive app is throttled and never catches up: what it spent by the time ours was idle
  // depends on how long ours took. The script's cost is one mutation per delivery it queued,
  // the ones still waiting priced like those it made.
  const naiveCost = naiveWindow && naiveApp ? { ...naiveWindow, ...naiveScriptCost(naiveWindow, naiveBacklogAtIdle) } : null;
  const orders = actions.filter((a) => a.action.do === "order").length;
  return {
    orders,
    streamSeconds: (window.end - window.start) / 1000,
    drainMs,
    behind,
    ingest,
    benchLoopDelay,
    push,
    pushAllOrders,
    routedSales,
    cost,
    naiveCost,
    naiveBacklogAtEnd,
    naiveBacklogAtIdle,
    refused: stats.refused,
    unfulfillable: stats.unfulfillable,
    duplicates: stats.deliveries.duplicates,
  };
}

async function main(): Promise<void> {
  out(`flash-sale benchmark (${params.mode})`);
  out(machineLine());
  out(`parameters: ${JSON.stringify(params)}`);

  const stack = await startStack({ workers: params.workers, dedicated: params.dedicated, workerNiceness: params.workerNiceness, env: { WEB_CONCURRENCY: String(params.webProcesses) }, double: { restoreRate: params.restoreRate, webhooks: { concurrency: params.deliveryConcurrency, senderThread: true } } });
  const stopOnSignal = () => void stack.close().finally(() => process.exit(130));
  process.on("SIGINT", stopOnSignal);
  process.on("SIGTERM", stopOnSignal);
  let naiveDouble: ShopifyDouble | undefined;
  try {
    const shop = "flash-apparel.myshopify.com";
    const { store, skus } = buildCatalogue(shop, params.catalogue);
    const t0 = Date.now();
    await installAndConfigure(stack, { store: store as never, app: null, appInput: (store as { app: unknown }).app, script: [] }, { idleTimeoutMs: 10 * 60_000 });
    log(`[bench] ${skus.length} SKUs installed, synced and configured in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    naiveDouble = await createShopifyDouble({ apiKey: stack.apiKey, apiSecret: stack.apiSecret, restoreRate: params.restoreRate, webhooks: { concurrency: params.deliveryConcurrency, senderThread: true } });
    const { app: _app, ...naiveStore } = store as typeof store & { app?: unknown };
    naiveDouble.seedStore(naiveStore);
    const fault = { ...params.faults, seed: params.seed };
    stack.double.faults(fault);
    naiveDouble.faults(fault);

    const actions = buildStream(skus, { ordersPerMinute: params.ordersPerMinute, seconds: params.seconds, seed: params.seed });
    log(`[bench] streaming ${actions.length} actions over ${params.seconds} s`);
    const main = await phase(stack, shop, skus, actions, { double: naiveDouble, shop });

    let stress: Awaited<ReturnType<typeof phase>> | null = null;
    if (params.stressSeconds > 0) {
      const stressActions = buildStream(skus, { ordersPerMinute: params.stressOrdersPerMinute, seconds: params.stressSeconds, seed: params.seed + 1 }).map((a) =>
        a.action.do === "order" ? { ...a, action: { ...a.action, id: a.action.id + 1_000_000 } } : a.action.do === "cancel" ? { ...a, action: { ...a.action, id: a.action.id + 1_000_000 } } : a,
      );
      log(`[bench] stress: ${stressActions.length} actions over ${params.stressSeconds} s at ${params.stressOrdersPerMinute} orders/minute`);
      stress = await phase(stack, shop, skus, stressActions, null);
    }

    const m = main;
    out();
    out(`orders: ${m.orders} in ${m.streamSeconds.toFixed(1)} s (${params.ordersPerMinute}/min), duplicates sent ${m.duplicates}`);
    out(`ingest: ${m.ingest.deliveries} delivery attempts, ${m.ingest.deliveriesPerSecond}/s, latency p50 ${m.ingest.ingestP50Ms} ms, p99 ${m.ingest.ingestP99Ms} ms, max ${m.ingest.ingestMaxMs} ms, non-2xx ${m.ingest.failedAttempts} (sent and timed from a thread of their own); the benchmark process's event-loop delay, not in those figures: p50 ${m.benchLoopDelay.p50Ms} ms, p99 ${m.benchLoopDelay.p99Ms} ms, max ${m.benchLoopDelay.maxMs} ms`);
    out(`webhook→push (Amazon sales and cancellations, per SKU): p50 ${m.push.pushP50Ms} ms, p95 ${m.push.pushP95Ms} ms, p99 ${m.push.pushP99Ms} ms over ${m.push.samples} samples (${m.push.unmatched} without a later push)`);
    out(
      `  of which, Amazon sales landing on the channel location: delivery→routed off it p50 ${m.routedSales.toMoveP50Ms} ms, p95 ${m.routedSales.toMoveP95Ms} ms; ` +
        `routed→our push setting it back to ATS p50 ${m.routedSales.moveToPushP50Ms} ms, p95 ${m.routedSales.moveToPushP95Ms} ms (${m.routedSales.samples} samples)`,
    );
    out(`webhook→next push of the SKU (every order, upper bound): p50 ${m.pushAllOrders.pushP50Ms} ms, p95 ${m.pushAllOrders.pushP95Ms} ms, p99 ${m.pushAllOrders.pushP99Ms} ms over ${m.pushAllOrders.samples} samples (${m.pushAllOrders.unmatched} without)`);
    out(m.drainMs !== null ? `drain after the stream: ${m.drainMs} ms to idle` : `NOT drained ${params.maxDrainSeconds} s after the stream: ${m.behind}`);
    out(`our Shopify calls by operation: ${Object.entries(m.cost.byOperation).map(([k, v]) => `${k} ${v.calls}× ${v.points} pts`).join(", ")}`);
    out(`Shopify cost (ours): ${m.cost.costPoints} points (${m.cost.mutationCostPoints} in ${m.cost.mutations} mutations, ${m.cost.calls} calls), ${m.cost.changedSkus} changed SKUs → ${m.cost.costPointsPerChangedSku} points per changed SKU; throttled ${m.cost.throttled}, stale ${m.cost.stale}; ceiling share ${m.cost.ceilingShare} over ${m.cost.busySeconds} s`);
    const syncRatio = m.naiveCost?.costPointsPerChangedSku && m.cost.syncCostPointsPerChangedSku !== null ? m.cost.syncCostPointsPerChangedSku / m.naiveCost.costPointsPerChangedSku : null;
    out(
      `Shopify cost of keeping ATS in Shopify (ours: pushes + the reads the push path needs, routing excluded): ${m.cost.syncCostPoints} points → ${m.cost.syncCostPointsPerChangedSku} points per changed SKU` +
        (m.naiveCost ? ` vs naive ${m.naiveCost.costPointsPerChangedSku} (${syncRatio === null ? "n/a" : `${Math.round(syncRatio * 1000) / 1000}×`})` : ""),
    );
    out(
      `Shopify cost of routing channel-location orders (ours; the naive baseline routes nothing): ${m.cost.routingCostPoints} points in ${m.cost.routingCalls} calls for ${m.cost.ordersRouted} orders routed → ${m.cost.routingPointsPerOrder} points per order`,
    );
    if (m.naiveCost)
      out(
        `Shopify cost (naive): ${m.naiveCost.costPoints} points in ${m.naiveCost.mutations} mutations by the time ours was idle (${m.naiveCost.windowPointsPerChangedSku} per changed SKU), ` +
          `backlog ${m.naiveBacklogAtEnd} deliveries at stream end, ${m.naiveBacklogAtIdle} when ours was idle; the whole script at its ${m.naiveCost.pointsPerMutation} points a mutation: ` +
          `${m.naiveCost.scriptPoints} points, ${m.naiveCost.changedSkus} changed SKUs → ${m.naiveCost.costPointsPerChangedSku} per changed SKU; throttled ${m.naiveCost.throttled}`,
      );
    out(`refused orders: ${m.refused}, unfulfillable units: ${m.unfulfillable}`);
    if (stress)
      out(`stress (${params.stressOrdersPerMinute}/min for ${params.stressSeconds} s): ${stress.ingest.deliveriesPerSecond} deliveries/s, ingest p99 ${stress.ingest.ingestP99Ms} ms, webhook→push p95 ${stress.push.pushP95Ms} ms p99 ${stress.push.pushP99Ms} ms, drain ${stress.drainMs} ms, ceiling share ${stress.cost.ceilingShare}, throttled ${stress.cost.throttled}, unfulfillable ${stress.unfulfillable}`);
    const windowRatio = m.naiveCost?.windowPointsPerChangedSku && m.cost.syncCostPointsPerChangedSku !== null ? m.cost.syncCostPointsPerChangedSku / m.naiveCost.windowPointsPerChangedSku : null;
    const ratio = m.naiveCost?.costPointsPerChangedSku && m.cost.costPointsPerChangedSku !== null ? m.cost.costPointsPerChangedSku / m.naiveCost.costPointsPerChangedSku : null;
    // Like for like: the naive baseline only keeps ATS in Shopify, so the cost target compares
    // our sync cost with it; routing is reported on its own line, per order.
    const targets = {
      pushP95: m.push.pushP95Ms !== null && m.push.pushP95Ms <= 2000,
      costTenthOfNaive: syncRatio !== null && syncRatio <= 0.1,
      ingestP99: m.ingest.ingestP99Ms !== null && m.ingest.ingestP99Ms <= 50,
      noUnfulfillable: m.unfulfillable === 0,
    };
    const targetNotes: Partial<Record<keyof typeof targets, string>> = {
      costTenthOfNaive: `judged on sync cost per changed SKU vs the naive app's cost of the whole script, ${syncRatio === null ? "n/a" : `${Math.round(syncRatio * 1000) / 1000}×`}; vs what it spent by the time ours was idle ${windowRatio === null ? "n/a" : `${Math.round(windowRatio * 1000) / 1000}×`}; all-in ${ratio === null ? "n/a" : `${Math.round(ratio * 1000) / 1000}×`} includes routing, which the naive app does not do`,
    };
    out(`targets (quick): ${Object.entries(targets).map(([k, v]) => `${k} ${v ? "met" : "MISSED"}${targetNotes[k as keyof typeof targets] ? ` (${targetNotes[k as keyof typeof targets]})` : ""}`).join(", ")}`);
    out(
      JSON.stringify({
        mode: params.mode,
        ordersPerMinute: params.ordersPerMinute,
        seconds: params.seconds,
        deliveriesPerSecond: m.ingest.deliveriesPerSecond,
        ingestP50Ms: m.ingest.ingestP50Ms,
        ingestP99Ms: m.ingest.ingestP99Ms,
        senderLoopDelayP99Ms: m.benchLoopDelay.p99Ms,
        pushP50Ms: m.push.pushP50Ms,
        pushP95Ms: m.push.pushP95Ms,
        pushP99Ms: m.push.pushP99Ms,
        costPointsPerChangedSku: m.cost.costPointsPerChangedSku,
        naiveCostPointsPerChangedSku: m.naiveCost?.costPointsPerChangedSku ?? null,
        naiveWindowCostPointsPerChangedSku: m.naiveCost?.windowPointsPerChangedSku ?? null,
        costRatioToNaive: ratio === null ? null : Math.round(ratio * 1000) / 1000,
        syncCostPointsPerChangedSku: m.cost.syncCostPointsPerChangedSku,
        syncCostRatioToNaive: syncRatio === null ? null : Math.round(syncRatio * 1000) / 1000,
        syncCostRatioToNaiveWindow: windowRatio === null ? null : Math.round(windowRatio * 1000) / 1000,
        routingPointsPerOrder: m.cost.routingPointsPerOrder,
        routingCostPoints: m.cost.routingCostPoints,
        ordersRouted: m.cost.ordersRouted,
        ceilingShare: m.cost.ceilingShare,
        throttled: m.cost.throttled,
        refused: m.refused,
        unfulfillable: m.unfulfillable,
        drainMs: m.drainMs,
        drained: m.drainMs !== null,
        stress: stress
          ? { ordersPerMinute: params.stressOrdersPerMinute, deliveriesPerSecond: stress.ingest.deliveriesPerSecond, ingestP99Ms: stress.ingest.ingestP99Ms, pushP95Ms: stress.push.pushP95Ms, drainMs: stress.drainMs, ceilingShare: stress.cost.ceilingShare }
          : null,
        targets,
      }),
    );
  } finally {
    if (process.env.RINGFENCE_PG_STAT_STATEMENTS) await dumpStatements(stack).catch((e) => log(`[bench] pg_stat_statements: ${(e as Error).message}`));
    await naiveDouble?.close();
    await stack.close();
  }
}

/** The statements PostgreSQL ran most (RINGFENCE_PG_STAT_STATEMENTS=1) and the hottest item's recompute read plan, on stderr: where the database time goes. */
async function dumpStatements(stack: Stack): Promise<void> {
  await stack.prisma.$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  const rows = await stack.prisma.$queryRawUnsafe<{ calls: bigint; ms: number; query: string }[]>(
    "SELECT calls, total_exec_time AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40",
  );
  log("[bench] busiest statements (calls, total ms, query):");
  for (const r of rows) log(`  ${r.calls}\t${Math.round(r.ms)}\t${r.query}`);
  // The recompute's read of the item with the most order lines, as PostgreSQL ran it just now.
  const hot = await stack.prisma.$queryRawUnsafe<{ shopId: number; itemId: number; n: bigint }[]>(`SELECT "shopId", "itemId", count(*) AS n FROM order_lines GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`);
  if (hot.length === 0) return;
  let plan: { "QUERY PLAN": string }[] = [];
  const planned = new Error("planned");
  const explain: RawDb = {
    $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
      // A tagged template's strings, or an already built Prisma.Sql (Prisma.Sql is a type only at run time here).
      const sql = Array.isArray(query) ? Prisma.sql(query as TemplateStringsArray, ...values) : (query as Prisma.Sql);
      plan = await stack.prisma.$queryRaw(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
      // The caller's statement was explained, not run: stop it before it reads a result.
      throw planned;
    },
    $executeRaw: async () => 0,
  };
  const failed = (e: unknown) => {
    if (e !== planned) log(`[bench] explain failed: ${(e as Error).message}`);
  };
  await loadItem(explain, hot[0].shopId, hot[0].itemId).catch(failed);
  log(`[bench] loadItem of item ${hot[0].itemId} (${hot[0].n} order lines):`);
  for (const r of plan) log(`  ${r["QUERY PLAN"]}`);
  // A route run's read of what may need moving, for each channel published to a location.
  const channels = await stack.prisma.channel.findMany({ where: { shopId: hot[0].shopId, publishKind: "location", publishLocationId: { not: null } } });
  for (const ch of channels) {
    await linesToRoute(explain, ch.shopId, ch.publishLocationId!, ch.id).catch(failed);
    log(`[bench] linesToRoute of channel ${ch.key}:`);
    for (const r of plan) log(`  ${r["QUERY PLAN"]}`);
  }
}

runMain(main);
