/**
 * The production app server (`npm start`): `remix-serve` with one shortcut.
 *
 *   tsx scripts/serve.ts [build/server/index.js]      PORT (default 3000), HOST (default all)
 *
 * Everything is served as remix-serve serves it (express: compression, build/client and public/
 * as static files, a morgan access log, then Remix's request handler) except a POST to a
 * webhook route. Shopify sends ~2 deliveries an order, so at peak they are nearly all of the
 * traffic, and behind remix-serve each cost ~3 ms of CPU (express's middleware, the access log,
 * Remix matching the path against every route) where the route's own work (verify, record,
 * enqueue) is under 1 ms. A POST whose path is a `webhooks.*` route's is handed straight to that
 * route module's `action`, the function Remix would call (scripts/lib/direct-webhooks.ts). The
 * routes, their files and shopify.app.toml are unchanged. Webhook requests are not in the access
 * log: the route logs each delivery at debug and every failure at warn or above.
 *
 * WEB_CONCURRENCY=N (default 1) runs N server processes on the one port (node:cluster; the
 * primary only hands out connections and starts a process again if one dies): a burst of
 * deliveries is answered on every core instead of queueing behind one event loop.
 */
import cluster from "node:cluster";
import { createServer } from "node:http";
import path from "node:path";
import url from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { answerWithAction, pathOf, webhookActions } from "./lib/direct-webhooks";

const processes = webConcurrency(process.env.WEB_CONCURRENCY);
if (processes > 1 && cluster.isPrimary) superviseServers(processes);
else await serve();

function webConcurrency(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`WEB_CONCURRENCY: must be a whole number of server processes, at least 1 (got ${raw})`);
    process.exit(2);
  }
  return n;
}

function superviseServers(n: number): void {
  let stopping = false;
  const running = () => Object.values(cluster.workers ?? {});
  // Ends every server process, then this one with `code` once the last has exited.
  const stop = (code: number) => {
    stopping = true;
    process.exitCode = code;
    if (running().length === 0) process.exit(code);
    for (const w of running()) w?.kill("SIGTERM");
  };
  const listening = new Set<number>();
  cluster.on("listening", (worker) => listening.add(worker.id));
  cluster.on("exit", (worker, code, signal) => {
    const served = listening.delete(worker.id);
    if (stopping) {
      if (running().length === 0) process.exit(process.exitCode ?? 0);
    } else if (!served && signal === null) {
      // One that exited on its own before it listened (bad configuration, a broken build) would
      // only fail again. One killed by a signal (an operator, the OOM killer) is started again.
      console.error(`[serve] a server process exited before it listened (${signal ?? code}); stopping`);
      stop(1);
    } else {
      console.error(`[serve] server process ${worker.process.pid} exited (${signal ?? code}); starting another`);
      cluster.fork();
    }
  });
  for (let i = 0; i < n; i++) cluster.fork();
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => stop(0));
}

async function serve(): Promise<void> {
  process.env.NODE_ENV = process.env.NODE_ENV ?? "production";
  process.setSourceMapsEnabled(true);

  // Node's own Request (undici), kept for the webhook routes: Remix's globals replace it with a
  // polyfill for Remix's own use.
  const NodeRequest = globalThis.Request;

  const buildPath = path.resolve(process.argv[2] ?? "build/server/index.js");
  const build = (await import(url.pathToFileURL(buildPath).href)) as ServerBuild;
  installGlobals({ nativeFetch: build.future.v3_singleFetch });

  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.use(morgan("tiny"));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

  const actions = webhookActions(build);
  const server = createServer((req, res) => {
    const action = req.method === "POST" ? actions.get(pathOf(req.url ?? "/")) : undefined;
    if (action) void answerWithAction(action, req, res, NodeRequest);
    else app(req, res);
  });

  const port = Number(process.env.PORT ?? 3000);
  const onListen = () => console.log(`[serve] http://${process.env.HOST ?? "localhost"}:${port} (${actions.size} webhook routes answered directly)`);
  if (process.env.HOST) server.listen(port, process.env.HOST, onListen);
  else server.listen(port, onListen);
  // Stop taking connections, finish what is in flight, then exit (at most 10 s later).
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    process.once(signal, () => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 10_000).unref();
    });
}
