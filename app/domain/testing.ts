/**
 * Helpers for the engine's tests: write scenarios tersely (through the real validator) and read
 * numbers out of a result. Not used by production code.
 */
import { evaluate, type EvaluationResult } from "./engine";
import { validateScenario } from "./scenario";
import type { Scenario } from "./types";

export type ScenarioInput = Record<string, unknown> & {
  channels: Record<string, unknown>[];
  items: Record<string, unknown>[];
};

/** A validated scenario: asOf 2026-11-24 and one facility "wh" unless given. */
export function makeScenario(input: ScenarioInput): Scenario {
  return validateScenario({ asOf: "2026-11-24", facilities: [{ id: "wh" }], ...input });
}

export function run(input: ScenarioInput): EvaluationResult {
  return evaluate(makeScenario(input));
}

export function row(result: EvaluationResult, sku: string, channel: string) {
  const r = result.availability.find((a) => a.sku === sku && a.channel === channel);
  if (!r) throw new Error(`no availability row for ${sku}/${channel}`);
  return r;
}

export function pool(result: EvaluationResult, sku: string, channel: string) {
  const p = result.pools.find((a) => a.sku === sku && a.channel === channel);
  if (!p) throw new Error(`no pool row for ${sku}/${channel}`);
  return p;
}

/** Channel shorthand: id, facilities, window, plus any other fields. */
export function ch(id: string, facilities: string[], promiseWindowDays = 0, extra: Record<string, unknown> = {}) {
  return { id, facilities, priority: 1, promiseWindowDays, ...extra };
}
