import { describe, expect, it } from "vitest";
import { LANED_TOPICS, LANES, laneOf, lockKey } from "./inbox-lanes";

describe("inbox lanes", () => {
  it("every delivery about one order shares its lane, whatever the topic", () => {
    const lanes = new Set([
      laneOf("orders/create", { id: 820_001n }),
      laneOf("orders/cancelled", { id: 820_001n }),
      laneOf("orders/updated", { id: 820_001n }),
      laneOf("orders/edited", { order_edit: { order_id: 820_001n } }),
      laneOf("refunds/create", { order_id: 820_001n }),
      laneOf("fulfillments/create", { order_id: 820_001n }),
    ]);
    expect(lanes.size).toBe(1);
  });

  it("a level's lane depends on its item and its location; a product's on its id", () => {
    expect(laneOf("inventory_levels/update", { inventory_item_id: 9001n, location_id: 101n })).toBe(
      laneOf("inventory_levels/disconnect", { inventory_item_id: 9001n, location_id: 101n }),
    );
    expect(lockKey("inventory_levels/update", { inventory_item_id: 9001n, location_id: 101n })).toEqual([2, 9001n, 101n]);
    expect(lockKey("products/update", { id: 77n })).toEqual([1, 77n, 0n]);
    const atLocations = new Set([101n, 102n, 103n, 104n, 105n, 106n].map((location_id) => laneOf("inventory_levels/update", { inventory_item_id: 9001n, location_id })));
    expect(atLocations.size).toBeGreaterThan(1);
  });

  it("other topics keep a job per delivery", () => {
    expect(laneOf("fulfillment_orders/moved", {})).toBeNull();
    expect(laneOf("app/uninstalled", {})).toBeNull();
    expect(LANED_TOPICS).not.toContain("shop/redact");
  });

  it("spreads consecutive order ids over every lane", () => {
    const counts = new Array(LANES).fill(0);
    for (let id = 5_000_000_000n; id < 5_000_001_000n; id++) counts[laneOf("orders/create", { id })!]++;
    for (const c of counts) expect(c).toBeGreaterThan(1000 / LANES / 2);
  });
});
