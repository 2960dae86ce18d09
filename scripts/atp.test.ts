import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixture = (name: string) => join(root, "test/fixtures/scenarios", name);
const tmp = mkdtempSync(join(tmpdir(), "atp-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function atp(file: string) {
  const r = spawnSync("npx", ["tsx", "scripts/atp.ts", file], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scripts/atp.ts", { timeout: 60_000 }, () => {
  it("prints one JSON document and exits 0", () => {
    const r = atp(fixture("golden.json"));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(["availability", "promises", "preorders", "exposure", "pools"]));
    expect(doc.availability.map((a: { channel: string; atp: number }) => [a.channel, a.atp])).toEqual([
      ["backorder", 2150],
      ["dtc", 150],
      ["wholesale", 950],
    ]);
  });

  it("exits 2 with the field path on stderr and nothing on stdout for an invalid scenario", () => {
    const r = atp(fixture("invalid-unknown-facility.json"));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('channels[1].facilities[0]: unknown facility "bk"');
  });

  it.each([
    ["bad JSON", "{ nope", "scenario: invalid JSON"],
    ["negative quantity", JSON.stringify({ asOf: "2026-11-24", facilities: [{ id: "wh" }], channels: [{ id: "d", facilities: ["wh"], priority: 1, promiseWindowDays: 0 }], items: [{ sku: "A", onHand: { wh: -1 } }] }), "items[0].onHand.wh: must be ≥ 0"],
  ])("exits 2 on %s", (_name, text, message) => {
    const file = join(tmp, "bad.json");
    writeFileSync(file, text);
    const r = atp(file);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(message);
  });

  it("exits 2 when the file is missing", () => {
    const r = atp(join(tmp, "nope.json"));
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("cannot read scenario file (ENOENT)");
  });
});
