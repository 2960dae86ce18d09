-- CreateIndex
CREATE INDEX "order_lines_shopId_assignedLocationId_openQuantity_idx" ON "order_lines"("shopId", "assignedLocationId", "openQuantity");
