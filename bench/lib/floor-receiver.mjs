// The floor of webhook ingest, for bench/ingest.ts: what any receiver has to do with a delivery
// and nothing more. A plain node:http server (PROCESSES of them on one port, node:cluster) that
// reads the body, checks X-Shopify-Hmac-Sha256 with node:crypto, parses the JSON and INSERTs one
// row per delivery (ON CONFLICT on the webhook id: a duplicate changes nothing) into a table of
// its own in the same PostgreSQL, committed before the 200. No framework, no session read, no
// batching, no queue. Plain JavaScript so node runs it without a loader.
//
// Env: DATABASE_URL, SHOPIFY_API_SECRET, PORT, PROCESSES (default 1). Prints "listening" once every
// process listens.
import cluster from "node:cluster";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";

const { DATABASE_URL, SHOPIFY_API_SECRET, PORT } = process.env;
const PROCESSES = Number(process.env.PROCESSES ?? 1);
if (!DATABASE_URL || !SHOPIFY_API_SECRET || !PORT) {
  process.stderr.write("floor-receiver: DATABASE_URL, SHOPIFY_API_SECRET and PORT are required\n");
  process.exit(2);
}

const TABLE = `CREATE TABLE IF NOT EXISTS bench_floor_inbox (
  id bigserial PRIMARY KEY, "webhookId" text NOT NULL UNIQUE, shop text NOT NULL, topic text NOT NULL,
  payload jsonb NOT NULL, "receivedAt" timestamp(3) NOT NULL DEFAULT now())`;

if (cluster.isPrimary) {
  const setup = new pg.Client({ connectionString: DATABASE_URL });
  await setup.connect();
  await setup.query(TABLE);
  await setup.query("TRUNCATE bench_floor_inbox");
  await setup.end();
  let listening = 0;
  for (let i = 0; i < PROCESSES; i++) {
    cluster.fork().on("listening", () => {
      if (++listening === PROCESSES) process.stdout.write("listening\n");
    });
  }
  cluster.on("exit", (_w, code, signal) => {
    process.stderr.write(`floor-receiver: a process exited (${signal ?? code})\n`);
    process.exit(1);
  });
  process.on("SIGTERM", () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
  const secret = SHOPIFY_API_SECRET;
  createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      try {
        const body = Buffer.concat(chunks);
        const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
        const expected = createHmac("sha256", secret).update(body).digest();
        if (req.method !== "POST" || given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.writeHead(401).end();
          return;
        }
        const payload = JSON.parse(body.toString("utf8"));
        await pool.query(
          `INSERT INTO bench_floor_inbox ("webhookId", shop, topic, payload) VALUES ($1, $2, $3, $4) ON CONFLICT ("webhookId") DO NOTHING`,
          [String(req.headers["x-shopify-webhook-id"]), String(req.headers["x-shopify-shop-domain"]), String(req.headers["x-shopify-topic"]), payload],
        );
        res.writeHead(200).end();
      } catch (error) {
        res.writeHead(500).end(String(error?.message ?? error));
      }
    });
  }).listen(Number(PORT), "127.0.0.1");
}
