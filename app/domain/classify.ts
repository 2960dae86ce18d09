/**
 * Which channel sold an order. Pure: the channels' order rules and the order's facts in, a
 * channel out. Every order gets a channel when any channel exists, so that its units are always
 * reserved somewhere (never oversell); see `defaultChannel` for the unmatched case.
 *
 * A channel's rules (any one matching is enough), from most to least specific:
 *   1. posLocation: the order was placed at one of these POS locations (one physical store)
 *   2. tag:         the order carries one of these tags (an explicit label the merchant chose)
 *   3. b2b:         the order was placed by a B2B company
 *   4. appId:       the order came through one of these sales-channel apps
 *   5. sourceName:  the order's source_name is one of these (web, pos, amazon, ...)
 * The most specific matching rule wins; between channels matching at the same level, the highest
 * priority (lowest number) wins, then the lowest id, so the answer never depends on list order.
 */

export type MatchKind = "posLocation" | "tag" | "b2b" | "appId" | "sourceName";

const SPECIFICITY: Record<MatchKind, number> = { posLocation: 5, tag: 4, b2b: 3, appId: 2, sourceName: 1 };

export interface ChannelOrderRules {
  id: number;
  key: string;
  priority: number;
  sourceNames: string[];
  /** Shopify numeric ids as decimal strings (they do not fit every JS number). */
  appIds: string[];
  b2b: boolean;
  posLocationIds: string[];
  orderTags: string[];
  archived?: boolean;
}

export interface OrderFacts {
  sourceName: string | null;
  appId: string | null;
  b2b: boolean;
  /** The physical location of a POS sale (REST `location_id`), as a decimal string. */
  posLocationId: string | null;
  tags: string[];
}

export interface Classification {
  channelId: number | null;
  key: string | null;
  /** Which rule decided; "default" when nothing matched; null when there is no channel at all. */
  matchedBy: MatchKind | "default" | null;
}

const norm = (s: string) => s.trim().toLowerCase();

function hasRules(c: ChannelOrderRules): boolean {
  return c.sourceNames.length + c.appIds.length + c.posLocationIds.length + c.orderTags.length > 0 || c.b2b;
}

function byPriority(a: ChannelOrderRules, b: ChannelOrderRules): number {
  return a.priority - b.priority || a.id - b.id;
}

/** The most specific rule of channel `c` that matches the order, or null. */
export function bestMatch(c: ChannelOrderRules, order: OrderFacts): MatchKind | null {
  if (order.posLocationId !== null && c.posLocationIds.includes(order.posLocationId)) return "posLocation";
  if (c.orderTags.length > 0) {
    const tags = new Set(order.tags.map(norm));
    if (c.orderTags.some((t) => tags.has(norm(t)))) return "tag";
  }
  if (c.b2b && order.b2b) return "b2b";
  if (order.appId !== null && c.appIds.includes(order.appId)) return "appId";
  if (order.sourceName !== null && c.sourceNames.some((s) => norm(s) === norm(order.sourceName!))) return "sourceName";
  return null;
}

/**
 * The channel an unmatched order belongs to, in this order:
 *   1. a channel with no order rules at all (the merchant's catch-all), highest priority first;
 *   2. the channel that takes Online Store orders (source name "web"): Shopify's own default;
 *   3. the highest-priority channel.
 * Archived channels never receive orders.
 */
export function defaultChannel(channels: ChannelOrderRules[]): ChannelOrderRules | null {
  const live = channels.filter((c) => !c.archived).sort(byPriority);
  return live.find((c) => !hasRules(c)) ?? live.find((c) => c.sourceNames.some((s) => norm(s) === "web")) ?? live[0] ?? null;
}

export function classifyOrder(channels: ChannelOrderRules[], order: OrderFacts): Classification {
  let best: { channel: ChannelOrderRules; kind: MatchKind } | null = null;
  for (const channel of channels) {
    if (channel.archived) continue;
    const kind = bestMatch(channel, order);
    if (!kind) continue;
    if (
      !best ||
      SPECIFICITY[kind] > SPECIFICITY[best.kind] ||
      (SPECIFICITY[kind] === SPECIFICITY[best.kind] && byPriority(channel, best.channel) < 0)
    ) {
      best = { channel, kind };
    }
  }
  if (best) return { channelId: best.channel.id, key: best.channel.key, matchedBy: best.kind };
  const fallback = defaultChannel(channels);
  return fallback ? { channelId: fallback.id, key: fallback.key, matchedBy: "default" } : { channelId: null, key: null, matchedBy: null };
}
