import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/free-port";
import { startPostgres } from "../../../scripts/lib/postgres";
import { startRedis } from "../../../scripts/lib/redis";

// The bring-up helpers that tests, the replay, the demo and the benchmarks share.
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Running, i.e. neither gone nor a zombie waiting for init to reap it. */
function processRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(sql)).rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

describe("startRedis", () => {
  it("starts redis-server on a free port with noeviction and stops it by pid", async () => {
    const redis = await startRedis({ reuseEnv: false });
    cleanups.push(() => redis.stop());
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    expect(await client.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
    expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    const pid = Number((await client.info("server")).match(/process_id:(\d+)/)![1]);
    client.disconnect();

    await redis.stop();
    expect(processRunning(pid)).toBe(false);
    await redis.stop();
  });

  it("restart() keeps the URL and, like a crash without persistence, loses what Redis held", async () => {
    const redis = await startRedis({ reuseEnv: false });
    cleanups.push(() => redis.stop());
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on("error", () => {});
    cleanups.push(() => client.disconnect());
    await client.set("job", "1");

    await redis.restart({ keepData: true });
    expect(await client.get("job")).toBe("1");

    await redis.restart();
    expect(await client.get("job")).toBeNull();
    await client.set("after", "2");
    expect(await client.get("after")).toBe("2");
  });

  it("reuses REDIS_URL when set, and refuses to restart a server it did not start", async () => {
    const previous = process.env.REDIS_URL;
    process.env.REDIS_URL = "redis://127.0.0.1:6399";
    cleanups.push(() => {
      process.env.REDIS_URL = previous;
    });
    const redis = await startRedis();
    expect(redis).toMatchObject({ url: "redis://127.0.0.1:6399", external: true });
    await expect(redis.restart()).rejects.toThrow(/REDIS_URL/);
  });

  it("reports a port already taken", async () => {
    const first = await startRedis({ reuseEnv: false });
    cleanups.push(() => first.stop());
    const port = Number(new URL(first.url).port);
    await expect(startRedis({ reuseEnv: false, port })).rejects.toThrow(`port ${port} is already in use`);
  });
});

describe("startPostgres", () => {
  it("keeps a data dir across restarts", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ringfence-keep-pg-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    const first = await startPostgres({ reuseEnv: false, dataDir: dir, database: "kept" });
    cleanups.push(() => first.stop());
    expect(first.url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/kept$/);
    await scalar(first.url, "CREATE TABLE marker (v int)");
    await scalar(first.url, "INSERT INTO marker VALUES (42)");
    await first.stop();

    const second = await startPostgres({ reuseEnv: false, dataDir: dir, database: "kept", port: await freePort() });
    cleanups.push(() => second.stop());
    expect(await scalar(second.url, "SELECT v FROM marker")).toBe(42);
    await second.stop();
    expect(existsSync(path.join(dir, "data", "PG_VERSION"))).toBe(true);
  });

  it("starts a throwaway cluster in a temp dir and removes it on stop", async () => {
    const handle = await startPostgres({ reuseEnv: false });
    cleanups.push(() => handle.stop());
    expect(handle.dataDir).toMatch(new RegExp(`^${os.tmpdir()}/ringfence-pg-`));
    expect(existsSync(path.join(handle.dataDir!, "data", "PG_VERSION"))).toBe(true);
    expect(await scalar(handle.url, "SELECT current_database()")).toBe("ringfence");
    await handle.stop();
    expect(existsSync(handle.dataDir!)).toBe(false);
  });

  it("leaves the exit code of a process that used it alone, and stops its cluster on SIGTERM", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ringfence-exit-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const script = path.join(dir, "probe.mts");
    const lib = path.resolve(__dirname, "../../../scripts/lib/postgres.ts");
    writeFileSync(
      script,
      `import { startPostgres } from ${JSON.stringify(lib)};\n` +
        "const pg = await startPostgres({ reuseEnv: false });\n" +
        "console.log(pg.url);\n" +
        'if (process.argv[2] === "wait") setInterval(() => {}, 1000);\n' +
        "else { await pg.stop(); process.exitCode = 3; }\n",
    );
    const tsx = path.resolve(__dirname, "../../../node_modules/.bin/tsx");

    const finished = spawnSync(tsx, [script], { encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } });
    expect(finished.stderr).toBe("");
    expect(finished.status).toBe(3);

    const child = spawn(tsx, [script, "wait"], { env: { ...process.env, DATABASE_URL: "" } });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve) => child.stdout.once("data", (chunk) => resolve(String(chunk).trim())));
    expect(await scalar(url, "SELECT 1")).toBe(1);
    // tsx forwards the signal to the script process.
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    await expect(scalar(url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("reuses DATABASE_URL when set", async () => {
    const handle = await startPostgres({ database: "ignored" });
    expect(handle).toMatchObject({ url: process.env.DATABASE_URL, external: true, dataDir: null });
  });
});
