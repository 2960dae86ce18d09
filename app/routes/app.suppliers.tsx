import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { fieldBinder, validateWith, type FieldErrors } from "../components/forms";
import { Empty } from "../components/Empty";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { adminRequest, badRequest, failure, readBody } from "../services/admin/request.server";
import { createSupplier, listSuppliers, updateSupplier } from "../services/config/suppliers.server";
import { supplierCreateSchema, supplierUpdateSchema } from "../validation/purchasing";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  return json({ suppliers: await listSuppliers(shop.id) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const { intent, id, ...body } = await readBody(request);
  try {
    if (intent === "create") return json({ ok: true as const, supplier: await createSupplier(shop.id, body, { actor }) });
    if (intent === "update") {
      const supplierId = Number(id);
      if (!Number.isInteger(supplierId) || supplierId <= 0) return badRequest([{ path: "id", message: "must be a supplier id" }]);
      return json({ ok: true as const, supplier: await updateSupplier(shop.id, supplierId, body, { actor }) });
    }
    return badRequest([{ path: "intent", message: 'must be "create" or "update"' }]);
  } catch (error) {
    return failure(error);
  }
};

const EMPTY = { id: "", name: "", onTimeRate: "1", delayDays: "0" };

export default function Suppliers() {
  const { suppliers } = useLoaderData<typeof loader>();
  const [form, setForm] = useState(EMPTY);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const action = useJsonAction<{ supplier: { name: string } }>();
  const errors = { ...(action.failure?.errors ?? {}), ...clientErrors };
  const set = (k: keyof typeof EMPTY) => (v: string) => setForm({ ...form, [k]: v });
  const field = fieldBinder(form, set, errors);
  const save = () => {
    const { id, ...input } = form;
    const found = validateWith(id ? supplierUpdateSchema : supplierCreateSchema, input);
    setClientErrors(found);
    if (Object.keys(found).length > 0) return;
    action.submit(id ? { intent: "update", id, ...input } : { intent: "create", ...input });
    if (!id) setForm(EMPTY);
  };
  return (
    <Page title="Suppliers" subtitle="How reliably each supplier delivers: inbound stock is counted by it" backAction={{ url: "/app/purchase-orders" }}>
      <Layout>
        <Layout.Section>
          <Card>
            {suppliers.length === 0 ? (
              <Empty heading="No suppliers yet">
                Add the companies you buy from with the form. Their on-time rate discounts the units still to arrive on their
                purchase orders, and their typical delay moves the promise dates given to pre-orders.
              </Empty>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "text"]}
                headings={["Supplier", "On time", "Typical delay (days)", ""]}
                rows={suppliers.map((s) => [
                  s.name,
                  `${Math.round(s.onTimeRate * 100)}%`,
                  s.delayDays,
                  <Button key={s.id} variant="plain" onClick={() => setForm({ id: String(s.id), name: s.name, onTimeRate: String(s.onTimeRate), delayDays: String(s.delayDays) })}>
                    Edit
                  </Button>,
                ])}
              />
            )}
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                {form.id ? `Edit ${suppliers.find((s) => String(s.id) === form.id)?.name ?? "supplier"}` : "Add supplier"}
              </Text>
              {action.ok && <Banner tone="success" title={`Saved ${action.ok.supplier.name}.`} />}
              {action.failure && <Banner tone="critical" title="The supplier was not saved: correct the fields marked below." />}
              <TextField label="Name" {...field("name")} helpText="As on your purchase orders and in CSV imports." />
              <TextField
                label="On-time rate"
                {...field("onTimeRate")}
                helpText="From 0 to 1: the share of units that arrive by the ETA (0.7 = 70%)."
              />
              <TextField
                label="Typical delay (days)"
                type="number"
                {...field("delayDays")}
                helpText="Days late, typically, for the units that miss the ETA: added to it when promising pre-orders."
              />
              <InlineStack gap="200">
                <Button variant="primary" onClick={save} loading={action.busy}>
                  Save
                </Button>
                {form.id && <Button onClick={() => setForm(EMPTY)}>Cancel</Button>}
              </InlineStack>
            </FormLayout>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Suppliers" />;
}
