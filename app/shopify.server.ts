import "@shopify/shopify-app-remix/adapters/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import prisma from "./db.server";
import { env, type LogLevel } from "./env.server";
import { getProducer } from "./jobs/producer.server";
import { createAdminOriginFetch } from "./lib/admin-origin";
import { createLogger } from "./lib/logger";
import { sharedRawPool } from "./raw-db.server";
import { installShop } from "./services/install.server";
import { RingfenceSessionStorage } from "./session-storage.server";

const config = env();

// THE ONE OVERRIDE between a test or demo run and production. With SHOPIFY_ADMIN_ORIGIN set, every
// request the Shopify library makes to https://{shop}.myshopify.com (Admin GraphQL, token
// exchange) goes to `${SHOPIFY_ADMIN_ORIGIN}/{shop}.myshopify.com/...`, a local Shopify test
// double; everything else is untouched. It runs after the library's own adapter imports above,
// so it replaces their default fetch. Unset in production: then this file changes nothing.
// See docs/decisions/004-app-skeleton.md.
if (config.SHOPIFY_ADMIN_ORIGIN) {
  setAbstractFetchFunc(createAdminOriginFetch(config.SHOPIFY_ADMIN_ORIGIN, () => globalThis.fetch));
}

export const apiVersion = ApiVersion.July26;

const LOG_SEVERITY: Record<LogLevel, LogSeverity> = {
  error: LogSeverity.Error,
  warn: LogSeverity.Warning,
  info: LogSeverity.Info,
  debug: LogSeverity.Debug,
};

/** Lets shops on SHOP_CUSTOM_DOMAIN (`<name>.<domain>`) through the library's shop validation as-is. */
function customShopDomain(domain: string) {
  return [{ match: new RegExp(`^([a-zA-Z0-9][a-zA-Z0-9-_]*)\\.${domain.replace(/\./g, "\\.")}$`), transform: `$1.${domain}` }];
}

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  appUrl: config.SHOPIFY_APP_URL,
  scopes: config.SCOPES,
  apiVersion,
  distribution: AppDistribution.AppStore,
  isEmbeddedApp: true,
  authPathPrefix: "/auth",
  sessionStorage: new RingfenceSessionStorage(prisma, sharedRawPool),
  logger: { level: LOG_SEVERITY[config.LOG_LEVEL] },
  future: {
    // Embedded pages authenticate with App Bridge session tokens and get access tokens through
    // token exchange; installation is Shopify-managed (scopes from shopify.app.toml).
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    // First authenticated visit / token exchange: the Shop row and its initial sync. A failure
    // (Redis away) must not block the merchant: the shop stays `pending` and the next visit retries.
    afterAuth: async ({ session }) => {
      try {
        await installShop({ prisma, producer: getProducer() }, session.shop, { scopes: session.scope ?? null });
      } catch (error) {
        createLogger(config.LOG_LEVEL, { component: "afterAuth" }).error("install failed", { shop: session.shop, error });
      }
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { domainTransformations: customShopDomain(config.SHOP_CUSTOM_DOMAIN) } : {}),
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
