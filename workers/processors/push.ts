import { pushShop } from "../../app/services/push.server";
import { shopifyShopJob } from "./installed";

/** Push a shop's pending quantities (deduplicated per shop); routing follows in its own job. */
export const push = shopifyShopJob("push", ({ shopId }, _job, { prisma, producer, log }) => pushShop({ prisma, producer, log }, shopId, { route: "queue" }));
