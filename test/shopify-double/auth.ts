import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mintSessionToken as mintWithSecret, type SessionTokenClaims } from "../support/session-token";

/**
 * Session tokens and token exchange as Shopify does them for embedded apps
 * (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens and
 * .../get-access-tokens/token-exchange): an HS256 JWT signed with the app's secret whose `dest`
 * is the shop, exchanged at POST https://{shop}/admin/oauth/access_token for an access token.
 */

export type { SessionTokenClaims };

/** The double signs session tokens as Shopify admin does, with the one minting helper the tests use. */
export function mintSessionToken(
  opts: { shop: string; apiKey: string; apiSecret: string; nowMs: number; userId?: string | number; ttlSeconds?: number },
): string {
  return mintWithSecret({
    shop: opts.shop,
    apiKey: opts.apiKey,
    apiSecret: opts.apiSecret,
    userId: opts.userId,
    ttlSeconds: opts.ttlSeconds,
    // One second back, so a token minted now is already valid on a server whose clock is behind.
    issuedAt: new Date(opts.nowMs - 1000),
  });
}

/** Shopify's tolerance for clock skew on session tokens, as @shopify/shopify-api applies it. */
const CLOCK_TOLERANCE_S = 10;

export function verifySessionToken(
  token: string,
  opts: { apiKey: string; apiSecret: string; nowMs: number },
): { ok: true; claims: SessionTokenClaims } | { ok: false; reason: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "not a JWT" };
  const [head, body, sig] = parts;
  let header: { alg?: string };
  let claims: SessionTokenClaims;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed JWT" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "alg must be HS256" };
  const expected = createHmac("sha256", opts.apiSecret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature does not verify with the app secret" };
  const now = Math.floor(opts.nowMs / 1000);
  if (claims.aud !== opts.apiKey) return { ok: false, reason: "aud is not the app's API key" };
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_TOLERANCE_S < now) return { ok: false, reason: "token expired" };
  if (typeof claims.nbf === "number" && claims.nbf - CLOCK_TOLERANCE_S > now) return { ok: false, reason: "token not yet valid" };
  return { ok: true, claims };
}

export function newAccessToken(kind: "offline" | "online"): string {
  return `${kind === "offline" ? "shpat" : "shpua"}_${randomBytes(16).toString("hex")}`;
}

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";
