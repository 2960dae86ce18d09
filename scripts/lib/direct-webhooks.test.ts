import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answerWithAction, pathOf, webhookActions, type RouteAction } from "./direct-webhooks";

const action = (name: string): RouteAction => async () => new Response(name);
const route = (id: string, path: string | undefined, module: Record<string, unknown>, parentId = "root") => ({ id, path, parentId, module });

describe("webhookActions", () => {
  it("maps each plain webhook resource route's full path to its action, and nothing that needs Remix", () => {
    const create = action("create");
    const nested = action("nested");
    const build = {
      basename: "/",
      routes: {
        root: { id: "root", path: "", module: { default: () => null } },
        "routes/webhooks.orders.create": route("routes/webhooks.orders.create", "webhooks/orders/create", { action: create }),
        "routes/webhooks": route("routes/webhooks", "webhooks", { action: action("parent"), default: () => null }),
        "routes/webhooks.app.uninstalled": route("routes/webhooks.app.uninstalled", "app/uninstalled", { action: nested }, "routes/webhooks"),
        "routes/webhooks.with-loader": route("routes/webhooks.with-loader", "webhooks/with-loader", { action: action("x"), loader: () => null }),
        "routes/webhooks.$topic": route("routes/webhooks.$topic", "webhooks/:topic", { action: action("param") }),
        "routes/app.channels": route("routes/app.channels", "app/channels", { action: action("admin") }),
      },
    };
    const map = webhookActions(build as never);
    expect([...map.keys()].sort()).toEqual(["/webhooks/app/uninstalled", "/webhooks/orders/create"]);
    expect(map.get("/webhooks/orders/create")).toBe(create);
    expect(map.get("/webhooks/app/uninstalled")).toBe(nested);
  });

  it("reads a path without its query or trailing slash", () => {
    expect(pathOf("/webhooks/orders/create?x=1")).toBe("/webhooks/orders/create");
    expect(pathOf("/webhooks/orders/create/")).toBe("/webhooks/orders/create");
    expect(pathOf("/")).toBe("/");
  });
});

describe("answerWithAction", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(a: RouteAction): Promise<string> {
    server = createServer((req, res) => void answerWithAction(a, req, res));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/orders/create?q=1`;
  }

  it("gives the action the method, URL, every header and the exact body, and writes back its Response", async () => {
    let seen: { method: string; url: string; hmac: string | null; topic: string | null; body: string } | undefined;
    const url = await serve(async ({ request }) => {
      seen = { method: request.method, url: request.url, hmac: request.headers.get("x-shopify-hmac-sha256"), topic: request.headers.get("X-Shopify-Topic"), body: await request.text() };
      return new Response("recorded", { status: 202, headers: { "X-Answer": "yes" } });
    });
    const body = JSON.stringify({ id: 1, note: "é ✓" });
    const res = await fetch(url, { method: "POST", body, headers: { "X-Shopify-Hmac-Sha256": "abc=", "X-Shopify-Topic": "orders/create" } });
    expect(res.status).toBe(202);
    expect(res.headers.get("x-answer")).toBe("yes");
    expect(await res.text()).toBe("recorded");
    expect(seen).toEqual({ method: "POST", url: expect.stringMatching(/\/webhooks\/orders\/create\?q=1$/), hmac: "abc=", topic: "orders/create", body });
  });

  it("answers with a thrown Response (authenticate.webhook's 401), and 500 for anything else thrown", async () => {
    const url = await serve(async ({ request }) => {
      if (request.headers.get("x-case") === "forged") throw new Response("Unauthorized", { status: 401 });
      throw new Error("boom");
    });
    const forged = await fetch(url, { method: "POST", body: "{}", headers: { "X-Case": "forged" } });
    expect([forged.status, await forged.text()]).toEqual([401, "Unauthorized"]);
    const broken = await fetch(url, { method: "POST", body: "{}" });
    expect(broken.status).toBe(500);
  });
});
