-- CreateTable
CREATE TABLE "routed_moves" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "fulfillmentOrderShopifyId" BIGINT NOT NULL,
    "orderShopifyId" BIGINT NOT NULL,
    "sourceShopifyId" BIGINT NOT NULL,
    "destinationShopifyId" BIGINT NOT NULL,
    "lineIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "movedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "routed_moves_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "routed_moves_shopId_movedAt_idx" ON "routed_moves"("shopId", "movedAt");

-- CreateIndex
CREATE UNIQUE INDEX "routed_moves_shopId_fulfillmentOrderShopifyId_key" ON "routed_moves"("shopId", "fulfillmentOrderShopifyId");

-- AddForeignKey
ALTER TABLE "routed_moves" ADD CONSTRAINT "routed_moves_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;
