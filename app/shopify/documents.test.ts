import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { validateDocument } from "../../test/shopify-double/schema";

const dir = join(dirname(fileURLToPath(import.meta.url)), "operations");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

// Every exported string that parses as a GraphQL operation (the operation's DOCUMENT and any
// bulk query it carries) must pass Shopify's schema, as the test double (and Shopify) would check.
describe("every Admin API document in app/shopify", () => {
  it("has one operation file per document", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of files) {
    it(`${file}: valid against the Admin schema`, async () => {
      const mod = (await import(join(dir, file))) as Record<string, unknown>;
      expect(typeof mod.DOCUMENT, `${file} must export DOCUMENT`).toBe("string");
      const docs = Object.entries(mod).filter(([, v]) => typeof v === "string" && /^\s*(query|mutation)\b/.test(v as string));
      for (const [name, source] of docs) {
        expect(validateDocument(source as string), `${file} ${name}`).toEqual([]);
      }
      const ops = parse(mod.DOCUMENT as string).definitions.filter((d) => d.kind === "OperationDefinition");
      expect(ops).toHaveLength(1);
    });
  }

  it("the validator does reject a wrong document (the test can fail)", () => {
    expect(validateDocument("query { shop { notAField } }").length).toBeGreaterThan(0);
  });
});
