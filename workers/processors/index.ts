import type { ProcessorRegistry } from "../types";
import { health } from "./health";
import { push } from "./push";
import { recompute } from "./recompute";
import { reconcile } from "./reconcile";
import { route } from "./route";
import { sync } from "./sync";
import { webhooks } from "./webhooks";

/** Every queue this worker consumes. Adding a processor is one line here. */
export const processors: ProcessorRegistry = {
  health,
  webhooks,
  recompute,
  push,
  route,
  sync,
  reconcile,
};
