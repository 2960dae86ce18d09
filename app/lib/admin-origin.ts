/**
 * The one difference between a test or demo run and production: when SHOPIFY_ADMIN_ORIGIN is set,
 * Admin API traffic for `https://{shop}.myshopify.com/...` goes to that origin instead, with the
 * shop domain as the first path segment, so one local Shopify test double can serve many shops.
 * Every other URL passes through untouched. Pure; installed by app/shopify.server.ts.
 */

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function rewriteAdminUrl(url: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.protocol !== "https:" || parsed.port !== "" || !SHOP_HOST.test(parsed.hostname)) return url;
  return `${origin.replace(/\/+$/, "")}/${parsed.hostname}${parsed.pathname}${parsed.search}`;
}

type Fetch = (...args: Parameters<typeof fetch>) => Promise<Response>;

/**
 * A fetch that rewrites shop URLs to `origin` and hands everything to `baseFetch()`, looked up on
 * each call so a global fetch installed later (Remix's installGlobals) is still the one used.
 */
export function createAdminOriginFetch(origin: string, baseFetch: () => Fetch): Fetch {
  return async (input, init) => {
    if (typeof input === "string" || input instanceof URL) {
      return baseFetch()(rewriteAdminUrl(input.toString(), origin), init);
    }
    const target = rewriteAdminUrl(input.url, origin);
    if (target === input.url) return baseFetch()(input, init);
    const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.arrayBuffer();
    const copy = new Request(target, {
      method: input.method,
      headers: input.headers,
      body,
      redirect: input.redirect,
      signal: input.signal,
    });
    return baseFetch()(copy, init);
  };
}
