-- CreateTable
CREATE TABLE "recompute_requests" (
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recompute_requests_pkey" PRIMARY KEY ("shopId","itemId")
);

-- CreateIndex
CREATE INDEX "recompute_requests_shopId_requestedAt_idx" ON "recompute_requests"("shopId", "requestedAt");

-- AddForeignKey
ALTER TABLE "recompute_requests" ADD CONSTRAINT "recompute_requests_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recompute_requests" ADD CONSTRAINT "recompute_requests_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;
