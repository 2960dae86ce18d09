/**
 * npm run -s bench:ingest [-- --orders-per-minute N] [--seconds S] [--warm-seconds S] [--web N] [--concurrency C] [--seed N]
 *
 * The webhook route on its own: how fast the app server (scripts/serve.ts, WEB_CONCURRENCY
 * processes) answers the flash sale's deliveries when the machine is not also applying them, and
 * against the floor in the same run. The stack is started and the catalogue installed as in
 * bench:flash, then the worker processes are stopped, so only the app server, PostgreSQL and Redis
 * run beside this process (rows stay in the inbox, their jobs in Redis). The order stream of
 * bench/lib/stream.ts plays through the Shopify double (checkouts, cancels: their orders, levels
 * and products webhooks, signed, with bench:flash's faults), sent and timed from a sender thread,
 * C in flight. Then the same stream goes to the floor (bench/lib/floor-receiver.mjs: node:http,
 * node:crypto HMAC, one INSERT per delivery into the same PostgreSQL, as many processes), through a
 * second double. The default rate, 1,500 orders a minute, gives about the deliveries a second
 * bench:flash's app receives at 1,000 (there a third of them are the echoes of its own pushes and
 * moves, which need workers). The first `--warm-seconds` of each phase are sent but not timed.
 * Prints latency p50/p99/max, deliveries/s and the receiving processes' CPU per delivery for both,
 * then one JSON line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../scripts/lib/free-port";
import { installAndConfigure } from "../scripts/lib/replay-run";
import { startStack } from "../scripts/lib/stack";
import { createShopifyDouble, type ShopifyDouble } from "../test/shopify-double";
import { buildCatalogue } from "./lib/catalogue";
import { ingestFigures } from "./lib/measure";
import { play } from "./lib/play";
import { machineLine, treeCpuMs } from "./lib/proc";
import { numberOption, runMain } from "./lib/cli";
import { buildStream, type TimedAction } from "./lib/stream";

const { values: args } = parseArgs({
  options: {
    "orders-per-minute": { type: "string" },
    seconds: { type: "string" },
    "warm-seconds": { type: "string" },
    web: { type: "string" },
    concurrency: { type: "string" },
    seed: { type: "string" },
  },
  strict: true,
});

const params = {
  ordersPerMinute: numberOption(args["orders-per-minute"], 1500, "orders-per-minute", 1),
  seconds: numberOption(args.seconds, 30, "seconds", 1),
  warmSeconds: numberOption(args["warm-seconds"], 5, "warm-seconds", 0),
  webProcesses: Math.floor(numberOption(args.web, 2, "web", 1)),
  // As bench:flash: Shopify delivers many at once.
  concurrency: Math.floor(numberOption(args.concurrency, 32, "concurrency", 1)),
  seed: numberOption(args.seed, 42, "seed", 0),
  faults: { duplicate: 0.1, reorderWindow: 8 },
  // bench:flash's quick catalogue.
  catalogue: { styles: 20, colours: 3, sizes: 5, zipf: 1.1, warehouseUnits: 20_000 },
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (line = "") => process.stdout.write(`${line}\n`);

/** Plays the stream on one double and reads what its deliveries met: latency of the timed part, CPU of the receiving processes. */
async function measure(double: ShopifyDouble, shop: string, actions: TimedAction[], receiverCpuMs: () => number) {
  const before = double.deliveries(shop).length;
  const cpu0 = receiverCpuMs();
  const window = await play(actions, [{ double, shop, refusedIds: new Set() }]);
  await double.flushDeliveries();
  const cpuMs = receiverCpuMs() - cpu0;
  const deliveries = double.deliveries(shop).slice(before);
  const attempts = deliveries.reduce((n, d) => n + d.attempts.length, 0);
  const figures = ingestFigures(deliveries, { start: window.start + params.warmSeconds * 1000, end: window.end });
  if (window.lateMs > 250) log(`[bench] the stream driver ran up to ${window.lateMs} ms late`);
  const topics = new Map<string, number>();
  for (const d of deliveries) topics.set(d.topic, (topics.get(d.topic) ?? 0) + 1);
  log(`[bench] deliveries by topic: ${[...topics].map(([t, n]) => `${t} ${n}`).join(", ")}`);
  return { ...figures, cpuMsPerDelivery: attempts === 0 ? null : Math.round((cpuMs / attempts) * 100) / 100 };
}

async function startFloor(databaseUrl: string, secret: string, processes: number): Promise<{ url: string; pid: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "lib/floor-receiver.mjs")], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SHOPIFY_API_SECRET: secret, PORT: String(port), PROCESSES: String(processes) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [exit] = await Promise.race([
    once(child.stdout!, "data").then(() => ["listening"]),
    once(child, "exit").then(([code]) => [`exited with ${code}`]),
  ]);
  if (exit !== "listening") throw new Error(`floor receiver ${exit}`);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, child };
}

async function main(): Promise<void> {
  out("ingest benchmark");
  out(machineLine());
  out(`parameters: ${JSON.stringify(params)}`);

  const double = { restoreRate: 100, webhooks: { concurrency: params.concurrency, senderThread: true } };
  const stack = await startStack({ workers: 1, env: { WEB_CONCURRENCY: String(params.webProcesses) }, double });
  let floorDouble: ShopifyDouble | undefined;
  let floorChild: ChildProcess | undefined;
  try {
    const shop = "flash-apparel.myshopify.com";
    const { store, skus } = buildCatalogue(shop, params.catalogue);
    await installAndConfigure(stack, { store: store as never, app: null, appInput: (store as { app: unknown }).app, script: [] }, { idleTimeoutMs: 10 * 60_000 });
    // Only the route is measured: nothing applies the deliveries (no pushes, so no echoes either).
    for (const w of [...stack.workers]) await stack.killWorker(w);
    const actions = buildStream(skus, { ordersPerMinute: params.ordersPerMinute, seconds: params.warmSeconds + params.seconds, seed: params.seed });
    const fault = { ...params.faults, seed: params.seed };

    log(`[bench] app: ${actions.length} actions over ${params.warmSeconds + params.seconds} s`);
    stack.double.faults(fault);
    const app = await measure(stack.double, shop, actions, () => treeCpuMs(stack.appPid));

    floorDouble = await createShopifyDouble({ apiKey: stack.apiKey, apiSecret: stack.apiSecret, ...double });
    const { app: _app, ...floorStore } = store as typeof store & { app?: unknown };
    floorDouble.seedStore(floorStore);
    // The same `available` everywhere as the app's double now holds (its sync and pushes set the
    // channel locations'), so the same orders are accepted and the same webhooks sent. No
    // webhook URL yet: these counts' own deliveries are not sent.
    const floorLevels = new Map(floorDouble.levels(shop).map((l) => [`${l.location}:${l.sku}`, l]));
    for (const l of stack.double.levels(shop)) {
      const f = floorLevels.get(`${l.location}:${l.sku}`);
      if (f && f.available !== l.available) floorDouble.stock(l.sku, l.location, l.available + (f.onHand - f.available), shop);
    }
    await floorDouble.flushDeliveries();
    floorDouble.faults(fault);
    const floor = await startFloor(stack.databaseUrl, stack.apiSecret, params.webProcesses);
    floorChild = floor.child;
    floorDouble.setWebhookUrl(floor.url);
    log(`[bench] floor: the same stream`);
    const floorFigures = await measure(floorDouble, shop, actions, () => treeCpuMs(floor.pid));

    const line = (name: string, f: typeof app) =>
      `${name}: ${f.deliveries} delivery attempts timed, ${f.deliveriesPerSecond}/s, latency p50 ${f.ingestP50Ms} ms, p99 ${f.ingestP99Ms} ms, max ${f.ingestMaxMs} ms, non-2xx ${f.failedAttempts}; CPU ${f.cpuMsPerDelivery} ms a delivery`;
    const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);
    out();
    out(line(`app (scripts/serve.ts, ${params.webProcesses} processes, workers stopped)`, app));
    out(line(`floor (node:http + HMAC + one INSERT, ${params.webProcesses} processes)`, floorFigures));
    out(`app ÷ floor: p99 ${ratio(app.ingestP99Ms, floorFigures.ingestP99Ms)}×, CPU a delivery ${ratio(app.cpuMsPerDelivery, floorFigures.cpuMsPerDelivery)}×`);
    const targets = { ingestP99: app.ingestP99Ms !== null && app.ingestP99Ms <= 50 && app.failedAttempts === 0 };
    out(`target (the route alone): ingest p99 ≤ 50 ms ${targets.ingestP99 ? "met" : "MISSED"}`);
    out(
      JSON.stringify({
        mode: "ingest",
        ordersPerMinute: params.ordersPerMinute,
        seconds: params.seconds,
        webProcesses: params.webProcesses,
        concurrency: params.concurrency,
        app,
        floor: floorFigures,
        p99RatioToFloor: ratio(app.ingestP99Ms, floorFigures.ingestP99Ms),
        cpuRatioToFloor: ratio(app.cpuMsPerDelivery, floorFigures.cpuMsPerDelivery),
        targets,
      }),
    );
  } finally {
    floorChild?.kill("SIGTERM");
    await floorDouble?.close();
    await stack.close();
  }
}

runMain(main);
