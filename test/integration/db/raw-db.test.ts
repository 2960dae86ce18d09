import { Prisma } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRawPool, type RawDb } from "../../../app/raw-db.server";
import { createShop } from "../../support/factories";

/** The worker's `pg` pool must give what Prisma's raw queries give, value for value: model code runs on either. */

const raw = createRawPool(process.env.DATABASE_URL, { max: 2 });
afterAll(() => raw.end());

const at = new Date("2026-11-23T10:15:30.123Z");

/** One statement with a column of every kind the models read back, and parameters of every kind they send. */
const everyType = (db: RawDb) =>
  db.$queryRaw<Record<string, unknown>[]>`
    SELECT 9007199254740993::bigint AS int8, ARRAY[1::bigint, NULL, 12345678901234::bigint] AS int8s,
           42 AS int4, 2.5::float8 AS float8, 12.34::numeric AS numeric, true AS bool, NULL::int AS nothing,
           'x'::text AS text, ARRAY['a', NULL, 'b c'] AS texts, ARRAY[1, 2] AS int4s,
           '2026-11-23 10:15:30.123'::timestamp(3) AS ts, ARRAY['2026-11-23 10:15:30.123'::timestamp(3)] AS tss,
           '2026-11-23 10:15:30.123+00'::timestamptz AS tstz, '2026-11-23'::date AS day,
           '{"a": [1, {"b": null}]}'::jsonb AS jsonb, json_build_object('n', 1) AS json, count(*) AS counted,
           ${at}::timestamp(3) AS "dateParam", ${at}::timestamp(3) = '2026-11-23 10:15:30.123'::timestamp(3) AS "dateParamIsUtc",
           ${12345678901234567n}::bigint AS "bigintParam", ${[1n, 2n]}::bigint[] AS "bigintsParam",
           ${["p", "q"]}::text[] AS "textsParam", ${[3, null]}::int[] AS "intsParam",
           ${JSON.stringify({ k: "v" })}::jsonb AS "jsonParam", ${null}::text AS "nullParam",
           ${new Prisma.Decimal("1.50")}::numeric AS "decimalParam"
    FROM (VALUES (1), (2)) v(x)`;

describe("createRawPool", () => {
  it("returns what Prisma's $queryRaw returns, for every column type the models read and every parameter they send", async () => {
    // In a process whose local time is not UTC, where pg's own timestamp parsing would shift the values.
    const tz = process.env.TZ;
    process.env.TZ = "America/New_York";
    const [[viaPrisma], [viaPg]] = await Promise.all([everyType(prisma), everyType(raw)]).finally(() => {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    });
    expect(viaPg).toEqual(viaPrisma);
    // And those values are the right ones, not merely equal.
    expect(viaPg).toMatchObject({ int8: 9007199254740993n, int8s: [1n, null, 12345678901234n], counted: 2n, ts: at, tss: [at], tstz: at, dateParam: at, dateParamIsUtc: true });
    expect(viaPg.day).toEqual(new Date("2026-11-23T00:00:00Z"));
    expect(String(viaPg.numeric)).toBe("12.34");
    expect(viaPg.jsonb).toEqual({ a: [1, { b: null }] });
  });

  it("counts affected rows as $executeRaw does, and commits or rolls back a transaction whole", async () => {
    const shop = await createShop();
    const rename = (db: RawDb, tz: string) => db.$executeRaw`UPDATE shops SET timezone = ${tz} WHERE id = ${shop.id}`;
    expect(await rename(raw, "Europe/Paris")).toBe(await rename(prisma, "Europe/Paris"));
    expect(await rename(raw, "Europe/Paris")).toBe(1);

    await expect(
      raw.transaction(async (tx) => {
        await rename(tx, "Asia/Tokyo");
        throw new Error("abandoned");
      }),
    ).rejects.toThrow("abandoned");
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).timezone).toBe("Europe/Paris");

    expect(await raw.transaction(async (tx) => rename(tx, "Asia/Tokyo"))).toBe(1);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).timezone).toBe("Asia/Tokyo");
    // A statement that fails inside a transaction rolls it back and leaves the pool usable.
    await expect(raw.transaction(async (tx) => tx.$queryRaw`SELECT 1 / 0`)).rejects.toThrow(/division by zero/);
    expect(await raw.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it("sends statements as named prepared statements, parsed once per connection", async () => {
    const names = await raw.transaction(async (tx) => {
      await tx.$queryRaw`SELECT ${1}::int AS a`;
      await tx.$queryRaw`SELECT ${2}::int AS a`;
      return tx.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int AS a%'`;
    });
    expect(names).toHaveLength(1);
    expect(names[0].name).toMatch(/^rf_/);
  });
});
