/** The new purchase order form: lines are typed as "SKU, quantity[, line ETA]" one per line. */
import type { PurchaseOrderCreateInput } from "../validation/purchasing";

export interface PoFormState {
  number: string;
  supplierId: string;
  destinationLocationId: string;
  eta: string;
  status: "open" | "draft";
  lines: string;
}

export const EMPTY_PO: PoFormState = { number: "", supplierId: "", destinationLocationId: "", eta: "", status: "open", lines: "" };

export function poCreateInput(s: PoFormState): PurchaseOrderCreateInput {
  const lines = s.lines
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => {
      const [sku, quantity, eta] = l.split(",").map((p) => p.trim());
      return { sku: sku ?? "", quantity: quantity ?? "", ...(eta ? { eta } : {}) };
    });
  return { number: s.number, supplierId: s.supplierId, destinationLocationId: s.destinationLocationId, eta: s.eta, status: s.status, lines } as PurchaseOrderCreateInput;
}
