import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

declare global {
  // Survives Vite HMR in dev so edits do not open a new pool each time.
  // eslint-disable-next-line no-var
  var ringfencePrisma: PrismaClient | undefined;
}

export function createPrismaClient(databaseUrl = process.env.DATABASE_URL): PrismaClient {
  if (!databaseUrl) {
    throw new Error("DATABASE_URL is not set: it must name the PostgreSQL database, e.g. postgresql://user@localhost:5432/ringfence");
  }
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

function getClient(): PrismaClient {
  if (!globalThis.ringfencePrisma) globalThis.ringfencePrisma = createPrismaClient();
  return globalThis.ringfencePrisma;
}

// Created on first use, so importing this module (e.g. in a route module graph or a test that sets
// DATABASE_URL in its setup) does not require the env var at import time.
const prisma = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getClient();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export default prisma;
export { prisma };

export async function disconnectDb(): Promise<void> {
  const client = globalThis.ringfencePrisma;
  globalThis.ringfencePrisma = undefined;
  if (client) await client.$disconnect();
}
