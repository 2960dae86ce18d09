// Mints the session tokens Shopify admin (App Bridge) gives an embedded app: an HS256 JWT signed
// with the app's client secret. Used by tests and the local demo; the app verifies them with the
// real library, so a wrong claim here fails exactly as it would with Shopify.
import { createHmac, randomBytes, randomUUID } from "node:crypto";

export interface SessionTokenOptions {
  /** e.g. "rf-demo.myshopify.com" */
  shop: string;
  /** The app's client id (SHOPIFY_API_KEY): the token's audience. */
  apiKey: string;
  /** The app's client secret (SHOPIFY_API_SECRET): the signing key. */
  apiSecret: string;
  /** Staff member id (`sub`). Default "1". */
  userId?: string | number;
  /** Admin session id (`sid`). Default random. */
  sessionId?: string;
  /** Default now. */
  issuedAt?: Date;
  /** Lifetime in seconds; Shopify's tokens live 60 s. */
  ttlSeconds?: number;
}

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

const base64url = (input: string | Buffer) => Buffer.from(input).toString("base64url");

export function sessionTokenClaims(opts: SessionTokenOptions): SessionTokenClaims {
  const iat = Math.floor((opts.issuedAt ?? new Date()).getTime() / 1000);
  return {
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.apiKey,
    sub: String(opts.userId ?? 1),
    exp: iat + (opts.ttlSeconds ?? 60),
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: opts.sessionId ?? randomBytes(16).toString("hex"),
  };
}

/** Signs any claims as Shopify would (HS256, the given secret); lets tests forge bad tokens too. */
export function signJwt(claims: object, secret: string): string {
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac("sha256", secret).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}

export function mintSessionToken(opts: SessionTokenOptions): string {
  return signJwt(sessionTokenClaims(opts), opts.apiSecret);
}

/** The `host` parameter Shopify admin adds: base64 of admin.shopify.com/store/<name>, unpadded. */
export function adminHost(shop: string): string {
  const name = shop.replace(/\.myshopify\.com$/, "");
  return Buffer.from(`admin.shopify.com/store/${name}`).toString("base64").replace(/=+$/, "");
}

/**
 * The URL Shopify admin loads in the app's iframe for `path`: a document request carrying the
 * token as `id_token`, as the embedded auth strategy expects.
 */
export function embeddedUrl(appUrl: string, path: string, opts: SessionTokenOptions): string {
  const url = new URL(path, appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", opts.shop);
  url.searchParams.set("host", adminHost(opts.shop));
  url.searchParams.set("id_token", mintSessionToken(opts));
  return url.toString();
}

/** Headers of a fetch from inside the embedded app (App Bridge adds the bearer token). */
export function bearerHeaders(opts: SessionTokenOptions): Record<string, string> {
  return { Authorization: `Bearer ${mintSessionToken(opts)}` };
}
