-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "install_state" AS ENUM ('installed', 'uninstalled');

-- CreateEnum
CREATE TYPE "sync_status" AS ENUM ('pending', 'running', 'done', 'failed');

-- CreateEnum
CREATE TYPE "location_role" AS ENUM ('facility', 'channel');

-- CreateEnum
CREATE TYPE "channel_mode" AS ENUM ('shared', 'ringfenced');

-- CreateEnum
CREATE TYPE "publish_kind" AS ENUM ('location', 'in_place');

-- CreateEnum
CREATE TYPE "purchase_order_status" AS ENUM ('draft', 'open', 'partially_received', 'received', 'cancelled');

-- CreateEnum
CREATE TYPE "rule_target_kind" AS ENUM ('all', 'variant', 'product', 'collection', 'tag', 'vendor');

-- CreateEnum
CREATE TYPE "webhook_status" AS ENUM ('received', 'processing', 'done', 'failed', 'rejected');

-- CreateEnum
CREATE TYPE "push_status" AS ENUM ('pending', 'sent', 'succeeded', 'stale', 'failed');

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shops" (
    "id" SERIAL NOT NULL,
    "domain" TEXT NOT NULL,
    "installState" "install_state" NOT NULL DEFAULT 'installed',
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "scopes" TEXT,
    "handlingDays" INTEGER NOT NULL DEFAULT 0,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "syncStatus" "sync_status" NOT NULL DEFAULT 'pending',
    "syncBulkOperationId" TEXT,
    "syncObjectsImported" INTEGER NOT NULL DEFAULT 0,
    "syncObjectsTotal" INTEGER,
    "syncStartedAt" TIMESTAMP(3),
    "syncFinishedAt" TIMESTAMP(3),
    "syncError" TEXT,
    "lastReconciledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "shops_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "locations" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "shopifyId" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "fulfillsOnlineOrders" BOOLEAN NOT NULL DEFAULT true,
    "isFulfillmentService" BOOLEAN NOT NULL DEFAULT false,
    "role" "location_role" NOT NULL DEFAULT 'facility',
    "safetyStock" INTEGER NOT NULL DEFAULT 0,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "locations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channels" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 1,
    "promiseWindowDays" INTEGER NOT NULL DEFAULT 0,
    "safetyStock" INTEGER NOT NULL DEFAULT 0,
    "mode" "channel_mode" NOT NULL DEFAULT 'shared',
    "percent" INTEGER NOT NULL DEFAULT 100,
    "cap" INTEGER,
    "zeroBelow" INTEGER NOT NULL DEFAULT 0,
    "liveFrom" TIMESTAMP(3),
    "liveUntil" TIMESTAMP(3),
    "publishKind" "publish_kind" NOT NULL DEFAULT 'location',
    "publishLocationId" INTEGER,
    "matchSourceNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "matchAppIds" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "matchB2b" BOOLEAN NOT NULL DEFAULT false,
    "matchPosLocationIds" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "matchOrderTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_facilities" (
    "shopId" INTEGER NOT NULL,
    "channelId" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "channel_facilities_pkey" PRIMARY KEY ("channelId","locationId")
);

-- CreateTable
CREATE TABLE "products" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "shopifyId" BIGINT NOT NULL,
    "title" TEXT NOT NULL,
    "vendor" TEXT,
    "productType" TEXT,
    "status" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "collections" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "shopifyUpdatedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "variants" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "productId" INTEGER NOT NULL,
    "shopifyId" BIGINT NOT NULL,
    "title" TEXT,
    "sku" TEXT,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "variants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory_items" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "shopifyId" BIGINT NOT NULL,
    "variantId" INTEGER,
    "sku" TEXT,
    "tracked" BOOLEAN NOT NULL DEFAULT true,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "inventory_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory_levels" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "shopifyUpdatedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "inventory_levels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "shopifyId" BIGINT NOT NULL,
    "name" TEXT,
    "channelId" INTEGER,
    "sourceName" TEXT,
    "appId" BIGINT,
    "b2b" BOOLEAN NOT NULL DEFAULT false,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "posLocationShopifyId" BIGINT,
    "cancelledAt" TIMESTAMP(3),
    "closed" BOOLEAN NOT NULL DEFAULT false,
    "shipBy" TIMESTAMP(3),
    "preOrder" BOOLEAN NOT NULL DEFAULT false,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "shopifyCreatedAt" TIMESTAMP(3),
    "shopifyUpdatedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_lines" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "orderId" INTEGER NOT NULL,
    "shopifyId" BIGINT NOT NULL,
    "itemId" INTEGER,
    "sku" TEXT,
    "quantity" INTEGER NOT NULL,
    "openQuantity" INTEGER NOT NULL,
    "assignedLocationId" INTEGER,
    "dueDate" TIMESTAMP(3),
    "preOrder" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "holdbacks" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "channelId" INTEGER,
    "locationId" INTEGER,
    "quantity" INTEGER NOT NULL,
    "from" TIMESTAMP(3),
    "until" TIMESTAMP(3),
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "holdbacks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suppliers" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "onTimeRate" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "delayDays" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "suppliers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purchase_orders" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "supplierId" INTEGER,
    "destinationLocationId" INTEGER NOT NULL,
    "status" "purchase_order_status" NOT NULL DEFAULT 'open',
    "eta" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "purchase_orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purchase_order_lines" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "purchaseOrderId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "quantityOrdered" INTEGER NOT NULL,
    "quantityReceived" INTEGER NOT NULL DEFAULT 0,
    "etaOverride" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "purchase_order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "preorder_allocations" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "orderLineId" INTEGER NOT NULL,
    "purchaseOrderLineId" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "promiseDate" TIMESTAMP(3) NOT NULL,
    "allocatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "preorder_allocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "exposure_rules" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "channelId" INTEGER NOT NULL,
    "targetKind" "rule_target_kind" NOT NULL DEFAULT 'all',
    "targetValue" TEXT,
    "percent" INTEGER,
    "cap" INTEGER,
    "zeroBelow" INTEGER,
    "safetyStock" INTEGER,
    "liveFrom" TIMESTAMP(3),
    "liveUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "exposure_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ringfence_pools" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "channelId" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "entitlement" INTEGER NOT NULL,
    "freeSupplyAtRebalance" INTEGER NOT NULL,
    "rebalancedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ringfence_pools_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool_carves" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "poolId" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "pool_carves_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "availability_snapshots" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "channelId" INTEGER NOT NULL,
    "atp" INTEGER NOT NULL,
    "ats" INTEGER NOT NULL,
    "ruleId" INTEGER,
    "breakdown" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "availability_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ats_history" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "channelId" INTEGER NOT NULL,
    "atp" INTEGER NOT NULL,
    "ats" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ats_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pushed_quantities" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "lastAts" INTEGER,
    "pushedAt" TIMESTAMP(3) NOT NULL,
    "pushJobId" INTEGER,

    CONSTRAINT "pushed_quantities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_inbox" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "eventId" TEXT,
    "apiVersion" TEXT,
    "triggeredAt" TIMESTAMP(3),
    "payload" JSONB NOT NULL,
    "status" "webhook_status" NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "webhook_inbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_jobs" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "status" "push_status" NOT NULL DEFAULT 'pending',
    "idempotencyKey" TEXT NOT NULL,
    "quantityName" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "referenceDocumentUri" TEXT,
    "actor" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "costPoints" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "push_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_job_entries" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "pushJobId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "channelId" INTEGER,
    "before" INTEGER,
    "after" INTEGER NOT NULL,
    "ats" INTEGER,
    "result" TEXT,

    CONSTRAINT "push_job_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT,
    "before" JSONB,
    "after" JSONB,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_drifts" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "expected" INTEGER NOT NULL,
    "actual" INTEGER NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,

    CONSTRAINT "reconciliation_drifts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sessions_shop_idx" ON "sessions"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "shops_domain_key" ON "shops"("domain");

-- CreateIndex
CREATE INDEX "locations_shopId_role_idx" ON "locations"("shopId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "locations_shopId_shopifyId_key" ON "locations"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "channels_shopId_priority_idx" ON "channels"("shopId", "priority");

-- CreateIndex
CREATE UNIQUE INDEX "channels_shopId_key_key" ON "channels"("shopId", "key");

-- CreateIndex
CREATE INDEX "channel_facilities_shopId_locationId_idx" ON "channel_facilities"("shopId", "locationId");

-- CreateIndex
CREATE INDEX "products_shopId_vendor_idx" ON "products"("shopId", "vendor");

-- CreateIndex
CREATE UNIQUE INDEX "products_shopId_shopifyId_key" ON "products"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "variants_productId_idx" ON "variants"("productId");

-- CreateIndex
CREATE INDEX "variants_shopId_sku_idx" ON "variants"("shopId", "sku");

-- CreateIndex
CREATE UNIQUE INDEX "variants_shopId_shopifyId_key" ON "variants"("shopId", "shopifyId");

-- CreateIndex
CREATE UNIQUE INDEX "inventory_items_variantId_key" ON "inventory_items"("variantId");

-- CreateIndex
CREATE INDEX "inventory_items_shopId_sku_idx" ON "inventory_items"("shopId", "sku");

-- CreateIndex
CREATE UNIQUE INDEX "inventory_items_shopId_shopifyId_key" ON "inventory_items"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "inventory_levels_shopId_locationId_idx" ON "inventory_levels"("shopId", "locationId");

-- CreateIndex
CREATE UNIQUE INDEX "inventory_levels_shopId_itemId_locationId_name_key" ON "inventory_levels"("shopId", "itemId", "locationId", "name");

-- CreateIndex
CREATE INDEX "orders_shopId_channelId_shopifyCreatedAt_idx" ON "orders"("shopId", "channelId", "shopifyCreatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "orders_shopId_shopifyId_key" ON "orders"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "order_lines_orderId_idx" ON "order_lines"("orderId");

-- CreateIndex
CREATE INDEX "order_lines_shopId_itemId_idx" ON "order_lines"("shopId", "itemId");

-- CreateIndex
CREATE UNIQUE INDEX "order_lines_shopId_shopifyId_key" ON "order_lines"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "holdbacks_shopId_itemId_idx" ON "holdbacks"("shopId", "itemId");

-- CreateIndex
CREATE INDEX "holdbacks_shopId_channelId_idx" ON "holdbacks"("shopId", "channelId");

-- CreateIndex
CREATE UNIQUE INDEX "suppliers_shopId_name_key" ON "suppliers"("shopId", "name");

-- CreateIndex
CREATE INDEX "purchase_orders_shopId_status_idx" ON "purchase_orders"("shopId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "purchase_orders_shopId_number_key" ON "purchase_orders"("shopId", "number");

-- CreateIndex
CREATE INDEX "purchase_order_lines_purchaseOrderId_idx" ON "purchase_order_lines"("purchaseOrderId");

-- CreateIndex
CREATE INDEX "purchase_order_lines_shopId_itemId_idx" ON "purchase_order_lines"("shopId", "itemId");

-- CreateIndex
CREATE UNIQUE INDEX "preorder_allocations_orderLineId_key" ON "preorder_allocations"("orderLineId");

-- CreateIndex
CREATE INDEX "preorder_allocations_shopId_purchaseOrderLineId_idx" ON "preorder_allocations"("shopId", "purchaseOrderLineId");

-- CreateIndex
CREATE INDEX "exposure_rules_shopId_channelId_idx" ON "exposure_rules"("shopId", "channelId");

-- CreateIndex
CREATE INDEX "exposure_rules_shopId_targetKind_targetValue_idx" ON "exposure_rules"("shopId", "targetKind", "targetValue");

-- CreateIndex
CREATE INDEX "ringfence_pools_shopId_channelId_idx" ON "ringfence_pools"("shopId", "channelId");

-- CreateIndex
CREATE UNIQUE INDEX "ringfence_pools_shopId_itemId_channelId_key" ON "ringfence_pools"("shopId", "itemId", "channelId");

-- CreateIndex
CREATE INDEX "pool_carves_shopId_idx" ON "pool_carves"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "pool_carves_poolId_locationId_key" ON "pool_carves"("poolId", "locationId");

-- CreateIndex
CREATE INDEX "availability_snapshots_shopId_channelId_ats_idx" ON "availability_snapshots"("shopId", "channelId", "ats");

-- CreateIndex
CREATE UNIQUE INDEX "availability_snapshots_shopId_itemId_channelId_key" ON "availability_snapshots"("shopId", "itemId", "channelId");

-- CreateIndex
CREATE INDEX "ats_history_shopId_itemId_channelId_at_idx" ON "ats_history"("shopId", "itemId", "channelId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "pushed_quantities_shopId_itemId_locationId_name_key" ON "pushed_quantities"("shopId", "itemId", "locationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_inbox_webhookId_key" ON "webhook_inbox"("webhookId");

-- CreateIndex
CREATE INDEX "webhook_inbox_status_receivedAt_idx" ON "webhook_inbox"("status", "receivedAt");

-- CreateIndex
CREATE INDEX "webhook_inbox_shopId_status_receivedAt_idx" ON "webhook_inbox"("shopId", "status", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "push_jobs_idempotencyKey_key" ON "push_jobs"("idempotencyKey");

-- CreateIndex
CREATE INDEX "push_jobs_shopId_status_createdAt_idx" ON "push_jobs"("shopId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "push_job_entries_pushJobId_idx" ON "push_job_entries"("pushJobId");

-- CreateIndex
CREATE INDEX "push_job_entries_shopId_itemId_idx" ON "push_job_entries"("shopId", "itemId");

-- CreateIndex
CREATE INDEX "audit_events_shopId_entity_entityId_idx" ON "audit_events"("shopId", "entity", "entityId");

-- CreateIndex
CREATE INDEX "audit_events_shopId_createdAt_idx" ON "audit_events"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "reconciliation_drifts_shopId_detectedAt_idx" ON "reconciliation_drifts"("shopId", "detectedAt");

-- CreateIndex
CREATE INDEX "reconciliation_drifts_shopId_resolvedAt_idx" ON "reconciliation_drifts"("shopId", "resolvedAt");

-- AddForeignKey
ALTER TABLE "locations" ADD CONSTRAINT "locations_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channels" ADD CONSTRAINT "channels_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channels" ADD CONSTRAINT "channels_publishLocationId_fkey" FOREIGN KEY ("publishLocationId") REFERENCES "locations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_facilities" ADD CONSTRAINT "channel_facilities_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_facilities" ADD CONSTRAINT "channel_facilities_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_facilities" ADD CONSTRAINT "channel_facilities_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "variants" ADD CONSTRAINT "variants_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "variants" ADD CONSTRAINT "variants_productId_fkey" FOREIGN KEY ("productId") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_items" ADD CONSTRAINT "inventory_items_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_items" ADD CONSTRAINT "inventory_items_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "variants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_assignedLocationId_fkey" FOREIGN KEY ("assignedLocationId") REFERENCES "locations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "holdbacks" ADD CONSTRAINT "holdbacks_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "holdbacks" ADD CONSTRAINT "holdbacks_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "holdbacks" ADD CONSTRAINT "holdbacks_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "holdbacks" ADD CONSTRAINT "holdbacks_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_supplierId_fkey" FOREIGN KEY ("supplierId") REFERENCES "suppliers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_destinationLocationId_fkey" FOREIGN KEY ("destinationLocationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_purchaseOrderId_fkey" FOREIGN KEY ("purchaseOrderId") REFERENCES "purchase_orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "preorder_allocations" ADD CONSTRAINT "preorder_allocations_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "preorder_allocations" ADD CONSTRAINT "preorder_allocations_orderLineId_fkey" FOREIGN KEY ("orderLineId") REFERENCES "order_lines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "preorder_allocations" ADD CONSTRAINT "preorder_allocations_purchaseOrderLineId_fkey" FOREIGN KEY ("purchaseOrderLineId") REFERENCES "purchase_order_lines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exposure_rules" ADD CONSTRAINT "exposure_rules_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exposure_rules" ADD CONSTRAINT "exposure_rules_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ringfence_pools" ADD CONSTRAINT "ringfence_pools_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ringfence_pools" ADD CONSTRAINT "ringfence_pools_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ringfence_pools" ADD CONSTRAINT "ringfence_pools_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pool_carves" ADD CONSTRAINT "pool_carves_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pool_carves" ADD CONSTRAINT "pool_carves_poolId_fkey" FOREIGN KEY ("poolId") REFERENCES "ringfence_pools"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pool_carves" ADD CONSTRAINT "pool_carves_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "availability_snapshots" ADD CONSTRAINT "availability_snapshots_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "availability_snapshots" ADD CONSTRAINT "availability_snapshots_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "availability_snapshots" ADD CONSTRAINT "availability_snapshots_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "availability_snapshots" ADD CONSTRAINT "availability_snapshots_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "exposure_rules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ats_history" ADD CONSTRAINT "ats_history_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ats_history" ADD CONSTRAINT "ats_history_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ats_history" ADD CONSTRAINT "ats_history_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pushed_quantities" ADD CONSTRAINT "pushed_quantities_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pushed_quantities" ADD CONSTRAINT "pushed_quantities_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pushed_quantities" ADD CONSTRAINT "pushed_quantities_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pushed_quantities" ADD CONSTRAINT "pushed_quantities_pushJobId_fkey" FOREIGN KEY ("pushJobId") REFERENCES "push_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_inbox" ADD CONSTRAINT "webhook_inbox_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_jobs" ADD CONSTRAINT "push_jobs_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_job_entries" ADD CONSTRAINT "push_job_entries_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_job_entries" ADD CONSTRAINT "push_job_entries_pushJobId_fkey" FOREIGN KEY ("pushJobId") REFERENCES "push_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_job_entries" ADD CONSTRAINT "push_job_entries_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_job_entries" ADD CONSTRAINT "push_job_entries_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_job_entries" ADD CONSTRAINT "push_job_entries_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_drifts" ADD CONSTRAINT "reconciliation_drifts_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_drifts" ADD CONSTRAINT "reconciliation_drifts_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "inventory_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_drifts" ADD CONSTRAINT "reconciliation_drifts_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

