/**
 * npm run -s bench:db
 *
 * What one database round trip costs the process that makes it, on an embedded PostgreSQL: a
 * Prisma model query, the same statement through Prisma's raw API, and through `pg` directly (the
 * baseline, in the same run), alone and as a 3-statement transaction. CPU time per call is the
 * figure that matters for the workers: on a shared 2-core machine it, not latency, sets how many
 * deliveries and recomputes a second they can take (docs/decisions/006, second round).
 */
import os from "node:os";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { migrate } from "../scripts/lib/migrations";
import { startPostgres } from "../scripts/lib/postgres";

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
  try {
    await migrate(server.url);
    const shop = await prisma.shop.create({ data: { domain: `bench-db-${Date.now()}.myshopify.com` } });
    const cases: [string, () => Promise<unknown>][] = [
      ["prisma model findUnique", () => prisma.shop.findUnique({ where: { id: shop.id } })],
      ["prisma raw select", () => prisma.$queryRaw`SELECT * FROM shops WHERE id = ${shop.id}`],
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
    ];
    const figures: Record<string, { wallMs: number; cpuMs: number }> = {};
    for (const [name, f] of cases) {
      const m = await measure(f);
      figures[name] = { wallMs: Math.round(m.wallMs * 1000) / 1000, cpuMs: Math.round(m.cpuMs * 1000) / 1000 };
      process.stdout.write(`${name.padEnd(30)} ${m.wallMs.toFixed(3)} ms wall, ${m.cpuMs.toFixed(3)} ms CPU per call\n`);
    }
    const ratio = figures["prisma model findUnique"].cpuMs / figures["prisma raw select"].cpuMs;
    process.stdout.write(`\nmodel vs raw select: ${ratio.toFixed(1)}x the CPU\n`);
    process.stdout.write(`${JSON.stringify({ calls: CALLS, figures, modelToRawCpuRatio: Math.round(ratio * 10) / 10 })}\n`);
  } finally {
    await prisma.$disconnect();
    await pool.end();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
