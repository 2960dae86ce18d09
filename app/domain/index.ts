/**
 * Public API of the availability engine. Pure: no I/O, no clock, no Prisma/Shopify/BullMQ.
 *
 * Two ways in:
 * - evaluate(validateScenario(json)) for a whole scenario or catalogue (CLI, previews);
 * - compileNetwork(config) once, then evaluateItem(net, itemState, asOfDay) per item on every
 *   order (workers); buildItemState() turns id-based rows into an ItemState.
 */
export { addDays, formatDay, parseDay, tryParseDay } from "./dates";
export type * from "./types";
export { NO_FROM, NO_UNTIL } from "./types";
export { parseScenario, validateScenario, ScenarioError, formatPath, type ScenarioIssue } from "./scenario";
export { compileNetwork, type CompiledNetwork, type NetworkInput } from "./network";
export { evaluateItem, newItemResult, type ItemResult, type EvaluateItemOptions } from "./item";
export { atpOnDay, earliestDay, promise, type PromiseAnswer } from "./promise";
export { sellableOnHand, onTimeQty, splitInbound } from "./supply";
export { sharedAts, ringfencedAts, isLive, percentToBp, POLICY_FIELDS, SPECIFICITY } from "./exposure";
export { transitionPools, entitlement, type PoolSnapshot, type PoolChannelSnapshot, type PoolStateNow } from "./pools";
export {
  allocatePreorders,
  reallocatePreorders,
  storefrontSummary,
  poAtp,
  placements,
  linePromiseDay,
  type PoLine,
  type Preorder,
  type Allocation,
  type PreorderPlacement,
  type PreorderMove,
  type StorefrontSummary,
} from "./preorders";
export { atpBreakdown, atsBreakdown, atpTermsAt, type AtpBreakdown, type AtsBreakdown } from "./explain";
export { evaluate, buildItemState, type EvaluationResult, type ItemParts, type BuiltItem } from "./engine";
export * from "./events";
