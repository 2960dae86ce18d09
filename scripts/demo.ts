/**
 * npm run demo [-- --rate 3 --seed 1 --workers 1]      the whole loop, in a browser, no Shopify store
 * npm run demo -- --smoke                              the same start, checked over HTTP, then exit
 * npm run demo -- --screenshots docs/screenshots       the README's pictures, from 20 s of orders
 *
 * Starts PostgreSQL (embedded unless DATABASE_URL is set), Redis, the Shopify test double seeded
 * with the demo apparel store, the built app and a worker, installs the app the way Shopify does,
 * applies the demo configuration through the admin's code path, and runs a simulated order stream.
 * The app runs with DEMO_MODE on: /demo/launch opens the admin in an ordinary browser and a local
 * App Bridge stand-in supplies session tokens minted by the double. Ctrl-C stops everything.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { InputError, parseStore } from "../test/shopify-double";
import { seedPreorders } from "./lib/demo-preorders";
import { createOrderStream, demoStore, type OrderStream } from "./lib/demo-store";
import { installAndConfigure, performLine } from "./lib/replay-run";
import { startStack, type Stack } from "./lib/stack";
import { takeDemoScreenshots } from "./lib/demo-screenshots";
import { runSmokeChecks } from "./lib/demo-smoke";

const USAGE = "usage: npm run demo [-- --smoke | --screenshots DIR] [--rate ORDERS_PER_SECOND] [--seed N] [--workers N]";

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function parse() {
  let values;
  try {
    values = parseArgs({
      options: {
        smoke: { type: "boolean", default: false },
        screenshots: { type: "string" },
        rate: { type: "string", default: "3" },
        seed: { type: "string", default: "1" },
        workers: { type: "string", default: "1" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(2, `${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) fail(0, USAGE);
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 50) fail(2, `--rate: must be a number of orders a second from 0 to 50, got ${values.rate}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) fail(2, `--seed: must be a whole number, got ${values.seed}`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) fail(2, `--workers: must be a whole number from 1 to 8, got ${values.workers}`);
  return { smoke: values.smoke, screenshots: values.screenshots, rate, seed, workers };
}

export interface StreamRunner {
  stop(): Promise<void>;
  readonly counts: { orders: number; refused: number; cancels: number; stockCounts: number };
  /** Set when the stream stopped on an unexpected error. */
  readonly failure: Error | null;
}

/** Performs one stream action every 1/rate seconds until stopped. */
export function runStream(stack: Stack, shop: string, stream: OrderStream, rate: number, log: (line: string) => void): StreamRunner {
  const counts = { orders: 0, refused: 0, cancels: 0, stockCounts: 0 };
  let stopped = false;
  let failure: Error | null = null;
  let line = 0;
  const loop = (async () => {
    while (!stopped) {
      const action = stream.next();
      try {
        const result = await performLine(stack.double, shop, { line: ++line, action });
        if (action.do === "order") {
          stream.settle(action.id, result !== false);
          if (result === false) counts.refused++;
          else counts.orders++;
        } else if (action.do === "cancel") counts.cancels++;
        else counts.stockCounts++;
      } catch (error) {
        if (action.do === "order") stream.settle(action.id, false);
        // Shopify refusing one action (e.g. a cancel of an order it already closed) is not fatal.
        if (error instanceof InputError) log(`[demo] ${action.do} refused by Shopify: ${error.message}`);
        else {
          failure = error instanceof Error ? error : new Error(String(error));
          log(`[demo] order stream stopped: ${failure.message}`);
          return;
        }
      }
      await new Promise((r) => setTimeout(r, 1000 / rate));
    }
  })();
  return {
    counts,
    get failure() {
      return failure;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * With a reused DATABASE_URL, an earlier demo's shop is still there, holding an access token the
 * new test double never issued: start the demo shop over (its rows only) so it installs afresh.
 */
async function resetDemoShop(stack: Stack, shop: string, log: (line: string) => void): Promise<void> {
  const [sessions, shops] = await stack.prisma.$transaction([
    stack.prisma.session.deleteMany({ where: { shop } }),
    stack.prisma.shop.deleteMany({ where: { domain: shop } }),
  ]);
  if (sessions.count + shops.count > 0) log(`[demo] removed the previous demo's ${shop} from this database to install it afresh`);
}

async function main(): Promise<void> {
  const args = parse();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const today = new Date().toISOString().slice(0, 10);
  const store = demoStore(today);

  let stack: Stack | undefined;
  let starting: Promise<Stack> | undefined;
  let runner: StreamRunner | undefined;
  let status: NodeJS.Timeout | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("[demo] stopping everything");
    clearInterval(status);
    // Ctrl-C during start-up: let the start finish so everything it started is stopped too.
    if (!stack && starting) stack = await starting.catch(() => undefined);
    await runner?.stop().catch(() => undefined);
    await stack?.close().catch((e) => log(`[demo] stopping the stack: ${(e as Error).message}`));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(143));

  try {
    const started = Date.now();
    starting = startStack({
      workers: args.workers,
      env: { DEMO_MODE: "true" },
      double: { sessionTokenEndpoint: true },
      log,
    });
    stack = await starting;
    if (stopping) return;
    await resetDemoShop(stack, store.shop, log);
    const { shop, shopId } = await installAndConfigure(stack, { store: parseStore(store), app: null, appInput: store.app, script: [] });
    const preorders = await seedPreorders(stack, shop, shopId);
    log(`[demo] ${preorders.placed.length} pre-order(s) allocated to PO-1001, ${preorders.parked.length} parked`);
    log(`[demo] ${shop} installed, synced and configured in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const port = new URL(stack.appUrl).port;
    const launchUrl = `http://localhost:${port}/demo/launch`;
    const stream = createOrderStream({ today, seed: args.seed, store });

    if (args.smoke) {
      if (preorders.placed.length === 0) throw new Error("smoke: no demo pre-order was allocated to PO-1001");
      const report = await runSmokeChecks({ stack, shop, shopId, launchUrl, log, startStream: () => runStream(stack!, shop, stream, Math.max(args.rate, 5), log) });
      log(`[demo] smoke passed: ${report.join("; ")}`);
      await stop(0);
      return;
    }

    if (args.screenshots) {
      const shots = runStream(stack, shop, stream, args.rate, log);
      await new Promise((r) => setTimeout(r, 20_000));
      await shots.stop();
      await stack.waitIdle({ shops: [shop] });
      const files = await takeDemoScreenshots(stack, shop, shopId, path.resolve(args.screenshots), today);
      log(`[demo] screenshots after ${shots.counts.orders} orders: ${files.join(", ")}`);
      await stop(0);
      return;
    }

    runner = runStream(stack, shop, stream, args.rate, log);
    process.stdout.write(`\nRingfence demo is running. Open:\n\n  ${launchUrl}\n\nOrders stream in at ${args.rate}/s. Ctrl-C stops everything.\n\n`);
    status = setInterval(() => {
      const s = stack!.double.stats(shop);
      const pushes = stack!.double.calls(shop).graphql.filter((c) => c.outcome === "ok" && /inventorySetQuantities|inventoryMoveQuantities/.test(c.document)).length;
      const c = runner!.counts;
      log(`[demo] orders ${c.orders} (refused ${c.refused}), cancels ${c.cancels}, stock counts ${c.stockCounts}; webhooks sent ${s.deliveries.sent}; inventory pushes ${pushes}`);
      if (runner!.failure) void stop(1);
    }, 15_000);
    status.unref();
  } catch (error) {
    log(`[demo] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stop(1);
  }
}

void main();
