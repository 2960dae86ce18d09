import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { CsvImport, downloadCsv } from "../components/CsvImport";
import { errorAt, fieldBinder, formatDate, inWords, validateWith, type FieldErrors } from "../components/forms";
import { IssuesBanner } from "../components/IssuesBanner";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { channelOptions, locationOptions } from "../services/admin/options.server";
import { adminRequest, badRequest, failure, readBody } from "../services/admin/request.server";
import { createHoldback, deleteHoldback, importHoldbacksCsv, listHoldbacks } from "../services/config/holdbacks.server";
import { itemNames } from "../services/config/lookups.server";
import prisma from "../db.server";
import { Empty } from "../components/Empty";
import { HOLDBACK_CSV_COLUMNS, holdbackCreateSchema } from "../validation/holdback";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const [holdbacks, channels, locations] = await Promise.all([listHoldbacks(shop.id), channelOptions(shop.id), locationOptions(shop.id)]);
  const names = await itemNames(shop.id, holdbacks.map((h) => h.itemId), prisma);
  return json({
    holdbacks: holdbacks.map((h) => ({ ...h, variant: names.get(h.itemId)?.title ?? h.sku ?? "Variant without a title" })),
    channels,
    facilities: locations.filter((l) => l.role === "facility"),
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const { intent, ...body } = await readBody(request);
  try {
    switch (intent) {
      case "create":
        return json({ ok: true as const, message: `Holding ${(await createHoldback(shop.id, body, { actor })).quantity} unit(s).` });
      case "delete": {
        const id = Number(body.id);
        if (!Number.isInteger(id) || id <= 0) return badRequest([{ path: "id", message: "must be a holdback id" }]);
        await deleteHoldback(shop.id, id, { actor });
        return json({ ok: true as const, message: "Holdback removed; the units are available again." });
      }
      case "import": {
        if (typeof body.csv !== "string") return badRequest([{ path: "csv", message: "is required: the file's text" }]);
        const { created } = await importHoldbacksCsv(shop.id, body.csv, { actor });
        return json({ ok: true as const, message: `Imported ${created.length} holdback(s).` });
      }
      default:
        return badRequest([{ path: "intent", message: 'must be "create", "delete" or "import"' }]);
    }
  } catch (error) {
    return failure(error);
  }
};

const EMPTY = { sku: "", quantity: "", channelId: "", locationId: "", from: "", until: "", note: "" };

export default function Holdbacks() {
  const { holdbacks, channels, facilities } = useLoaderData<typeof loader>();
  const [form, setForm] = useState(EMPTY);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const create = useJsonAction<{ message: string }>("create-holdback");
  const remove = useJsonAction<{ message: string }>("delete-holdback");
  const upload = useJsonAction<{ message: string }>("import-holdbacks");
  const [exportError, setExportError] = useState<string | null>(null);
  const errors = inWords({ ...(create.failure?.errors ?? {}), ...clientErrors }, { "(or itemId)": "" });
  const set = (k: keyof typeof EMPTY) => (v: string) => setForm({ ...form, [k]: v });
  const field = fieldBinder(form, set, errors);
  const save = () => {
    const found = validateWith(holdbackCreateSchema, form);
    setClientErrors(found);
    if (Object.keys(found).length === 0) create.submit({ intent: "create", ...form });
  };
  const columns = [...HOLDBACK_CSV_COLUMNS.required, ...HOLDBACK_CSV_COLUMNS.optional].join(", ");
  return (
    <Page
      title="Holdbacks"
      subtitle="Units set aside per variant, for one channel or for nobody"
      secondaryActions={[
        {
          content: "Export CSV",
          onAction: () => downloadCsv("/app/holdbacks/export", "holdbacks.csv").catch((e: Error) => setExportError(e.message)),
        },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {exportError && <Banner tone="critical" title={`The export failed: ${exportError}`} />}
            {remove.ok && <Banner tone="success" title={remove.ok.message} />}
            {remove.failure && <IssuesBanner title={`The holdback was not removed: ${remove.failure.message}`} issues={remove.failure.issues} />}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Current holdbacks
                </Text>
                {holdbacks.length === 0 ? (
                  <Empty heading="Nothing is held back">
                    A holdback keeps units of a variant out of every channel's ATP except the one it is for (or out of all of them): a
                    wholesale size run, a promo reserve, units for a photo shoot. Add one with the form below or import a CSV.
                  </Empty>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text", "numeric", "text", "text", "text"]}
                    headings={["Variant", "SKU", "For", "At", "Units", "When", "Note", ""]}
                    rows={holdbacks.map((h) => [
                      h.variant,
                      h.sku ?? "—",
                      h.channel ? (channels.find((c) => c.id === h.channel?.id)?.name ?? h.channel.key) : "Nobody (held from every channel)",
                      h.location?.name ?? "Any facility",
                      h.quantity,
                      `${formatDate(h.from, "now")} to ${formatDate(h.until, "no end")}`,
                      h.note ?? "",
                      <Button key={h.id} tone="critical" variant="plain" onClick={() => remove.submit({ intent: "delete", id: h.id })}>
                        Delete
                      </Button>,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                Hold back units
              </Text>
              {create.ok && <Banner tone="success" title={create.ok.message} />}
              {create.failure && <Banner tone="critical" title="Nothing was held back: correct the fields marked below." />}
              <TextField label="SKU" value={form.sku} onChange={set("sku")} autoComplete="off" helpText="The variant's SKU, exactly as in Shopify." error={errorAt(errors, "sku", "itemId")} />
              <TextField label="Units" type="number" {...field("quantity")} helpText="How many units to keep out of sale (1 or more)." />
              <Select
                label="For"
                options={[{ label: "Nobody (held from every channel)", value: "" }, ...channels.map((c) => ({ label: c.name, value: String(c.id) }))]}
                value={form.channelId}
                onChange={set("channelId")}
                helpText="Only this channel may sell the held units; every other channel's ATP leaves them out. Nobody: no channel may."
                error={errorAt(errors, "channelId")}
              />
              <Select
                label="At"
                options={[{ label: "Any facility", value: "" }, ...facilities.map((l) => ({ label: l.name, value: String(l.id) }))]}
                value={form.locationId}
                onChange={set("locationId")}
                helpText="Where the units sit: channels shipping from there lose them. Any facility: every channel loses them, to be safe."
                error={errorAt(errors, "locationId")}
              />
              <FormLayout.Group>
                <TextField label="From" type="date" {...field("from")} helpText="Empty: from today." />
                <TextField label="Until" type="date" {...field("until")} helpText="The units are released after this day. Empty: until you delete it." />
              </FormLayout.Group>
              <TextField label="Note" {...field("note")} helpText="Why, for whoever reads the audit log, e.g. size run for Bloom & Co." />
              <Button variant="primary" onClick={save} loading={create.busy}>
                Hold back
              </Button>
            </FormLayout>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Import from CSV
              </Text>
              <Text as="p" tone="subdued">
                One row per holdback: sku and quantity are required; channel is a channel key (empty: nobody), location a
                location name or Shopify id (empty: any facility), dates YYYY-MM-DD. If any row is wrong nothing is saved.
              </Text>
              {upload.ok && <Banner tone="success" title={upload.ok.message} />}
              {upload.failure && <IssuesBanner title={upload.failure.message} issues={upload.failure.issues} />}
              <CsvImport columns={columns} busy={upload.busy} onImport={(csv) => upload.submit({ intent: "import", csv })} />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Holdbacks" />;
}
