import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { CsvImport } from "../components/CsvImport";
import { Empty } from "../components/Empty";
import { errorAt, fieldBinder, formatDate, validateWith, type FieldErrors } from "../components/forms";
import { IssuesBanner } from "../components/IssuesBanner";
import { EMPTY_PO, poCreateInput, type PoFormState } from "../components/po-form";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { locationOptions } from "../services/admin/options.server";
import { adminRequest, badRequest, failure, readBody } from "../services/admin/request.server";
import { createPurchaseOrder, importPurchaseOrdersCsv, listPurchaseOrders } from "../services/config/purchase-orders.server";
import { listSuppliers } from "../services/config/suppliers.server";
import { PO_CSV_COLUMNS, purchaseOrderCreateSchema } from "../validation/purchasing";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const [purchaseOrders, suppliers, locations] = await Promise.all([listPurchaseOrders(shop.id), listSuppliers(shop.id), locationOptions(shop.id)]);
  return json({ purchaseOrders, suppliers, facilities: locations.filter((l) => l.role === "facility") });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const { intent, ...body } = await readBody(request);
  try {
    if (intent === "create") {
      const { purchaseOrder } = await createPurchaseOrder(shop.id, body, { actor });
      return redirect(`/app/purchase-orders/${purchaseOrder.id}?created=1`);
    }
    if (intent === "import") {
      if (typeof body.csv !== "string") return badRequest([{ path: "csv", message: "is required: the file's text" }]);
      const { created } = await importPurchaseOrdersCsv(shop.id, body.csv, { actor });
      return json({ ok: true as const, message: `Imported ${created.length} purchase order(s): ${created.map((p) => p.number).join(", ")}.` });
    }
    return badRequest([{ path: "intent", message: 'must be "create" or "import"' }]);
  } catch (error) {
    return failure(error);
  }
};

const STATUS_TONE = { draft: undefined, open: "info", partially_received: "attention", received: "success", cancelled: undefined } as const;

export default function PurchaseOrders() {
  const { purchaseOrders, suppliers, facilities } = useLoaderData<typeof loader>();
  const [form, setForm] = useState<PoFormState>(EMPTY_PO);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const create = useJsonAction("create-po");
  const upload = useJsonAction<{ message: string }>("import-po");
  const errors = { ...(create.failure?.errors ?? {}), ...clientErrors };
  const set = <K extends keyof PoFormState>(k: K) => (v: PoFormState[K]) => setForm({ ...form, [k]: v });
  const field = fieldBinder(form, set, errors);
  const save = () => {
    const input = poCreateInput(form);
    const found = validateWith(purchaseOrderCreateSchema, input);
    setClientErrors(found);
    if (Object.keys(found).length === 0) create.submit({ intent: "create", ...(input as Record<string, unknown>) });
  };
  const lineError = Object.entries(errors).find(([k]) => k.startsWith("lines"));
  return (
    <Page title="Purchase orders" subtitle="Inbound stock: counted into ATP by ETA and supplier reliability, and what pre-orders are promised against" secondaryActions={[{ content: "Suppliers", url: "/app/suppliers" }]}>
      <Layout>
        <Layout.Section>
          <Card>
            {purchaseOrders.length === 0 ? (
              <Empty
                heading="No purchase orders yet"
                action={suppliers.length === 0 ? { content: "Add suppliers first", url: "/app/suppliers" } : undefined}
              >
                Stock on its way counts for the channels whose promise window reaches its arrival, and pre-orders get promise
                dates from it. Create one with the form (or import a CSV).
                {suppliers.length === 0 ? " A supplier's on-time rate discounts what it ships, so add suppliers first." : ""}
              </Empty>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "text", "numeric", "numeric"]}
                headings={["PO", "Status", "Supplier", "Ships to", "ETA", "Units to come", "PO ATP"]}
                rows={purchaseOrders.map((po) => [
                  <Link key={po.id} to={`/app/purchase-orders/${po.id}`}>
                    {po.number}
                  </Link>,
                  <Badge key={`s${po.id}`} tone={STATUS_TONE[po.status as keyof typeof STATUS_TONE]}>
                    {po.status.replace("_", " ")}
                  </Badge>,
                  po.supplier?.name ?? "—",
                  po.destination.name,
                  formatDate(po.eta),
                  po.lines.reduce((s, l) => s + l.remaining, 0),
                  po.lines.reduce((s, l) => s + l.poAtp, 0),
                ])}
              />
            )}
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  New purchase order
                </Text>
                {create.failure && <Banner tone="critical" title="The purchase order was not created: correct the fields marked below." />}
                <TextField label="PO number" {...field("number")} helpText="Your reference, e.g. PO-1001. Each number is used once." />
                <Select
                  label="Supplier"
                  options={[{ label: "No supplier (always on time)", value: "" }, ...suppliers.map((s) => ({ label: s.name, value: String(s.id) }))]}
                  value={form.supplierId}
                  onChange={set("supplierId")}
                  helpText="Their on-time rate discounts these units and their typical delay moves promise dates."
                  error={errorAt(errors, "supplierId")}
                />
                <Select
                  label="Ships to"
                  placeholder="Pick a facility"
                  options={facilities.map((l) => ({ label: l.name, value: String(l.id) }))}
                  value={form.destinationLocationId}
                  onChange={set("destinationLocationId")}
                  helpText="The facility receiving the goods: channels shipping from it count them."
                  error={errorAt(errors, "destinationLocationId")}
                />
                <TextField
                  label="ETA"
                  type="date"
                  {...field("eta")}
                  helpText="The day the goods should arrive. A channel may promise them now if its promise window reaches this day."
                />
                <TextField
                  label="Lines"
                  multiline={4}
                  value={form.lines}
                  onChange={set("lines")}
                  autoComplete="off"
                  helpText="One line per variant: SKU, quantity[, own ETA]. e.g. TEE-BLK-M, 120"
                  error={lineError ? `${lineError[0].replace(/^lines\[(\d+)\]/, (_m, i) => `line ${Number(i) + 1}`)}: ${lineError[1]}` : undefined}
                />
                <Button variant="primary" onClick={save} loading={create.busy}>
                  Create purchase order
                </Button>
              </FormLayout>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Import from CSV
                </Text>
                <Text as="p" tone="subdued">
                  One row per line; rows with the same po_number form one order. Suppliers must exist already. If any row is wrong
                  nothing is saved.
                </Text>
                {upload.ok && <Banner tone="success" title={upload.ok.message} />}
                {upload.failure && <IssuesBanner title={upload.failure.message} issues={upload.failure.issues} />}
                <CsvImport
                  columns={[...PO_CSV_COLUMNS.required, ...PO_CSV_COLUMNS.optional].join(", ")}
                  busy={upload.busy}
                  onImport={(csv) => upload.submit({ intent: "import", csv })}
                />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Purchase orders" />;
}
