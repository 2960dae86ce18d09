import { describe, expect, it } from "vitest";
import { createAdminOriginFetch, rewriteAdminUrl } from "./admin-origin";

const ORIGIN = "http://127.0.0.1:4100";

describe("rewriteAdminUrl", () => {
  it.each([
    [
      "Admin GraphQL",
      "https://rf-a.myshopify.com/admin/api/2026-07/graphql.json",
      "http://127.0.0.1:4100/rf-a.myshopify.com/admin/api/2026-07/graphql.json",
    ],
    [
      "token exchange",
      "https://rf-b.myshopify.com/admin/oauth/access_token",
      "http://127.0.0.1:4100/rf-b.myshopify.com/admin/oauth/access_token",
    ],
    [
      "query string kept",
      "https://rf-a.myshopify.com/admin/api/2026-07/shop.json?fields=id,name",
      "http://127.0.0.1:4100/rf-a.myshopify.com/admin/api/2026-07/shop.json?fields=id,name",
    ],
    ["bare shop URL", "https://rf-a.myshopify.com", "http://127.0.0.1:4100/rf-a.myshopify.com/"],
    ["upper-case host normalised", "https://RF-A.myshopify.com/admin", "http://127.0.0.1:4100/rf-a.myshopify.com/admin"],
  ])("rewrites %s", (_name, url, expected) => {
    expect(rewriteAdminUrl(url, ORIGIN)).toBe(expected);
  });

  it("tolerates a trailing slash on the origin", () => {
    expect(rewriteAdminUrl("https://rf-a.myshopify.com/admin", `${ORIGIN}/`)).toBe(`${ORIGIN}/rf-a.myshopify.com/admin`);
  });

  it.each([
    ["another host", "https://cdn.shopify.com/shopifycloud/app-bridge.js"],
    ["a look-alike host", "https://rf-a.myshopify.com.evil.example/admin"],
    ["Shopify's own domain", "https://myshopify.com/admin"],
    ["plain http", "http://rf-a.myshopify.com/admin"],
    ["an explicit port", "https://rf-a.myshopify.com:8443/admin"],
    ["the origin itself", "http://127.0.0.1:4100/rf-a.myshopify.com/admin"],
    ["a relative URL", "/admin/api/2026-07/graphql.json"],
  ])("passes %s through unchanged", (_name, url) => {
    expect(rewriteAdminUrl(url, ORIGIN)).toBe(url);
  });
});

describe("createAdminOriginFetch", () => {
  function recorder() {
    const calls: { url: string; method: string; body: string | null }[] = [];
    const base = async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      calls.push({ url: request.url, method: request.method, body: request.body ? await request.text() : null });
      return new Response("ok");
    };
    return { calls, base };
  }

  it("sends string and URL inputs to the rewritten address", async () => {
    const { calls, base } = recorder();
    const fetchVia = createAdminOriginFetch(ORIGIN, () => base);
    await fetchVia("https://rf-a.myshopify.com/admin/api/2026-07/graphql.json", { method: "POST", body: "{}" });
    await fetchVia(new URL("https://example.com/x"));
    expect(calls).toEqual([
      { url: `${ORIGIN}/rf-a.myshopify.com/admin/api/2026-07/graphql.json`, method: "POST", body: "{}" },
      { url: "https://example.com/x", method: "GET", body: null },
    ]);
  });

  it("rewrites a Request and keeps its method and body", async () => {
    const { calls, base } = recorder();
    const fetchVia = createAdminOriginFetch(ORIGIN, () => base);
    await fetchVia(new Request("https://rf-a.myshopify.com/admin/oauth/access_token", { method: "POST", body: "a=1" }));
    expect(calls).toEqual([{ url: `${ORIGIN}/rf-a.myshopify.com/admin/oauth/access_token`, method: "POST", body: "a=1" }]);
  });

  it("looks the base fetch up on every call", async () => {
    const first = recorder();
    const second = recorder();
    let current = first.base;
    const fetchVia = createAdminOriginFetch(ORIGIN, () => current);
    await fetchVia("https://rf-a.myshopify.com/a");
    current = second.base;
    await fetchVia("https://rf-a.myshopify.com/b");
    expect(first.calls.map((c) => c.url)).toEqual([`${ORIGIN}/rf-a.myshopify.com/a`]);
    expect(second.calls.map((c) => c.url)).toEqual([`${ORIGIN}/rf-a.myshopify.com/b`]);
  });
});
