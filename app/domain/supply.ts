/**
 * Supply terms: sellable on hand per facility and the supplier split of inbound lines.
 */

/** On hand net of the facility's own safety stock, never below 0 at any facility. */
export function sellableOnHand(onHand: number, facilitySafetyStock: number): number {
  const v = onHand - facilitySafetyStock;
  return v > 0 ? v : 0;
}

// q·ρ is computed in floating point; a whole number may come out as 69.99999999999999, so a
// tolerance far below any real fraction of a unit keeps floor() honest.
const SPLIT_EPSILON = 1e-9;

/** Units of a q-unit inbound line expected on time at its ETA: floor(q·ρ). The rest arrives δ days later. */
export function onTimeQty(qty: number, onTimeRate: number): number {
  if (onTimeRate >= 1) return qty;
  const v = Math.floor(qty * onTimeRate + SPLIT_EPSILON);
  return v < 0 ? 0 : v > qty ? qty : v;
}

export interface InboundSplit {
  /** Day (relative to asOf) and units of the on-time part. */
  day1: number;
  qty1: number;
  /** Day and units of the late part (qty2 may be 0). */
  day2: number;
  qty2: number;
}

/**
 * An inbound line as it counts in the projection, in days from asOf. A line whose ETA (or ETA+δ)
 * has already passed counts at day 0: it is open, so it has not arrived, but it is the earliest
 * it can be expected.
 */
export function splitInbound(
  qty: number,
  etaDay: number,
  asOfDay: number,
  onTimeRate: number,
  delayDays: number,
): InboundSplit {
  const qty1 = onTimeQty(qty, onTimeRate);
  const d1 = etaDay - asOfDay;
  const d2 = etaDay + delayDays - asOfDay;
  return { day1: d1 > 0 ? d1 : 0, qty1, day2: d2 > 0 ? d2 : 0, qty2: qty - qty1 };
}
