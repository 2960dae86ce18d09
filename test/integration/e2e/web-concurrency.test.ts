import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../scripts/lib/migrations";
import { ensureBuild, type Stack } from "../../../scripts/lib/stack";
import { hmacBase64 } from "../../shopify-double";
import { startE2EStack } from "./helpers";

/**
 * `npm start` with WEB_CONCURRENCY=2 (scripts/serve.ts): two server processes on one port, each
 * answering webhooks; one that dies is replaced; a bad value is refused before anything starts.
 */

/** The server processes under the primary (not, say, the esbuild service tsx may start). */
const serversUnder = (pid: number): number[] =>
  readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, "utf8");
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return parent === pid && readFileSync(`/proc/${p}/cmdline`, "utf8").includes("scripts/serve.ts") ? [Number(p)] : [];
      } catch {
        return [];
      }
    });

describe("app server processes (WEB_CONCURRENCY)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startE2EStack({ workers: 0, env: { WEB_CONCURRENCY: "2" } });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  /** One delivery on a connection of its own (a kept-alive one may lead to the process killed). */
  function post(): Promise<number> {
    const body = JSON.stringify({ id: 1, domain: "not-installed.myshopify.com" });
    const headers = {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      "X-Shopify-Topic": "app/uninstalled",
      "X-Shopify-Hmac-Sha256": hmacBase64(stack.apiSecret, body),
      "X-Shopify-Shop-Domain": "not-installed.myshopify.com",
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
    };
    return new Promise((resolve, reject) => {
      const req = request(`${stack.appUrl}/webhooks/app/uninstalled`, { method: "POST", headers, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("runs two server processes that answer, and replaces one that dies", async () => {
    const before = serversUnder(stack.appPid);
    expect(before).toHaveLength(2);
    expect(await Promise.all(Array.from({ length: 8 }, post))).toEqual(Array(8).fill(200));

    process.kill(before[0]!, "SIGKILL");
    const deadline = Date.now() + 30_000;
    let after = serversUnder(stack.appPid);
    while ((after.length < 2 || after.includes(before[0]!)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = serversUnder(stack.appPid);
    }
    expect(after).toHaveLength(2);
    expect(after).not.toContain(before[0]);
    // The stack is ready once one process answers: if the one killed was the only one listening
    // yet, the port refuses until another listens (node:cluster closes it with its last listener).
    while (Date.now() < deadline && (await post().catch(() => 0)) !== 200) await new Promise((r) => setTimeout(r, 100));
    expect(await Promise.all(Array.from({ length: 8 }, post))).toEqual(Array(8).fill(200));
  }, 60_000);

  it("refuses a WEB_CONCURRENCY that is not a whole number ≥ 1, naming it", () => {
    for (const bad of ["0", "two", "1.5"]) {
      const res = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/serve.ts"), "build/server/index.js"], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, WEB_CONCURRENCY: bad } as unknown as NodeJS.ProcessEnv,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(res.status).toBe(2);
      expect(res.stderr).toContain(`WEB_CONCURRENCY: must be a whole number of server processes, at least 1 (got ${bad})`);
    }
  });

  it("stops, instead of starting them again and again, when its server processes cannot start", () => {
    // No SHOPIFY_API_KEY and the rest: each server process fails on loading the build (a private
    // copy, as the stack serves, so a rebuild elsewhere cannot change what fails).
    const dir = ensureBuild(() => undefined);
    const res = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/serve.ts"), "build/server/index.js"], {
      cwd: dir,
      env: { PATH: process.env.PATH, WEB_CONCURRENCY: "2" } as unknown as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: 60_000,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(res.signal).toBeNull(); // not killed by the timeout
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("SHOPIFY_API_KEY: required");
    expect(res.stderr).toContain("exited before it listened");
    expect(res.stderr).not.toContain("starting another");
  }, 90_000);
});
