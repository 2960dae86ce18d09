import type { Stack } from "./stack";

/**
 * `npm run demo -- --smoke`: what a person would check in the browser, over HTTP. The admin pages
 * answer with their content when opened as Shopify admin opens them (a browser user agent and a
 * session token minted through the demo's own /demo/session-token), and the order stream moves
 * ATS and reaches Shopify as inventory writes. Throws with the reason on the first failure.
 */

export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

export interface SmokeOptions {
  stack: Stack;
  shop: string;
  shopId: number;
  launchUrl: string;
  log: (line: string) => void;
  startStream: () => { stop(): Promise<void>; readonly failure: Error | null; readonly counts: { orders: number } };
  /** How long the stream may run before ATS must have moved and a push landed (default 60 s). */
  streamTimeoutMs?: number;
}

export interface PageCheck {
  name: string;
  path: string;
  /** Text the page must contain (rendered on the server, so present in the HTML). */
  expect: string[];
}

export class SmokeFailure extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The main admin pages and what each must show for the demo store. */
export async function demoPages(stack: Stack, shopId: number): Promise<PageCheck[]> {
  const tee = await stack.prisma.product.findFirst({ where: { shopId, title: "Crew Tee Black" }, select: { shopifyId: true } });
  if (!tee) throw new SmokeFailure("product view: the synced catalogue has no Crew Tee Black");
  const po = await stack.prisma.purchaseOrder.findUnique({ where: { shopId_number: { shopId, number: "PO-1001" } }, select: { id: true } });
  if (!po) throw new SmokeFailure("purchase orders: PO-1001 of the demo configuration is missing");
  return [
    { name: "dashboard", path: "/app", expect: ["Amazon", "Wholesale"] },
    { name: "channels", path: "/app/channels", expect: ["Online Store", "POS", "Amazon", "Wholesale"] },
    { name: "exposure rules", path: "/app/exposure-rules", expect: ["outerwear", "fleece"] },
    { name: "holdbacks", path: "/app/holdbacks", expect: ["TEE-BLK-M", "Bloom"] },
    { name: "purchase orders", path: "/app/purchase-orders", expect: ["PO-1001", "Mill"] },
    { name: "a purchase order with its pre-orders", path: `/app/purchase-orders/${po.id}`, expect: ["PO-1001", "JKT-IND-M", "Allocate pre-orders"] },
    { name: "promise check", path: "/app/promise-check", expect: ["Promise check", "Ship date"] },
    { name: "product view", path: `/app/products/${tee.shopifyId}`, expect: ["Crew Tee Black", "TEE-BLK-M"] },
  ];
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location: string | null }> {
  const res = await fetch(url, { headers: { "User-Agent": BROWSER_UA, ...headers }, redirect: "manual" });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

export async function demoToken(appUrl: string, shop: string): Promise<string> {
  const res = await get(`${appUrl}/demo/session-token?shop=${encodeURIComponent(shop)}`);
  if (res.status !== 200) throw new SmokeFailure(`/demo/session-token answered ${res.status}: ${res.text.slice(0, 200)}`);
  return (JSON.parse(res.text) as { token: string }).token;
}

export function embeddedUrl(appUrl: string, path: string, shop: string, token: string): string {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64").replace(/=+$/, "");
  const params = new URLSearchParams({ embedded: "1", shop, host, id_token: token });
  return `${appUrl}${path}${path.includes("?") ? "&" : "?"}${params.toString()}`;
}

/** Decodes the few entities React escapes in text, so expectations can be written plainly. */
const plain = (html: string) => html.replace(/&amp;/g, "&").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");

export async function checkPages(opts: SmokeOptions): Promise<string[]> {
  const { stack, shop, shopId, launchUrl } = opts;
  const done: string[] = [];

  const launch = await get(launchUrl);
  if (launch.status !== 302 || !launch.location?.startsWith("/app?embedded=1&shop=")) {
    throw new SmokeFailure(`${launchUrl} answered ${launch.status} (location ${launch.location ?? "none"}), expected a redirect to /app?embedded=1&shop=...`);
  }
  const landed = await get(new URL(launch.location, launchUrl).toString());
  if (landed.status !== 200 || !landed.text.includes("/demo/app-bridge-stand-in.js")) {
    throw new SmokeFailure(`opening the launch redirect answered ${landed.status}${landed.status === 200 ? " without the App Bridge stand-in" : ""}`);
  }
  const stand = await get(`${stack.appUrl}/demo/app-bridge-stand-in.js`);
  if (stand.status !== 200 || !stand.text.includes("window.shopify")) throw new SmokeFailure(`/demo/app-bridge-stand-in.js answered ${stand.status}`);
  done.push("launch redirects into the embedded app with the App Bridge stand-in");

  for (const page of await demoPages(stack, shopId)) {
    const token = await demoToken(stack.appUrl, shop);
    const res = await get(embeddedUrl(stack.appUrl, page.path, shop, token));
    if (res.status !== 200) throw new SmokeFailure(`${page.name} (${page.path}) answered ${res.status}: ${res.text.slice(0, 300)}`);
    const text = plain(res.text);
    const missing = page.expect.filter((e) => !text.includes(e));
    if (missing.length > 0) throw new SmokeFailure(`${page.name} (${page.path}) answered 200 without ${missing.map((m) => JSON.stringify(m)).join(", ")}`);
  }
  done.push("dashboard, channels, rules, holdbacks, purchase orders (and PO-1001 with its pre-orders), promise check and a product view answer 200 with their content");

  // A fetch as the stand-in makes it (Bearer token) works; without a token it does not.
  const token = await demoToken(stack.appUrl, shop);
  const data = await get(`${stack.appUrl}/app/channels?_data=routes%2Fapp.channels._index`, { Authorization: `Bearer ${token}` });
  if (data.status !== 200) throw new SmokeFailure(`a loader fetch with a Bearer session token answered ${data.status}`);
  done.push("loader fetches with a Bearer token answer 200");
  return done;
}

async function atsSnapshot(stack: Stack, shopId: number): Promise<Map<string, number>> {
  const rows = await stack.prisma.availabilitySnapshot.findMany({ where: { shopId }, select: { itemId: true, channelId: true, ats: true } });
  return new Map(rows.map((r) => [`${r.itemId}:${r.channelId}`, r.ats]));
}

const pushCalls = (stack: Stack, shop: string) =>
  stack.double.calls(shop).graphql.filter((c) => c.outcome === "ok" && c.operationType === "mutation" && /\binventorySetQuantities\b/.test(c.document)).length;

export async function checkLoop(opts: SmokeOptions): Promise<string[]> {
  const { stack, shop, shopId, log } = opts;
  const before = await atsSnapshot(stack, shopId);
  if (before.size === 0) throw new SmokeFailure("no availability snapshot after the initial sync and configuration");
  const pushesBefore = pushCalls(stack, shop);
  const stream = opts.startStream();
  const deadline = Date.now() + (opts.streamTimeoutMs ?? 60_000);
  let changed = 0;
  let pushes = 0;
  try {
    while (Date.now() < deadline) {
      await sleep(1000);
      if (stream.failure) throw new SmokeFailure(`the order stream failed: ${stream.failure.message}`);
      const now = await atsSnapshot(stack, shopId);
      changed = [...now].filter(([k, v]) => before.get(k) !== v).length;
      pushes = pushCalls(stack, shop) - pushesBefore;
      if (changed > 0 && pushes > 0 && stream.counts.orders >= 5) break;
    }
  } finally {
    await stream.stop();
  }
  log(`[demo] smoke: ${stream.counts.orders} orders streamed, ${changed} ATS numbers moved, ${pushes} inventorySetQuantities calls`);
  if (changed === 0) throw new SmokeFailure(`the order stream (${stream.counts.orders} orders) moved no ATS number (no availability snapshot changed)`);
  if (pushes === 0) throw new SmokeFailure("no inventorySetQuantities call reached the Shopify test double while the stream ran");
  await stack.waitIdle({ timeoutMs: 120_000, shops: [shop] });
  return [`${stream.counts.orders} orders moved ${changed} ATS numbers`, `${pushes} inventorySetQuantities calls reached the double`];
}

export async function runSmokeChecks(opts: SmokeOptions): Promise<string[]> {
  const pages = await checkPages(opts);
  const loop = await checkLoop(opts);
  return [...pages, ...loop];
}
