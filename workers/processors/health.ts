import type { Processor } from "../types";

/**
 * Liveness probe for ops and tests: proves a worker took the job and can reach PostgreSQL.
 */
export const health: Processor<"health"> = async (payload, _job, { prisma }) => {
  const started = performance.now();
  await prisma.$queryRaw`SELECT 1`;
  return { nonce: payload.nonce, pid: process.pid, dbMs: Math.round((performance.now() - started) * 10) / 10 };
};
