/**
 * npm run -s bench:db
 *
 * What one database round trip costs the process that makes it, on an embedded PostgreSQL: a
 * Prisma model query, the same statement through Prisma's raw API, through our RawDb pool
 * (app/raw-db.server.ts: what the workers' lane batches and recomputes and the webhook route's
 * insert use) and through `pg` directly (the baseline, in the same run), alone and as a
 * 3-statement transaction; and the webhook route's inbox insert through Prisma and through RawDb. CPU time per call is the
 * figure that matters for the workers: on a shared 2-core machine it, not latency, sets how many
 * deliveries and recomputes a second they can take (docs/decisions/006, second round).
 */
import os from "node:os";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { insertDelivery } from "../app/models/inbox.server";
import { createRawPool, type RawDb } from "../app/raw-db.server";
import { migrate } from "../scripts/lib/migrations";
import { startPostgres } from "../scripts/lib/postgres";
import { runMain } from "./lib/cli";

const CALLS = Number(process.env.BENCH_DB_CALLS ?? 3000);

async function measure(f: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  for (let i = 0; i < 200; i++) await f();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await f();
  const c = process.cpuUsage(c0);
  return { wallMs: (performance.now() - t0) / CALLS, cpuMs: (c.user + c.system) / 1000 / CALLS };
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  process.stdout.write(`database round trip benchmark\nmachine: ${cpus[0]?.model ?? "unknown"}, ${cpus.length} cores, Node ${process.version}\nparameters: ${CALLS} calls each after 200 warm-up calls\n\n`);
  const server = await startPostgres({ reuseEnv: false, database: "bench_db" });
  const prisma = createPrismaClient(server.url);
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  const raw = createRawPool(server.url, { max: 2 });
  const shopDomain = `bench-db-${Date.now()}.myshopify.com`;
  let delivery = 0;
  const insert = (db: RawDb) => () =>
    insertDelivery(db, {
      shop: { domain: shopDomain },
      webhookId: `bench-db-${delivery++}`,
      topic: "orders/create",
      eventId: null,
      apiVersion: "2026-07",
      triggeredAt: new Date(),
      payload: { id: delivery, line_items: [{ id: 1, variant_id: 2, sku: "TEE-BLK-M", quantity: 1 }], note: "x".repeat(800) },
      status: "received",
      lane: 0,
    });
  try {
    await migrate(server.url);
    const shop = await prisma.shop.create({ data: { domain: shopDomain } });
    const cases: [string, () => Promise<unknown>][] = [
      ["prisma model findUnique", () => prisma.shop.findUnique({ where: { id: shop.id } })],
      ["prisma raw select", () => prisma.$queryRaw`SELECT * FROM shops WHERE id = ${shop.id}`],
      ["RawDb select", () => raw.$queryRaw`SELECT * FROM shops WHERE id = ${shop.id}`],
      ["pg select (baseline)", () => pool.query("SELECT * FROM shops WHERE id = $1", [shop.id])],
      ["prisma model updateMany", () => prisma.shop.updateMany({ where: { id: shop.id }, data: { timezone: "UTC" } })],
      ["prisma raw update", () => prisma.$executeRaw`UPDATE shops SET timezone = 'UTC' WHERE id = ${shop.id}`],
      [
        "prisma transaction, 3 raw",
        () =>
          prisma.$transaction(async (tx) => {
            await tx.$queryRaw`SELECT 1`;
            await tx.$queryRaw`SELECT 1`;
            await tx.$queryRaw`SELECT 1`;
          }),
      ],
      [
        "RawDb transaction, 3 raw",
        () =>
          raw.transaction(async (tx) => {
            await tx.$queryRaw`SELECT 1`;
            await tx.$queryRaw`SELECT 1`;
            await tx.$queryRaw`SELECT 1`;
          }),
      ],
      [
        "pg transaction, 3 (baseline)",
        async () => {
          const c = await pool.connect();
          try {
            await c.query("BEGIN");
            for (let i = 0; i < 3; i++) await c.query("SELECT 1");
            await c.query("COMMIT");
          } finally {
            c.release();
          }
        },
      ],
      ["inbox insert, prisma", insert(prisma)],
      ["inbox insert, RawDb", insert(raw)],
    ];
    const figures: Record<string, { wallMs: number; cpuMs: number }> = {};
    for (const [name, f] of cases) {
      const m = await measure(f);
      figures[name] = { wallMs: Math.round(m.wallMs * 1000) / 1000, cpuMs: Math.round(m.cpuMs * 1000) / 1000 };
      process.stdout.write(`${name.padEnd(30)} ${m.wallMs.toFixed(3)} ms wall, ${m.cpuMs.toFixed(3)} ms CPU per call\n`);
    }
    const ratio = figures["prisma model findUnique"].cpuMs / figures["prisma raw select"].cpuMs;
    const rawRatio = figures["prisma raw select"].cpuMs / figures["RawDb select"].cpuMs;
    process.stdout.write(`\nmodel vs raw select: ${ratio.toFixed(1)}x the CPU; Prisma raw vs RawDb select: ${rawRatio.toFixed(1)}x\n`);
    process.stdout.write(`${JSON.stringify({ calls: CALLS, figures, modelToRawCpuRatio: Math.round(ratio * 10) / 10, prismaRawToRawDbCpuRatio: Math.round(rawRatio * 10) / 10 })}\n`);
  } finally {
    await prisma.$disconnect();
    await pool.end();
    await raw.end();
    await server.stop();
  }
}

runMain(main);
