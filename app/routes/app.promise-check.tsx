import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import prisma from "../db.server";
import { errorAt, fieldBinder, formatDate, validateWith, type FieldErrors } from "../components/forms";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { channelOptions } from "../services/admin/options.server";
import { checkPromise, type PromiseResult } from "../services/admin/promise.server";
import { adminRequest, failure, readBody } from "../services/admin/request.server";
import { promiseCheckSchema } from "../validation/promise";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  return json({ channels: await channelOptions(shop.id) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const { intent: _intent, ...body } = await readBody(request);
  try {
    return json({ ok: true as const, result: await checkPromise(prisma, shop.id, body) });
  } catch (error) {
    return failure(error);
  }
};

export default function PromiseCheck() {
  const { channels } = useLoaderData<typeof loader>();
  const [form, setForm] = useState({ sku: "", channel: channels[0]?.key ?? "", quantity: "", date: "" });
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const check = useJsonAction<{ result: PromiseResult }>();
  const errors = { ...(check.failure?.errors ?? {}), ...clientErrors };
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const field = fieldBinder(form, set, errors);
  const run = () => {
    const found = validateWith(promiseCheckSchema, form);
    setClientErrors(found);
    if (Object.keys(found).length === 0) check.submit(form);
  };
  const r = check.ok?.result;
  return (
    <Page title="Promise check" subtitle="Can I promise this many units of a SKU to a channel by a date? If not, when?">
      <Layout>
        <Layout.Section variant="oneThird">
          <Card>
            <FormLayout>
              {channels.length === 0 && (
                <Banner tone="warning" title="Create a channel first: promises are made per channel." action={{ content: "Create channel", url: "/app/channels/new" }} />
              )}
              <TextField label="SKU" {...field("sku")} helpText="The variant's SKU, e.g. TEE-BLK-M." />
              <Select
                label="Channel"
                options={channels.map((c) => ({ label: c.name, value: c.key }))}
                value={form.channel}
                onChange={set("channel")}
                helpText="Its facilities, promise window and claims decide the answer."
                error={errorAt(errors, "channel")}
              />
              <TextField label="Quantity" type="number" {...field("quantity")} helpText="Units you would promise, e.g. a wholesale order's 480." />
              <TextField label="Ship date" type="date" {...field("date")} helpText="When the units must ship. Empty: today." />
              <InlineStack>
                <Button variant="primary" onClick={run} loading={check.busy} disabled={channels.length === 0}>
                  Check
                </Button>
              </InlineStack>
            </FormLayout>
          </Card>
        </Layout.Section>
        <Layout.Section>
          {r ? (
            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingLg">
                    {r.quantity} × {r.sku} to {r.channel.name} on {formatDate(r.date)}
                  </Text>
                  {r.canPromise ? <Badge tone="success">Can promise</Badge> : <Badge tone="critical">Cannot promise</Badge>}
                </InlineStack>
                <Text as="p">
                  ATP on {formatDate(r.date)}: <strong>{r.atp}</strong> (today: {r.atpToday}). It is the lowest projected balance from that day on,
                  reached on {formatDate(r.bindingDate)}.
                </Text>
                <Text as="p">
                  {r.earliestDate
                    ? `The earliest date all ${r.quantity} can be promised: ${formatDate(r.earliestDate)}.`
                    : `No known stock or inbound purchase order covers ${r.quantity} units for this channel: raise a purchase order or lower the quantity.`}
                </Text>
              </BlockStack>
            </Card>
          ) : (
            <Card>
              <Text as="p" tone="subdued">
                The answer uses the same numbers the channels are kept at: stock on hand, open orders, holdbacks, safety stock,
                ring-fenced pools and inbound purchase orders discounted by each supplier's on-time rate.
              </Text>
            </Card>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Promise check" />;
}
