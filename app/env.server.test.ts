import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES, EnvError, parseEnv } from "./env.server";

const good = {
  SHOPIFY_API_KEY: "a1b2c3",
  SHOPIFY_API_SECRET: "s3cret",
  SHOPIFY_APP_URL: "https://ringfence.example.com/",
  DATABASE_URL: "postgresql://rf:pw@127.0.0.1:5432/ringfence",
  REDIS_URL: "redis://127.0.0.1:6379",
};

function errorOf(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("parseEnv accepted a bad environment");
}

describe("parseEnv", () => {
  it("parses a good environment and applies defaults", () => {
    const env = parseEnv(good);
    expect(env.SHOPIFY_APP_URL).toBe("https://ringfence.example.com");
    expect(env.SCOPES).toEqual([...DEFAULT_SCOPES]);
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.DEMO_MODE).toBe(false);
    expect(env.QUEUE_PREFIX).toBe("ringfence");
    expect(env.PORT).toBeUndefined();
    expect(env.SHOPIFY_ADMIN_ORIGIN).toBeUndefined();
    expect(env.WORKER_QUEUES).toBeUndefined();
  });

  it("names a queue WORKER_QUEUES lists that does not exist", () => {
    expect(errorOf({ ...good, WORKER_QUEUES: "route,routing" }).issues[0]).toMatch(/^WORKER_QUEUES: must be a comma-separated list of queues \(webhooks, .*\), unknown: "routing"$/);
  });

  it("parses the optional variables", () => {
    const env = parseEnv({
      ...good,
      SCOPES: "read_products, write_inventory",
      SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:4100/",
      SHOP_CUSTOM_DOMAIN: "shops.example.com",
      PORT: "3000",
      LOG_LEVEL: "DEBUG",
      WORKER_CONCURRENCY: "8",
      WORKER_QUEUES: "route, push,route",
      DEMO_MODE: "yes",
      QUEUE_PREFIX: "rf-test_1",
    });
    expect(env).toMatchObject({
      SCOPES: ["read_products", "write_inventory"],
      SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:4100",
      SHOP_CUSTOM_DOMAIN: "shops.example.com",
      PORT: 3000,
      LOG_LEVEL: "debug",
      WORKER_CONCURRENCY: 8,
      WORKER_QUEUES: ["route", "push"],
      DEMO_MODE: true,
      QUEUE_PREFIX: "rf-test_1",
    });
  });

  it("names a missing variable and says what it is for", () => {
    const { REDIS_URL: _omitted, ...rest } = good;
    expect(errorOf(rest).message).toBe(
      "Invalid environment: REDIS_URL: required (the Redis that BullMQ uses, e.g. redis://127.0.0.1:6379)",
    );
  });

  it("treats an empty value as missing", () => {
    expect(errorOf({ ...good, SHOPIFY_API_SECRET: "  " }).issues).toEqual([
      "SHOPIFY_API_SECRET: required (the app's client secret: signs session tokens and webhooks)",
    ]);
  });

  it("names every bad variable at once", () => {
    const error = errorOf({ SHOPIFY_API_KEY: "k", SHOPIFY_APP_URL: "not a url", DATABASE_URL: good.DATABASE_URL });
    const names = error.issues.map((issue) => issue.split(":")[0]);
    expect(names).toEqual(["SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "REDIS_URL"]);
    expect(error.message).toMatch(/SHOPIFY_APP_URL: must be a https:\/\/ or http:\/\/ URL, got "not a url"/);
  });

  it("rejects a URL of the wrong kind and does not print its password", () => {
    const error = errorOf({ ...good, DATABASE_URL: "mysql://root:hunter2@db:3306/x" });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^DATABASE_URL: must be a postgresql:\/\/ or postgres:\/\/ URL/);
    expect(error.message).not.toContain("hunter2");
  });

  it("rejects a REDIS_URL that is not redis", () => {
    expect(errorOf({ ...good, REDIS_URL: "http://127.0.0.1:6379" }).issues[0]).toMatch(/^REDIS_URL: must be a redis:\/\//);
  });

  it("requires SHOPIFY_ADMIN_ORIGIN to be a bare origin", () => {
    expect(errorOf({ ...good, SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:4100/admin" }).issues[0]).toMatch(
      /^SHOPIFY_ADMIN_ORIGIN: must be an origin without path/,
    );
  });

  it("names bad numbers, levels, booleans and scopes", () => {
    const error = errorOf({
      ...good,
      PORT: "70000",
      WORKER_CONCURRENCY: "two",
      LOG_LEVEL: "loud",
      DEMO_MODE: "maybe",
      SCOPES: "read_products,,write inventory",
    });
    const names = error.issues.map((issue) => issue.split(":")[0]).sort();
    expect(names).toEqual(["DEMO_MODE", "LOG_LEVEL", "PORT", "SCOPES", "WORKER_CONCURRENCY"]);
    expect(error.message).toContain('PORT: must be an integer from 1 to 65535, got "70000"');
    expect(error.message).toContain('LOG_LEVEL: must be one of error, warn, info, debug, got "loud"');
  });
});

describe("DEFAULT_SCOPES", () => {
  it("match the scopes declared in shopify.app.toml", () => {
    const toml = readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8");
    const declared = /^\s*scopes\s*=\s*"([^"]*)"/m.exec(toml)?.[1];
    expect(declared?.split(",").map((s) => s.trim())).toEqual([...DEFAULT_SCOPES]);
  });
});
