import { GraphQLError } from "graphql";
import { parseGid } from "./inventory-ops";
import type { WebhookEvent } from "./orders";
import { B2B_COMPANY_ID, B2B_COMPANY_LOCATION_ID, iso, SHOPIFY_CHANNEL_APP_IDS } from "./payloads";
import {
  gid,
  QUANTITY_NAMES,
  quantity,
  type BulkOperationRec,
  type FulfillmentOrderRec,
  type LevelRec,
  type LocationRec,
  type MetafieldRec,
  type OrderRec,
  type ProductRec,
  type QuantityName,
  type ShopState,
  type VariantRec,
} from "./shop-state";

/**
 * Read side of the GraphQL API: each record becomes a plain object carrying `__typename`,
 * its scalar fields, and methods for fields with arguments (graphql-js calls them with
 * (args, context, info)). Fields not modelled here fail loudly (see fieldResolver in graphql.ts).
 */

export interface AppInfo {
  id: number;
  title: string;
  handle: string;
  apiKey: string;
}

export interface ExecContext {
  shop: ShopState;
  now: number;
  /** Inside a bulk operation connections need no first/last and return everything. */
  bulk: boolean;
  app: AppInfo;
  restoreRate: number;
  bulkUrl(id: number): string;
  emit(events: WebhookEvent[]): void;
  runBulk(query: string): { op: BulkOperationRec | null; userErrors: { field: string[] | null; message: string; code: string }[] };
  requireIdempotency: boolean;
  /** What mutations report about themselves for the call log. */
  notes: CallNotes;
}

export interface CallNotes {
  userErrorCodes: string[];
  idempotencyKeys: string[];
  replayed: boolean;
}

type View = Record<string, unknown> & { __typename: string };
type Args = Record<string, unknown>;

export function notImplemented(what: string): GraphQLError {
  return new GraphQLError(`The Shopify test double does not implement ${what}.`, { extensions: { code: "DOUBLE_NOT_IMPLEMENTED" } });
}

// ---------------------------------------------------------------- connections and search

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

const cursorOf = (key: string | number) => Buffer.from(JSON.stringify({ k: key })).toString("base64url");
function keyOfCursor(cursor: string): string | number {
  try {
    return (JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { k: string | number }).k;
  } catch {
    throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
  }
}

export function connection<T>(items: T[], args: PageArgs, keyOf: (t: T) => string | number, toNode: (t: T) => View) {
  let list = args.reverse ? [...items].reverse() : items;
  if (args.after) {
    const k = keyOfCursor(args.after);
    const i = list.findIndex((t) => keyOf(t) === k);
    list = i < 0 ? [] : list.slice(i + 1);
  }
  if (args.before) {
    const k = keyOfCursor(args.before);
    const i = list.findIndex((t) => keyOf(t) === k);
    list = i < 0 ? list : list.slice(0, i);
  }
  const total = list.length;
  let hasNext = false;
  let hasPrev = !!args.after;
  if (args.first != null) {
    hasNext = total > args.first;
    list = list.slice(0, Math.max(0, args.first));
  } else if (args.last != null) {
    hasPrev = total > args.last;
    list = list.slice(Math.max(0, total - args.last));
  }
  const edges = list.map((t) => ({ __typename: "Edge", cursor: cursorOf(keyOf(t)), node: toNode(t) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: hasNext,
      hasPreviousPage: hasPrev,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

type Matcher<T> = (t: T, op: string, value: string) => boolean;

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return a === b;
  }
}
const byNumber =
  <T>(get: (t: T) => number): Matcher<T> =>
  (t, op, v) =>
    compare(get(t), op, Number(v.replace(/^gid:\/\/shopify\/\w+\//, "")));
const byDate =
  <T>(get: (t: T) => number): Matcher<T> =>
  (t, op, v) =>
    compare(get(t), op, Date.parse(v.replace(/^'|'$/g, "")));
const byText =
  <T>(get: (t: T) => string[]): Matcher<T> =>
  (t, _op, v) => {
    const want = v.replace(/^["']|["']$/g, "").toLowerCase();
    return get(t).some((s) =>
      want.endsWith("*") ? s.toLowerCase().startsWith(want.slice(0, -1)) : s.toLowerCase() === want,
    );
  };

/**
 * Shopify's search syntax, the subset the double supports: space- or AND-separated
 * `field:value` terms (with >, >=, <, <= for ids and dates, trailing * for prefixes, leading -
 * to negate). Any other filter is refused loudly rather than silently ignored.
 */
function search<T>(items: T[], query: string | null | undefined, fields: Record<string, Matcher<T>>, where: string): T[] {
  if (!query || !query.trim()) return items;
  const terms = query.match(/-?[\w.]+:(?:"[^"]*"|'[^']*'|\S+)|\S+/g) ?? [];
  let out = items;
  for (const term of terms) {
    if (term === "AND") continue;
    const m = term.match(/^(-?)([\w.]+):(>=|<=|>|<)?(.*)$/);
    if (!m || !fields[m[2]])
      throw new GraphQLError(`The Shopify test double does not support the search term '${term}' on ${where} (supported: ${Object.keys(fields).join(", ")}).`, {
        extensions: { code: "DOUBLE_NOT_IMPLEMENTED" },
      });
    const [, neg, field, op = "=", value] = m;
    out = out.filter((t) => fields[field](t, op, value) !== (neg === "-"));
  }
  return out;
}

// ---------------------------------------------------------------- records → views

function metafieldMethods(ctx: ExecContext, ownerId: string) {
  const mine = () => [...ctx.shop.metafields.values()].filter((m) => m.ownerId === ownerId);
  return {
    metafield: (args: Args) => {
      const ns = resolveNamespace(ctx, (args.namespace as string | null) ?? null);
      const m = mine().find((x) => x.namespace === ns && x.key === args.key);
      return m ? metafieldView(ctx, m) : null;
    },
    metafields: (args: Args) => {
      let list = mine();
      if (args.namespace) list = list.filter((m) => m.namespace === resolveNamespace(ctx, args.namespace as string));
      if (Array.isArray(args.keys)) list = list.filter((m) => (args.keys as string[]).includes(`${m.namespace}.${m.key}`));
      return connection(list, args, (m) => m.id, (m) => metafieldView(ctx, m));
    },
  };
}

/** `$app` (or no namespace) is the app-reserved namespace: https://shopify.dev/docs/apps/build/custom-data/ownership */
export function resolveNamespace(ctx: ExecContext, ns: string | null): string {
  if (!ns || ns === "$app") return `app--${ctx.app.id}`;
  if (ns.startsWith("$app:")) return `app--${ctx.app.id}--${ns.slice(5)}`;
  return ns;
}

export function metafieldView(ctx: ExecContext, m: MetafieldRec): View {
  const ownerType = m.ownerId.match(/^gid:\/\/shopify\/(\w+)\//)?.[1] ?? "";
  return {
    __typename: "Metafield",
    id: gid("Metafield", m.id),
    legacyResourceId: String(m.id),
    namespace: m.namespace,
    key: m.key,
    value: m.value,
    type: m.type,
    jsonValue: () => (m.type === "json" || m.type.startsWith("list.") ? JSON.parse(m.value) : m.value),
    compareDigest: compareDigest(m),
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    ownerType: ({ ProductVariant: "PRODUCTVARIANT" } as Record<string, string>)[ownerType] ?? ownerType.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase(),
    owner: () => nodeById(ctx, m.ownerId),
  };
}

export function compareDigest(m: MetafieldRec): string {
  return Buffer.from(`${m.id}:${m.updatedAt}:${m.value}`).toString("base64url");
}

export function shopView(ctx: ExecContext): View {
  const s = ctx.shop;
  const url = `https://${s.domain}`;
  return {
    __typename: "Shop",
    id: gid("Shop", s.shopId),
    name: s.name,
    myshopifyDomain: s.domain,
    url,
    currencyCode: s.currency,
    ianaTimezone: "UTC",
    timezoneAbbreviation: "UTC",
    plan: {
      __typename: "ShopPlan",
      displayName: ctx.restoreRate >= 1000 ? "Shopify Plus" : ctx.restoreRate >= 200 ? "Advanced" : "Basic",
      partnerDevelopment: false,
      shopifyPlus: ctx.restoreRate >= 1000,
    },
    primaryDomain: { __typename: "Domain", id: gid("Domain", s.shopId), host: s.domain, url },
    ...metafieldMethods(ctx, gid("Shop", s.shopId)),
  };
}

export function locationView(ctx: ExecContext, l: LocationRec): View {
  const first = [...ctx.shop.locations.keys()][0];
  return {
    __typename: "Location",
    id: gid("Location", l.id),
    legacyResourceId: String(l.id),
    name: l.name,
    isActive: l.isActive,
    fulfillsOnlineOrders: l.fulfillsOnlineOrders,
    isFulfillmentService: l.isFulfillmentService,
    fulfillmentService: null,
    shipsInventory: true,
    hasActiveInventory: true,
    activatable: !l.isActive,
    deactivatable: l.isActive,
    deletable: false,
    deactivatedAt: null,
    isPrimary: l.id === first,
    addressVerified: false,
    createdAt: iso(l.createdAt),
    updatedAt: iso(l.createdAt),
    address: { __typename: "LocationAddress", formatted: [l.name], countryCode: "US", country: "United States" },
    hasUnfulfilledOrders: () => [...ctx.shop.fulfillmentOrders.values()].some((fo) => fo.status === "OPEN" && fo.locationId === l.id),
    inventoryLevel: (args: Args) => {
      const itemId = parseGid(args.inventoryItemId, "InventoryItem");
      const level = itemId === null ? undefined : ctx.shop.level(itemId, l.id);
      return level ? levelView(ctx, level) : null;
    },
    inventoryLevels: (args: Args) => {
      const levels = [...ctx.shop.levels.values()].filter((lv) => lv.locationId === l.id);
      return connection(search(levels, args.query as string, {}, "Location.inventoryLevels"), args, (lv) => lv.itemId, (lv) => levelView(ctx, lv));
    },
    ...metafieldMethods(ctx, gid("Location", l.id)),
  };
}

export function levelGid(level: LevelRec): string {
  return `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.itemId}`;
}

export function levelView(ctx: ExecContext, level: LevelRec): View {
  return {
    __typename: "InventoryLevel",
    id: levelGid(level),
    createdAt: iso(level.createdAt),
    updatedAt: iso(level.updatedAt),
    canDeactivate: level.q.committed === 0,
    deactivationAlert: null,
    item: () => itemView(ctx, level.itemId),
    location: () => locationView(ctx, ctx.shop.locations.get(level.locationId)!),
    quantities: (args: Args) =>
      (args.names as string[]).map((name) => {
        if (!(QUANTITY_NAMES as readonly string[]).includes(name))
          throw new GraphQLError(`'${name}' is not a valid inventory quantity name. Valid names: ${QUANTITY_NAMES.join(", ")}.`, {
            extensions: { code: "BAD_REQUEST" },
          });
        return {
          __typename: "InventoryQuantity",
          id: `gid://shopify/InventoryQuantity/${level.locationId}?inventory_item_id=${level.itemId}&name=${name}`,
          name,
          quantity: quantity(level, name as QuantityName),
          updatedAt: iso(level.updatedAt),
        };
      }),
  };
}

export function itemView(ctx: ExecContext, itemId: number): View {
  const v = ctx.shop.variants.get(ctx.shop.itemToVariant.get(itemId)!)!;
  const levels = () => ctx.shop.levelsOfItem(itemId).filter((l) => ctx.shop.locations.get(l.locationId)!.isActive);
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", itemId),
    legacyResourceId: String(itemId),
    sku: v.sku,
    tracked: true,
    requiresShipping: true,
    createdAt: iso(v.createdAt),
    updatedAt: iso(v.updatedAt),
    variant: () => variantView(ctx, v),
    locationsCount: () => ({ __typename: "Count", count: levels().length, precision: "EXACT" }),
    inventoryLevel: (args: Args) => {
      const loc = parseGid(args.locationId, "Location");
      const level = loc === null ? undefined : ctx.shop.level(itemId, loc);
      return level ? levelView(ctx, level) : null;
    },
    inventoryLevels: (args: Args) =>
      connection(search(levels(), args.query as string, {}, "InventoryItem.inventoryLevels"), args, (l) => l.locationId, (l) => levelView(ctx, l)),
  };
}

export function variantView(ctx: ExecContext, v: VariantRec): View {
  const p = ctx.shop.products.get(v.productId)!;
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    legacyResourceId: String(v.id),
    sku: v.sku,
    title: v.title,
    displayName: `${p.title} - ${v.title}`,
    price: v.price,
    barcode: null,
    position: v.position,
    createdAt: iso(v.createdAt),
    updatedAt: iso(v.updatedAt),
    inventoryQuantity: () => ctx.shop.levelsOfItem(v.itemId).reduce((s, l) => s + l.q.available, 0),
    product: () => productView(ctx, p),
    inventoryItem: () => itemView(ctx, v.itemId),
    ...metafieldMethods(ctx, gid("ProductVariant", v.id)),
  };
}

function collectionView(ctx: ExecContext, id: number): View {
  const c = ctx.shop.collections.get(id)!;
  return { __typename: "Collection", id: gid("Collection", c.id), handle: c.handle, title: c.handle };
}

export function productView(ctx: ExecContext, p: ProductRec): View {
  const variants = () => p.variantIds.map((id) => ctx.shop.variants.get(id)!);
  return {
    __typename: "Product",
    id: gid("Product", p.id),
    legacyResourceId: String(p.id),
    title: p.title,
    handle: p.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
    vendor: p.vendor,
    productType: p.productType,
    tags: p.tags,
    status: "ACTIVE",
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    totalInventory: () => variants().reduce((s, v) => s + ctx.shop.levelsOfItem(v.itemId).reduce((t, l) => t + l.q.available, 0), 0),
    variants: (args: Args) => connection(variants(), args, (v) => v.id, (v) => variantView(ctx, v)),
    collections: (args: Args) => connection(p.collections, args, (c) => c, (c) => collectionView(ctx, c)),
    ...metafieldMethods(ctx, gid("Product", p.id)),
  };
}

const KNOWN_APPS: Record<number, string> = Object.fromEntries(
  Object.entries(SHOPIFY_CHANNEL_APP_IDS).map(([src, id]) => [id, { web: "Online Store", pos: "Point of Sale", shopify_draft_order: "Draft Orders" }[src]!]),
);

function appName(order: OrderRec): string {
  return KNOWN_APPS[order.appId!] ?? order.sourceName;
}

export function fulfillmentOrderView(ctx: ExecContext, fo: FulfillmentOrderRec): View {
  const order = ctx.shop.orders.get(fo.orderId)!;
  const loc = ctx.shop.locations.get(fo.locationId)!;
  return {
    __typename: "FulfillmentOrder",
    id: gid("FulfillmentOrder", fo.id),
    status: fo.status,
    requestStatus: "UNSUBMITTED",
    createdAt: iso(fo.createdAt),
    updatedAt: iso(fo.updatedAt),
    fulfillBy: fo.fulfillBy ? `${fo.fulfillBy.slice(0, 10)}T00:00:00Z` : null,
    orderId: gid("Order", fo.orderId),
    orderName: order.name,
    order: () => orderView(ctx, order),
    assignedLocation: () => ({ __typename: "FulfillmentOrderAssignedLocation", name: loc.name, countryCode: "US", location: locationView(ctx, loc) }),
    lineItems: (args: Args) =>
      connection(fo.lines, args, (l) => l.id, (l) => ({
        __typename: "FulfillmentOrderLineItem",
        id: gid("FulfillmentOrderLineItem", l.id),
        totalQuantity: l.total,
        remainingQuantity: l.remaining,
        inventoryItemId: gid("InventoryItem", l.itemId),
        sku: l.sku,
        variant: () => variantView(ctx, ctx.shop.variants.get(l.variantId)!),
        lineItem: () => lineItemView(ctx, order, l.lineItemId),
      })),
  };
}

function lineItemView(ctx: ExecContext, order: OrderRec, lineItemId: number): View {
  const l = order.lines.find((x) => x.id === lineItemId)!;
  const open = l.quantity - l.cancelled - l.fulfilled;
  return {
    __typename: "LineItem",
    id: gid("LineItem", l.id),
    sku: l.sku,
    name: l.title,
    title: l.title,
    quantity: l.quantity,
    currentQuantity: l.quantity - l.cancelled,
    unfulfilledQuantity: open,
    fulfillableQuantity: order.cancelledAt === null ? open : 0,
    fulfillmentStatus: l.fulfilled === 0 ? "unfulfilled" : open === 0 ? "fulfilled" : "partial",
    requiresShipping: true,
    variant: () => variantView(ctx, ctx.shop.variants.get(l.variantId)!),
    product: () => productView(ctx, ctx.shop.products.get(l.productId)!),
  };
}

export function orderView(ctx: ExecContext, o: OrderRec): View {
  const fos = () => ctx.shop.fulfillmentOrdersOf(o.id);
  const open = o.lines.reduce((s, l) => s + l.quantity - l.cancelled - l.fulfilled, 0);
  const fulfilled = o.lines.reduce((s, l) => s + l.fulfilled, 0);
  const app =
    o.appId === null
      ? null
      : { __typename: "App", id: gid("App", o.appId), title: appName(o), handle: o.sourceName, apiKey: `api-key-${o.appId}` };
  return {
    __typename: "Order",
    id: gid("Order", o.id),
    legacyResourceId: String(o.id),
    name: o.name,
    createdAt: iso(o.createdAt),
    processedAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    cancelledAt: o.cancelledAt === null ? null : iso(o.cancelledAt),
    closed: o.closedAt !== null,
    closedAt: o.closedAt === null ? null : iso(o.closedAt),
    test: o.test,
    tags: o.tags,
    sourceName: o.sourceName,
    currencyCode: ctx.shop.currency,
    note: o.shipBy ? `Ship by ${o.shipBy}` : null,
    customAttributes: o.shipBy ? [{ __typename: "Attribute", key: "ship_by", value: o.shipBy }] : [],
    displayFulfillmentStatus: fulfilled === 0 ? "UNFULFILLED" : open === 0 ? "FULFILLED" : "PARTIALLY_FULFILLED",
    displayFinancialStatus: "PAID",
    fulfillable: o.cancelledAt === null && open > 0,
    app: app && { __typename: "OrderApp", id: app.id, name: app.title, icon: { __typename: "Image", id: null, url: "https://cdn.shopify.com/app-icon.png" } },
    channelInformation:
      app && {
        __typename: "ChannelInformation",
        id: gid("ChannelInformation", o.id),
        channelId: gid("Channel", o.appId!),
        app,
        channelDefinition: { __typename: "ChannelDefinition", id: gid("ChannelDefinition", o.appId!), handle: o.sourceName, channelName: app.title, subChannelName: app.title },
      },
    purchasingEntity: o.b2b
      ? {
          __typename: "PurchasingCompany",
          company: { __typename: "Company", id: gid("Company", B2B_COMPANY_ID), name: "B2B Buyer", externalId: null },
          location: { __typename: "CompanyLocation", id: gid("CompanyLocation", B2B_COMPANY_LOCATION_ID), name: "B2B Buyer HQ" },
          contact: null,
        }
      : null,
    retailLocation: () => (o.sourceName === "pos" ? locationView(ctx, ctx.shop.locations.get(o.locationId)!) : null),
    physicalLocation: () => (o.sourceName === "pos" ? locationView(ctx, ctx.shop.locations.get(o.locationId)!) : null),
    lineItems: (args: Args) => connection(o.lines, args, (l) => l.id, (l) => lineItemView(ctx, o, l.id)),
    fulfillmentOrders: (args: Args) => {
      const list = fos().filter((fo) => !args.displayable || fo.status !== "CANCELLED");
      return connection(
        search(list, args.query as string, { status: byText((fo: FulfillmentOrderRec) => [fo.status]), assigned_location_id: byNumber((fo: FulfillmentOrderRec) => fo.locationId) }, "Order.fulfillmentOrders"),
        args,
        (fo) => fo.id,
        (fo) => fulfillmentOrderView(ctx, fo),
      );
    },
    ...metafieldMethods(ctx, gid("Order", o.id)),
  };
}

export function bulkOperationView(ctx: ExecContext, op: BulkOperationRec): View {
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", op.id),
    status: op.status,
    type: "QUERY",
    query: op.query,
    createdAt: iso(op.createdAt),
    completedAt: op.completedAt === null ? null : iso(op.completedAt),
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    errorCode: op.errorCode,
    // Shopify gives no url when the query matched nothing.
    url: op.status === "COMPLETED" && op.objectCount > 0 ? ctx.bulkUrl(op.id) : null,
    partialDataUrl: null,
  };
}

export function adjustmentGroupView(ctx: ExecContext, groupId: number): View | null {
  const g = ctx.shop.groups.get(groupId);
  if (!g) return null;
  return {
    __typename: "InventoryAdjustmentGroup",
    id: gid("InventoryAdjustmentGroup", g.id),
    createdAt: iso(g.createdAt),
    reason: g.reason,
    referenceDocumentUri: g.referenceDocumentUri,
    app: { __typename: "App", id: gid("App", ctx.app.id), title: ctx.app.title, handle: ctx.app.handle, apiKey: ctx.app.apiKey },
    staffMember: null,
    changes: (args: Args) => {
      const items = (args.inventoryItemIds as string[] | undefined)?.map((i) => parseGid(i, "InventoryItem"));
      const locs = (args.locationIds as string[] | undefined)?.map((i) => parseGid(i, "Location"));
      const names = args.quantityNames as string[] | undefined;
      return g.changes
        .filter((c) => (!items || items.includes(c.itemId)) && (!locs || locs.includes(c.locationId)) && (!names || names.includes(c.name)))
        .map((c) => ({
          __typename: "InventoryChange",
          name: c.name,
          delta: c.delta,
          quantityAfterChange: c.quantityAfterChange,
          ledgerDocumentUri: c.ledgerDocumentUri,
          item: () => itemView(ctx, c.itemId),
          location: () => locationView(ctx, ctx.shop.locations.get(c.locationId)!),
        }));
    },
  };
}

/** node(id) / nodes(ids): every type the double models. */
export function nodeById(ctx: ExecContext, id: unknown): View | null {
  if (typeof id !== "string") return null;
  const m = id.match(/^gid:\/\/shopify\/(\w+)\/(\d+)(?:\?inventory_item_id=(\d+))?$/);
  if (!m) return null;
  const n = Number(m[2]);
  const s = ctx.shop;
  switch (m[1]) {
    case "Shop":
      return n === s.shopId ? shopView(ctx) : null;
    case "Location":
      return s.locations.has(n) ? locationView(ctx, s.locations.get(n)!) : null;
    case "Product":
      return s.products.has(n) ? productView(ctx, s.products.get(n)!) : null;
    case "ProductVariant":
      return s.variants.has(n) ? variantView(ctx, s.variants.get(n)!) : null;
    case "InventoryItem":
      return s.itemToVariant.has(n) ? itemView(ctx, n) : null;
    case "InventoryLevel": {
      const level = m[3] ? s.level(Number(m[3]), n) : undefined;
      return level ? levelView(ctx, level) : null;
    }
    case "Order":
      return s.orders.has(n) ? orderView(ctx, s.orders.get(n)!) : null;
    case "FulfillmentOrder":
      return s.fulfillmentOrders.has(n) ? fulfillmentOrderView(ctx, s.fulfillmentOrders.get(n)!) : null;
    case "BulkOperation":
      return s.bulkOps.has(n) ? bulkOperationView(ctx, s.bulkOps.get(n)!) : null;
    case "InventoryAdjustmentGroup":
      return adjustmentGroupView(ctx, n);
    case "Collection":
      return s.collections.has(n) ? collectionView(ctx, n) : null;
    case "Metafield": {
      const mf = [...s.metafields.values()].find((x) => x.id === n);
      return mf ? metafieldView(ctx, mf) : null;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------- query root

const productFilters = {
  id: byNumber((p: ProductRec) => p.id),
  title: byText((p: ProductRec) => [p.title]),
  vendor: byText((p: ProductRec) => [p.vendor]),
  product_type: byText((p: ProductRec) => [p.productType]),
  tag: byText((p: ProductRec) => p.tags),
  status: byText(() => ["active"]),
  updated_at: byDate((p: ProductRec) => p.updatedAt),
  created_at: byDate((p: ProductRec) => p.createdAt),
};

export function queryRoot(ctx: ExecContext): Record<string, unknown> {
  const s = ctx.shop;
  const sortedLocations = (sortKey: unknown) =>
    [...s.locations.values()].sort((a, b) => (sortKey === "ID" ? a.id - b.id : a.name.localeCompare(b.name) || a.id - b.id));
  return {
    shop: () => shopView(ctx),
    location: (args: Args) => {
      if (args.id == null) return locationView(ctx, s.locations.values().next().value!);
      const id = parseGid(args.id, "Location");
      return id !== null && s.locations.has(id) ? locationView(ctx, s.locations.get(id)!) : null;
    },
    locations: (args: Args) => {
      const list = sortedLocations(args.sortKey).filter((l) => (args.includeInactive || l.isActive) && (args.includeLegacy || !l.isFulfillmentService));
      const filtered = search(
        list,
        args.query as string,
        { id: byNumber((l: LocationRec) => l.id), name: byText((l: LocationRec) => [l.name]), active: byText((l: LocationRec) => [String(l.isActive)]) },
        "locations",
      );
      return connection(filtered, args, (l) => l.id, (l) => locationView(ctx, l));
    },
    product: (args: Args) => nodeById(ctx, args.id),
    products: (args: Args) => {
      const list = [...s.products.values()].sort((a, b) => a.id - b.id);
      const withSku = { ...productFilters, sku: byText((p: ProductRec) => p.variantIds.map((v) => s.variants.get(v)!.sku)) };
      return connection(search(list, args.query as string, withSku, "products"), args, (p) => p.id, (p) => productView(ctx, p));
    },
    productVariant: (args: Args) => nodeById(ctx, args.id),
    productVariants: (args: Args) => {
      const list = [...s.variants.values()].sort((a, b) => a.id - b.id);
      const filters = {
        id: byNumber((v: VariantRec) => v.id),
        sku: byText((v: VariantRec) => [v.sku]),
        product_id: byNumber((v: VariantRec) => v.productId),
        title: byText((v: VariantRec) => [v.title]),
        vendor: byText((v: VariantRec) => [s.products.get(v.productId)!.vendor]),
        updated_at: byDate((v: VariantRec) => v.updatedAt),
      };
      return connection(search(list, args.query as string, filters, "productVariants"), args, (v) => v.id, (v) => variantView(ctx, v));
    },
    inventoryItem: (args: Args) => nodeById(ctx, args.id),
    inventoryItems: (args: Args) => {
      const list = [...s.variants.values()].sort((a, b) => a.itemId - b.itemId);
      const filters = {
        id: byNumber((v: VariantRec) => v.itemId),
        sku: byText((v: VariantRec) => [v.sku]),
        updated_at: byDate((v: VariantRec) => v.updatedAt),
        created_at: byDate((v: VariantRec) => v.createdAt),
      };
      return connection(search(list, args.query as string, filters, "inventoryItems"), args, (v) => v.itemId, (v) => itemView(ctx, v.itemId));
    },
    inventoryLevel: (args: Args) => nodeById(ctx, args.id),
    order: (args: Args) => nodeById(ctx, args.id),
    orders: (args: Args) => {
      const list = [...s.orders.values()].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
      const filters = {
        id: byNumber((o: OrderRec) => o.id),
        name: byText((o: OrderRec) => [o.name, o.name.replace(/^#/, "")]),
        source_name: byText((o: OrderRec) => [o.sourceName]),
        status: byText((o: OrderRec) => [o.cancelledAt !== null ? "cancelled" : o.closedAt !== null ? "closed" : "open"]),
        updated_at: byDate((o: OrderRec) => o.updatedAt),
        created_at: byDate((o: OrderRec) => o.createdAt),
      };
      return connection(search(list, args.query as string, filters, "orders"), args, (o) => o.id, (o) => orderView(ctx, o));
    },
    fulfillmentOrder: (args: Args) => nodeById(ctx, args.id),
    node: (args: Args) => nodeById(ctx, args.id),
    nodes: (args: Args) => (args.ids as string[]).map((id) => nodeById(ctx, id)),
    currentBulkOperation: (args: Args) => {
      if (args.type === "MUTATION" || s.currentBulkId === null) return null;
      return bulkOperationView(ctx, s.bulkOps.get(s.currentBulkId)!);
    },
  };
}
