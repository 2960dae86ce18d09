import { reconcileShop } from "../../app/services/reconcile.server";
import { shopifyShopJob } from "./installed";

/** Nightly / on-demand comparison with Shopify; drifted items are recomputed. */
export const reconcile = shopifyShopJob("reconcile", ({ shopId }, _job, { prisma, producer, log }) => reconcileShop({ prisma, producer, log }, shopId));
