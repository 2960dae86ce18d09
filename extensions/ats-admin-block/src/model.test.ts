import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  availabilityPath,
  fetchAvailability,
  latestComputedAt,
  loadBlockState,
  parseAvailability,
  stockBadge,
  summarize,
  toSections,
  type ProductAvailability,
} from "./model";

// A real HTTP server on a free port stands in for the app; `appFetch` resolves relative URLs against
// it the way an admin extension's fetch() resolves them against the app's application_url.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let origin: string;
let handler: Handler;
const requests: { url: string; accept: string | undefined }[] = [];
const appFetch = (input: string, init?: RequestInit) => fetch(new URL(input, origin), init);

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", accept: req.headers.accept });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
});

function answer(status: number, body: unknown, contentType = "application/json") {
  handler = (_req, res) => {
    res.writeHead(status, { "Content-Type": contentType });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
}

const PRODUCT = "gid://shopify/Product/8123";
const sample: ProductAvailability = {
  product: { id: PRODUCT, title: "Tee" },
  variants: [
    {
      id: "gid://shopify/ProductVariant/1",
      sku: "TEE-S",
      title: "S",
      channels: [
        { key: "online", name: "Online Store", atp: 12, ats: 12, rule: null, computedAt: "2026-11-20T09:30:00.000Z" },
        { key: "amazon", name: "Amazon", atp: 12, ats: 4, rule: { id: 7, targetKind: "variant", targetValue: "TEE-S" }, computedAt: "2026-11-20T09:31:00.000Z" },
      ],
    },
    {
      id: "gid://shopify/ProductVariant/2",
      sku: "TEE-M",
      title: "M",
      channels: [{ key: "online", name: "Online Store", atp: 0, ats: 0, rule: null, computedAt: "2026-11-20T09:29:00.000Z" }],
    },
    { id: "gid://shopify/ProductVariant/3", sku: null, title: "L", channels: [] },
  ],
};

describe("availabilityPath", () => {
  it("turns the selected product's GID into the app route", () => {
    expect(availabilityPath(PRODUCT)).toBe("/api/products/8123/availability");
  });

  it("refuses anything but a product GID, naming what it got", () => {
    expect(() => availabilityPath("gid://shopify/ProductVariant/1")).toThrow(/selected product id must be gid:\/\/shopify\/Product\/<number>, got "gid:\/\/shopify\/ProductVariant\/1"/);
    expect(() => availabilityPath("8123")).toThrow(/got "8123"/);
  });
});

describe("fetchAvailability", () => {
  it("reads the product's route from the app and returns the parsed answer", async () => {
    answer(200, sample);
    await expect(fetchAvailability(PRODUCT, appFetch)).resolves.toEqual(sample);
    expect(requests).toEqual([{ url: "/api/products/8123/availability", accept: "application/json" }]);
  });

  it("says the session could not be verified on 401", async () => {
    answer(401, { error: "Authorization: Bearer <session token> is required" });
    await expect(fetchAvailability(PRODUCT, appFetch)).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
  });

  it("says the product is not imported yet on 404", async () => {
    answer(404, { error: "product 8123 not found in a.myshopify.com" });
    await expect(fetchAvailability(PRODUCT, appFetch)).rejects.toMatchObject({ kind: "not-found", message: expect.stringMatching(/not imported this product yet/) });
  });

  it("passes the app's own error message on for other failures", async () => {
    answer(500, { error: "database unavailable" });
    await expect(fetchAvailability(PRODUCT, appFetch)).rejects.toMatchObject({ kind: "server", status: 500, message: "Ringfence answered 500: database unavailable" });
    answer(502, "<html>Bad gateway</html>", "text/html");
    await expect(fetchAvailability(PRODUCT, appFetch)).rejects.toMatchObject({ kind: "server", message: "Ringfence answered 502" });
  });

  it("reports a 200 whose body is not JSON", async () => {
    answer(200, "<html>login</html>", "text/html");
    await expect(fetchAvailability(PRODUCT, appFetch)).rejects.toMatchObject({ kind: "invalid-response", message: expect.stringMatching(/not JSON/) });
  });

  it("reports an unreachable app as a network error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const deadFetch = (input: string, init?: RequestInit) => fetch(new URL(input, deadOrigin), init);
    await expect(fetchAvailability(PRODUCT, deadFetch)).rejects.toMatchObject({ kind: "network", message: expect.stringMatching(/^could not reach Ringfence/) });
  });
});

describe("parseAvailability", () => {
  it("names the first field that does not fit", () => {
    const broken = structuredClone(sample) as unknown as { variants: { channels: Record<string, unknown>[] }[] };
    broken.variants[0].channels[1].ats = "4";
    expect(() => parseAvailability(broken)).toThrow('variants[0].channels[1].ats must be an integer, got "4"');
    expect(() => parseAvailability({ product: { id: PRODUCT, title: "Tee" } })).toThrow("variants must be an array, got undefined");
    expect(() => parseAvailability(null)).toThrow("response must be an object, got null");
  });
});

describe("rows", () => {
  it("shapes each variant into channel rows with ATS, ATP, rule and stock badge", () => {
    expect(toSections(sample)).toEqual([
      {
        variantId: "gid://shopify/ProductVariant/1",
        label: "S",
        sku: "TEE-S",
        rows: [
          { channelKey: "online", channelName: "Online Store", ats: 12, atp: 12, ruleLabel: null, badge: null },
          { channelKey: "amazon", channelName: "Amazon", ats: 4, atp: 12, ruleLabel: "Rule: variant TEE-S", badge: { tone: "warning", label: "Low stock" } },
        ],
      },
      {
        variantId: "gid://shopify/ProductVariant/2",
        label: "M",
        sku: "TEE-M",
        rows: [{ channelKey: "online", channelName: "Online Store", ats: 0, atp: 0, ruleLabel: null, badge: { tone: "critical", label: "Out of stock" } }],
      },
      { variantId: "gid://shopify/ProductVariant/3", label: "L", sku: null, rows: [] },
    ]);
  });

  it("labels Shopify's single 'Default Title' variant by SKU, else by id", () => {
    const single = (sku: string | null) =>
      toSections({ product: sample.product, variants: [{ id: "gid://shopify/ProductVariant/9", sku, title: "Default Title", channels: [] }] })[0].label;
    expect(single("CAP-1")).toBe("CAP-1");
    expect(single(null)).toBe("Variant 9");
  });

  it("badges at the threshold: 0 or less is out, 1..threshold is low, above is none", () => {
    expect([-2, 0, 1, 5, 6].map((ats) => stockBadge(ats)?.label ?? null)).toEqual(["Out of stock", "Out of stock", "Low stock", "Low stock", null]);
    expect(stockBadge(8, 10)?.label).toBe("Low stock");
  });

  it("summarizes for the collapsed block and finds the newest computation", () => {
    expect(summarize(toSections(sample))).toBe("1 out of stock, 1 low");
    expect(summarize(toSections(sample, 3))).toBe("1 out of stock");
    expect(summarize(toSections({ ...sample, variants: [sample.variants[0]] }, 3))).toBe("2 in stock");
    expect(summarize(toSections({ ...sample, variants: [sample.variants[2]] }))).toBe("Not computed yet");
    expect(latestComputedAt(sample)).toBe("2026-11-20T09:31:00.000Z");
    expect(latestComputedAt({ ...sample, variants: [] })).toBeNull();
  });
});

describe("loadBlockState", () => {
  it("is ready with the product's rows for the selected product", async () => {
    answer(200, sample);
    const state = await loadBlockState([{ id: PRODUCT }], appFetch);
    expect(state).toMatchObject({ state: "ready", title: "Tee", summary: "1 out of stock, 1 low", computedAt: "2026-11-20T09:31:00.000Z" });
    expect(state.state === "ready" && state.sections.map((s) => s.rows.length)).toEqual([2, 1, 0]);
  });

  it("asks for a product when nothing is selected, without calling the app", async () => {
    expect(await loadBlockState([], appFetch)).toMatchObject({ state: "error", kind: "no-product", tone: "info" });
    expect(requests).toEqual([]);
  });

  it("turns each failure into a banner tone and message", async () => {
    answer(404, { error: "not found" });
    expect(await loadBlockState([{ id: PRODUCT }], appFetch)).toMatchObject({ state: "error", kind: "not-found", tone: "info" });
    answer(401, {});
    expect(await loadBlockState([{ id: PRODUCT }], appFetch)).toMatchObject({ state: "error", kind: "unauthorized", tone: "warning" });
    answer(500, { error: "boom" });
    expect(await loadBlockState([{ id: PRODUCT }], appFetch)).toMatchObject({ state: "error", kind: "server", tone: "critical", message: "Ringfence answered 500: boom" });
  });
});
