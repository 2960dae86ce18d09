import { routeShop } from "../../app/services/push.server";
import { shopifyShopJob } from "./installed";

/** Route a shop's channel-location orders to facilities (deduplicated per shop, queued after each push). */
export const route = shopifyShopJob("route", async ({ shopId }, _job, { prisma, raw, producer, log }) => ({ routed: await routeShop({ prisma, raw, producer, log }, shopId) }));
