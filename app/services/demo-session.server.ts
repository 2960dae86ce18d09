import prisma from "../db.server";
import { env } from "../env.server";

/**
 * Demo mode only: stands in for Shopify admin handing App Bridge a session token. The token is
 * minted by the Shopify test double (which holds the app secret, as Shopify does), never here.
 */

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** Throws a 404 Response unless DEMO_MODE is on: outside the demo these routes do not exist. */
export function requireDemoMode(): { adminOrigin: string } {
  const config = env();
  if (!config.DEMO_MODE) throw new Response("Not Found", { status: 404 });
  if (!config.SHOPIFY_ADMIN_ORIGIN) throw new Response("DEMO_MODE needs SHOPIFY_ADMIN_ORIGIN (the Shopify test double) to mint session tokens", { status: 500 });
  return { adminOrigin: config.SHOPIFY_ADMIN_ORIGIN };
}

/** The shop named in `?shop=`, else the most recently installed one. */
export async function demoShop(url: URL): Promise<string> {
  const given = url.searchParams.get("shop");
  if (given !== null) {
    if (!SHOP_DOMAIN.test(given)) throw new Response("shop: must be a shop domain such as demo-apparel.myshopify.com", { status: 400 });
    return given;
  }
  const newest = await prisma.shop.findFirst({ where: { uninstalledAt: null }, orderBy: { installedAt: "desc" }, select: { domain: true } });
  if (!newest) throw new Response("No shop is installed yet: wait for the demo to finish starting, or pass ?shop=", { status: 404 });
  return newest.domain;
}

export async function mintDemoSessionToken(adminOrigin: string, shop: string): Promise<string> {
  const res = await fetch(`${adminOrigin}/${shop}/admin/session_token`, { headers: { Accept: "application/json" } });
  if (res.status === 404) throw new Response(`shop: ${shop} is not a shop of the Shopify test double`, { status: 404 });
  if (!res.ok) throw new Response(`the Shopify test double answered ${res.status} for a session token`, { status: 502 });
  const body = (await res.json()) as { token?: unknown };
  if (typeof body.token !== "string") throw new Response("the Shopify test double sent no token", { status: 502 });
  return body.token;
}

/** Shopify admin's `host` parameter: base64 of admin.shopify.com/store/<name>, no padding. */
export function adminHost(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64").replace(/=+$/, "");
}
