import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readReplayFiles, ReplayFileError, validateReplay } from "./replay-files";

const FIXTURES = path.resolve(__dirname, "../../test/fixtures/replays");
const store = JSON.parse(readFileSync(path.join(FIXTURES, "apparel.store.json"), "utf8"));

function problems(storeValue: unknown, script: string): string[] {
  try {
    validateReplay(storeValue, script);
  } catch (error) {
    if (error instanceof ReplayFileError) return error.problems;
    throw error;
  }
  return [];
}

describe("replay files", () => {
  it("accepts both fixture pairs", () => {
    for (const name of ["apparel", "basic"]) {
      const files = readReplayFiles(path.join(FIXTURES, `${name}.store.json`), path.join(FIXTURES, `${name}.script.jsonl`));
      expect(files.script.length).toBeGreaterThan(5);
    }
  });

  it("names the line and the field of a bad script line", () => {
    const script = [
      `{"do": "order", "id": 1, "location": 101, "lines": [{"sku": "TEE-BLK-M", "qty": 1}]}`,
      ``,
      `{"do": "order", "id": 2, "location": 101, "lines": [{"sku": "TEE-BLK-M", "qty": 0}]}`,
      `{"do": "order", "id": 3, "location": 101, "lines": [{"sku": "TEE-BLK-M", "qty": 1.5}]}`,
    ].join("\n");
    expect(problems(store, script)).toEqual([
      "script line 3: lines[0].qty: must be a whole number ≥ 1",
      "script line 4: lines[0].qty: must be a whole number ≥ 1",
    ]);
  });

  it("checks references to the store and to earlier lines", () => {
    const script = [
      `{"do": "order", "id": 1, "location": 555, "lines": [{"sku": "NOPE", "qty": 1}]}`,
      `{"do": "cancel", "id": 99}`,
      `{"do": "stock", "sku": "TEE-BLK-M", "location": 101, "onHand": -1}`,
      `{"do": "dance"}`,
      `{"do": "faults", "duplicate": 2}`,
      `not json`,
      `{"do": "wait", "ms": 10, "extra": true}`,
    ].join("\n");
    expect(problems(store, script)).toEqual([
      "script line 1: location: unknown location 555 (not in STORE.json locations)",
      'script line 1: lines[0].sku: unknown sku "NOPE" (not in STORE.json products)',
      "script line 2: id: order 99 is not created by an earlier \"order\" line",
      "script line 3: onHand: must be a whole number ≥ 0",
      "script line 4: do: must be one of order, cancel, fulfill, move, stock, deliver, faults, wait",
      "script line 5: duplicate: must be a probability from 0 to 1",
      expect.stringMatching(/^script line 6: not valid JSON/),
      'script line 7: (root): unknown field(s) "extra"',
    ]);
  });

  it("names the store field, including the app block and its references", () => {
    const bad = structuredClone(store);
    bad.products[0].variants[1].sku = bad.products[0].variants[0].sku;
    expect(problems(bad, "")).toEqual([expect.stringMatching(/^store: products\[0\]\.variants\[1\]\.sku: duplicate sku TEE-BLK-S/)]);
    const badApp = structuredClone(store);
    badApp.app.channels[1].percent = 130;
    badApp.app.channels[0].facilities = [101, 777];
    expect(problems(badApp, "")).toEqual([expect.stringMatching(/^store: app\.channels\[1\]\.percent: /)]);
    const badRef = structuredClone(store);
    badRef.app.channels[0].facilities = [101, 777];
    badRef.app.holdbacks[0].sku = "GONE";
    expect(problems(badRef, "")).toEqual([
      "store: app.channels[0].facilities[1]: unknown location 777 (not in locations)",
      'store: app.holdbacks[0].sku: unknown sku "GONE" (not in products)',
    ]);
  });

  it("npm run replay exits 2 with the problem on stderr and nothing on stdout", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "replay-files-"));
    const scriptPath = path.join(dir, "bad.jsonl");
    writeFileSync(scriptPath, `{"do": "order", "id": 1, "location": 101, "lines": [{"sku": "TEE-BLK-M", "qty": 1}]}\n\n{"do": "order", "id": 2, "location": 101, "lines": [{"sku": "TEE-BLK-M", "qty": 0}]}\n`);
    const res = spawnSync(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../replay.ts"), "--store", path.join(FIXTURES, "apparel.store.json"), "--script", scriptPath], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "", REDIS_URL: "" },
    });
    expect(res.status).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim()).toBe("script line 3: lines[0].qty: must be a whole number ≥ 1");
  }, 30_000);
});
