import type { TestProject } from "vitest/node";
import { migrate } from "../../scripts/lib/migrations";
import { startPostgres, type PostgresHandle } from "../../scripts/lib/postgres";
import { startRedis, type RedisHandle } from "../../scripts/lib/redis";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

/**
 * Starts the integration project's services once: an embedded PostgreSQL, migrated with the same
 * code as `npm run db:migrate`, and a Redis. DATABASE_URL / REDIS_URL are deliberately NOT reused
 * (tests truncate tables); set TEST_DATABASE_URL / TEST_REDIS_URL to point the tests at servers of
 * your own instead.
 */
export default async function setup(project: TestProject) {
  let postgres: PostgresHandle | undefined;
  let redis: RedisHandle | undefined;
  const teardown = async () => {
    await Promise.allSettled([redis?.stop(), postgres?.stop()]);
  };
  try {
    const started = Date.now();
    [postgres, redis] = await Promise.all([
      process.env.TEST_DATABASE_URL
        ? Promise.resolve({ url: process.env.TEST_DATABASE_URL, external: true, dataDir: null, stop: async () => {} })
        : startPostgres({ reuseEnv: false, database: "ringfence_test" }),
      process.env.TEST_REDIS_URL
        ? Promise.resolve({
            url: process.env.TEST_REDIS_URL,
            external: true,
            restart: async () => {
              throw new Error("restart() is not available for TEST_REDIS_URL");
            },
            stop: async () => {},
          })
        : startRedis({ reuseEnv: false }),
    ]);
    const result = await migrate(postgres.url);
    console.log(
      `[integration] PostgreSQL ${postgres.external ? "(TEST_DATABASE_URL)" : "(embedded)"} + Redis ready, ` +
        `${result.applied.length} migration(s) applied, in ${Date.now() - started} ms`,
    );
  } catch (error) {
    await teardown();
    throw error;
  }
  // Not process.env: that would leak into the `unit` project. integration-env.ts sets the env of
  // the integration workers from these.
  project.provide("databaseUrl", postgres.url);
  project.provide("redisUrl", redis.url);
  return teardown;
}
