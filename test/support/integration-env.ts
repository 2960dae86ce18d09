import { afterAll, inject } from "vitest";
import { disconnectDb } from "../../app/db.server";

// Test files run in worker processes: point them at the services global-setup.ts started, before
// any test module reads the environment.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = inject("redisUrl");

afterAll(async () => {
  await disconnectDb();
});
