import type { PrismaClient } from "@prisma/client";
import { rewriteAdminUrl } from "../lib/admin-origin";
import { API_VERSION, createAdminClient, type AdminClient, type ClientOptions, type Transport } from "./client";
import { ShopifyAuthError } from "./errors";

/**
 * The HTTP side: POST to the shop's Admin GraphQL endpoint with the offline token. When
 * SHOPIFY_ADMIN_ORIGIN is set (tests, demos) the URL is rewritten exactly as app/shopify.server.ts
 * rewrites the official client's traffic, so both reach the same Shopify test double.
 */
export function fetchTransport(opts: { accessToken: (shop: string) => Promise<string>; adminOrigin?: string }): Transport {
  return async ({ shop, query, variables }) => {
    const token = await opts.accessToken(shop);
    let url = `https://${shop}/admin/api/${API_VERSION}/graphql.json`;
    if (opts.adminOrigin) url = rewriteAdminUrl(url, opts.adminOrigin);
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { errors: text.slice(0, 500) };
    }
    return { status: res.status, body };
  };
}

/**
 * The offline session's token (what `unauthenticated.admin(shop)` would use). Only shops that
 * authenticated have one; a missing session is terminal for the job that asked.
 */
export function sessionTokenLookup(prisma: PrismaClient): (shop: string) => Promise<string> {
  return async (shop) => {
    const session = await prisma.session.findFirst({
      where: { shop, isOnline: false },
      orderBy: { id: "asc" },
      select: { accessToken: true },
    });
    if (!session?.accessToken) throw new ShopifyAuthError(`no offline session for ${shop}: the shop must install the app first`, shop, "session", null);
    return session.accessToken;
  };
}

/** An Admin client for a worker: offline session + admin origin override from the environment. */
export function adminForShop(prisma: PrismaClient, shop: string, opts: Pick<ClientOptions, "reserve"> = {}): AdminClient {
  return createAdminClient({
    ...opts,
    shop,
    transport: fetchTransport({ accessToken: sessionTokenLookup(prisma), adminOrigin: process.env.SHOPIFY_ADMIN_ORIGIN || undefined }),
  });
}
