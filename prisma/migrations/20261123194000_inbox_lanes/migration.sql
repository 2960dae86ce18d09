-- AlterTable
ALTER TABLE "webhook_inbox" ADD COLUMN     "lane" INTEGER;

-- CreateIndex
CREATE INDEX "webhook_inbox_shopId_lane_status_id_idx" ON "webhook_inbox"("shopId", "lane", "status", "id");
