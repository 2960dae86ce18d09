import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeCpuMs } from "../../../bench/lib/proc";
import { freePort } from "../../../scripts/lib/free-port";
import { hmacBase64 } from "../../shopify-double/webhooks";

/** bench:ingest's floor: it must do what a receiver must (verify, record once) or its figures mean nothing. */
describe("the ingest benchmark's floor receiver", () => {
  const secret = "floor-secret";
  let child: ChildProcess;
  let url: string;
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });

  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, [path.join(__dirname, "../../../bench/lib/floor-receiver.mjs")], {
      env: { ...process.env, SHOPIFY_API_SECRET: secret, PORT: String(port), PROCESSES: "2" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await once(child.stdout!, "data");
    url = `http://127.0.0.1:${port}/webhooks/orders/create`;
    await db.connect();
  });
  afterAll(async () => {
    child.kill("SIGTERM");
    await db.end();
  });

  const send = (webhookId: string, body: string, hmac = hmacBase64(secret, body)) =>
    fetch(url, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": hmac, "X-Shopify-Webhook-Id": webhookId, "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": "floor.myshopify.com" },
    }).then((r) => r.status);
  const rows = async (webhookId: string) => (await db.query(`SELECT payload FROM bench_floor_inbox WHERE "webhookId" = $1`, [webhookId])).rows;

  it("records a signed delivery once (a duplicate is answered 200 and changes nothing) and refuses a forged one", async () => {
    const id = randomUUID();
    const body = JSON.stringify({ id: 1, line_items: [] });
    expect(await send(id, body)).toBe(200);
    expect(await send(id, body)).toBe(200);
    expect(await rows(id)).toEqual([{ payload: { id: 1, line_items: [] } }]);

    const forged = randomUUID();
    expect(await send(forged, body, hmacBase64("not-the-secret", body))).toBe(401);
    expect(await rows(forged)).toEqual([]);
  });

  it("is measured with the CPU of the processes below the one started (the requests are served there)", async () => {
    const own = () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(f[11]) + Number(f[12])) * 10;
    };
    const body = JSON.stringify({ id: 2, line_items: [] });
    for (let i = 0; i < 20; i++) await Promise.all(Array.from({ length: 25 }, () => send(randomUUID(), body)));
    expect(treeCpuMs(child.pid!)).toBeGreaterThan(own() + 50);
    expect(treeCpuMs(2 ** 22 + 7)).toBe(0);
  });
});
