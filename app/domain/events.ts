/**
 * Order and stock events applied to a scenario state, keyed by order id so that a delivery
 * applied twice changes nothing and a cancel or fulfilment arriving before its order still
 * ends in the same state (a tombstone waits for the order). Pure: returns a new state.
 */
import type { HoldbackDef, ReservationDef, Scenario } from "./types";

export type EngineEvent =
  | { type: "order"; id: string; sku: string; channel: string; qty: number; facility?: string | null; due?: string | null }
  | { type: "cancel"; id: string }
  | { type: "fulfil"; id: string; facility?: string | null }
  | { type: "route"; id: string; facility: string }
  | { type: "stock"; sku: string; facility: string; onHand: number };

export interface OrderEntry {
  id: string;
  status: "open" | "cancelled" | "fulfilled";
  /** False for a tombstone: a cancel/fulfilment seen before its order. */
  known: boolean;
  sku: string | null;
  channel: string | null;
  qty: number;
  facility: string | null;
}

export interface EventState {
  scenario: Scenario;
  orders: Readonly<Record<string, OrderEntry>>;
}

export function initialEventState(scenario: Scenario): EventState {
  return { scenario, orders: {} };
}

function withOrder(state: EventState, entry: OrderEntry, scenario: Scenario = state.scenario): EventState {
  return { scenario, orders: { ...state.orders, [entry.id]: entry } };
}

function setOnHand(s: Scenario, sku: string, facility: string, f: (q: number) => number): Scenario {
  return {
    ...s,
    items: s.items.map((it) =>
      it.sku === sku ? { ...it, onHand: { ...it.onHand, [facility]: f(it.onHand[facility] ?? 0) } } : it,
    ),
  };
}

/**
 * Shipping k units of channel w's order from facility f: on hand there drops by k, and w's
 * holdbacks the order was consuming (same facility or unrouted) drop by k too: the units they
 * held have been delivered, so they must not spring back when the order leaves the open set.
 */
function ship(s: Scenario, sku: string, channel: string, facility: string, qty: number): Scenario {
  const shipped = setOnHand(s, sku, facility, (q) => Math.max(0, q - qty));
  const holdbacks: HoldbackDef[] = shipped.holdbacks.map((h) =>
    h.sku === sku && h.channel === channel && (h.facility === null || h.facility === facility)
      ? { ...h, qty: Math.max(0, h.qty - qty) }
      : h,
  );
  return { ...shipped, holdbacks };
}

function withoutReservation(s: Scenario, id: string): Scenario {
  return { ...s, reservations: s.reservations.filter((r) => r.id !== id) };
}

export function applyEvent(state: EventState, event: EngineEvent): EventState {
  const s = state.scenario;
  const entry = state.orders[event.type === "stock" ? "" : event.id];
  switch (event.type) {
    case "order": {
      if (entry?.known) return state;
      const facility = event.facility ?? null;
      const base: OrderEntry = {
        id: event.id,
        status: entry?.status ?? "open",
        known: true,
        sku: event.sku,
        channel: event.channel,
        qty: event.qty,
        facility: entry?.facility ?? facility,
      };
      if (base.status === "cancelled") return withOrder(state, base);
      if (base.status === "fulfilled") {
        const from = base.facility;
        if (from === null) return withOrder(state, base);
        return withOrder(state, base, ship(s, event.sku, event.channel, from, event.qty));
      }
      const r: ReservationDef = {
        id: event.id,
        sku: event.sku,
        channel: event.channel,
        qty: event.qty,
        facility,
        due: event.due ?? null,
      };
      return withOrder(state, base, { ...s, reservations: [...s.reservations, r] });
    }
    case "cancel": {
      if (entry === undefined)
        return withOrder(state, { id: event.id, status: "cancelled", known: false, sku: null, channel: null, qty: 0, facility: null });
      if (entry.status !== "open") return state;
      return withOrder(state, { ...entry, status: "cancelled" }, withoutReservation(s, event.id));
    }
    case "fulfil": {
      if (entry === undefined)
        return withOrder(state, {
          id: event.id,
          status: "fulfilled",
          known: false,
          sku: null,
          channel: null,
          qty: 0,
          facility: event.facility ?? null,
        });
      if (entry.status !== "open" || entry.sku === null || entry.channel === null) return state;
      const from = event.facility ?? entry.facility;
      if (from === null) throw new Error(`fulfil ${event.id}: no facility to ship from`);
      const shipped = ship(withoutReservation(s, event.id), entry.sku, entry.channel, from, entry.qty);
      return withOrder(state, { ...entry, status: "fulfilled", facility: from }, shipped);
    }
    case "route": {
      if (entry === undefined || entry.status !== "open") return state;
      if (entry.facility === event.facility) return state;
      const reservations = s.reservations.map((r) => (r.id === event.id ? { ...r, facility: event.facility } : r));
      return withOrder(state, { ...entry, facility: event.facility }, { ...s, reservations });
    }
    case "stock": {
      const item = s.items.find((it) => it.sku === event.sku);
      if (item === undefined || (item.onHand[event.facility] ?? 0) === event.onHand) return state;
      return { scenario: setOnHand(s, event.sku, event.facility, () => event.onHand), orders: state.orders };
    }
  }
}

export function applyEvents(state: EventState, events: readonly EngineEvent[]): EventState {
  return events.reduce(applyEvent, state);
}

/**
 * sold_c for the pool transition: units on `channel`'s orders for `sku` placed since the
 * rebalance (ids not in `atRebalance`) and not cancelled, shipped or not.
 */
export function soldSince(state: EventState, atRebalance: ReadonlySet<string>, sku: string, channel: string): number {
  let sold = 0;
  for (const o of Object.values(state.orders))
    if (o.known && o.status !== "cancelled" && o.sku === sku && o.channel === channel && !atRebalance.has(o.id)) sold += o.qty;
  return sold;
}
