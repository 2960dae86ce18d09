/**
 * How a beneficiary's reservations consume its holdbacks. A reservation can be served from held
 * units at its own facility, or from any held units when either side is not routed yet. The
 * units consumed are the largest amount compatibility allows (a maximum matching), so the result
 * does not depend on the order holdbacks or orders are listed or arrived in, and one order never
 * consumes two holdbacks at once.
 *
 * With hf/rf the held and reserved units routed to each facility and hStar/rStar the unrouted
 * ones: each facility's holds take that facility's orders first (nothing else can use them but
 * unrouted holds); unrouted holds then take routed orders left over, then unrouted orders; what
 * is left of the unrouted orders goes to facility holds still short.
 */
export function heldConsumed(
  nF: number,
  hf: ArrayLike<number>,
  hfOffset: number,
  hStar: number,
  rf: ArrayLike<number>,
  rfOffset: number,
  rStar: number,
): number {
  let matched = 0;
  let hfLeft = 0;
  let rfLeft = 0;
  for (let f = 0; f < nF; f++) {
    const h = hf[hfOffset + f];
    const r = rf[rfOffset + f];
    const m = h < r ? h : r;
    matched += m;
    hfLeft += h - m;
    rfLeft += r - m;
  }
  const x = hStar < rfLeft ? hStar : rfLeft;
  const hStarLeft = hStar - x;
  const y = hStarLeft < rStar ? hStarLeft : rStar;
  const rStarLeft = rStar - y;
  const z = hfLeft < rStarLeft ? hfLeft : rStarLeft;
  return matched + x + y + z;
}
