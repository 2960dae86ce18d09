import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * `npm run demo -- --smoke` end to end, as a person runs it on a fresh machine: its own embedded
 * PostgreSQL and Redis (the suite's DATABASE_URL / REDIS_URL are withheld), the double, the built
 * app, a worker, the order stream and the HTTP checks; it must stop everything and exit 0.
 */

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

function runDemo(args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "demo", "--", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      // The whole process group: npm, tsx and the demo's children.
      process.kill(-child.pid!, "SIGTERM");
      reject(new Error(`npm run demo ${args.join(" ")} did not finish in ${timeoutMs} ms:\n${stderr.slice(-3000)}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe("npm run demo", () => {
  it("--smoke starts everything, checks the pages and the loop, stops everything and exits 0", async () => {
    const { code, stderr } = await runDemo(["--smoke"], 420_000);
    expect(stderr, stderr.slice(-3000)).toContain("[demo] smoke passed");
    expect(code).toBe(0);
    expect(stderr).toMatch(/\d+ orders moved \d+ ATS numbers/);
    expect(stderr).toMatch(/[1-9]\d* inventorySetQuantities calls reached the double/);
  }, 480_000);

  it("refuses a bad option with the option named, exit 2", async () => {
    const { code, stderr } = await runDemo(["--rate", "fast"], 60_000);
    expect(code).toBe(2);
    expect(stderr).toContain("--rate: must be a number of orders a second");
  }, 90_000);
});
