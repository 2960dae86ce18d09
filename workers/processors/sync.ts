import { syncShop } from "../../app/services/sync.server";
import { shopifyShopJob } from "./installed";

/** Initial or full import of a shop (bulk query, progress on the shop row). */
export const sync = shopifyShopJob("sync", ({ shopId, mode }, job, { prisma, producer, log }) =>
  syncShop({ prisma, producer, log }, shopId, mode, { requestedAt: new Date(job.timestamp) }),
);
