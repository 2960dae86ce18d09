import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { errorAt, formatDate, validateWith, type FieldErrors } from "../components/forms";
import { IssuesBanner } from "../components/IssuesBanner";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { adminRequest, badRequest, failure, idParam, readBody, rethrowNotFound } from "../services/admin/request.server";
import { allocatePreorders, type AllocationReport } from "../services/config/preorders.server";
import { getPurchaseOrder, receivePurchaseOrder, updatePurchaseOrder } from "../services/config/purchase-orders.server";
import { listSuppliers } from "../services/config/suppliers.server";
import { itemNames } from "../services/config/lookups.server";
import prisma from "../db.server";
import { purchaseOrderUpdateSchema, receiveSchema } from "../validation/purchasing";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const id = idParam(params.id, "purchase order");
  try {
    const [purchaseOrder, suppliers] = await Promise.all([getPurchaseOrder(shop.id, id), listSuppliers(shop.id)]);
    const names = await itemNames(shop.id, purchaseOrder.lines.map((l) => l.itemId), prisma);
    const variants = Object.fromEntries(purchaseOrder.lines.map((l) => [l.itemId, names.get(l.itemId)?.title ?? l.sku ?? "Variant without a title"]));
    return json({ purchaseOrder, suppliers, variants });
  } catch (error) {
    rethrowNotFound(error);
  }
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const id = idParam(params.id, "purchase order");
  const { intent, ...body } = await readBody(request);
  try {
    switch (intent) {
      case "update": {
        const { allocation } = await updatePurchaseOrder(shop.id, id, body, { actor });
        return json({ ok: true as const, message: "Saved.", allocation });
      }
      case "receive":
        await receivePurchaseOrder(shop.id, id, body.receipts, { actor });
        return json({ ok: true as const, message: "Receipt recorded. The units count as on hand once Shopify's stock is adjusted.", allocation: null });
      case "allocate":
        return json({ ok: true as const, message: "Pre-orders allocated.", allocation: await allocatePreorders(shop.id, id, { actor }) });
      default:
        return badRequest([{ path: "intent", message: 'must be "update", "receive" or "allocate"' }]);
    }
  } catch (error) {
    return failure(error);
  }
};

type Result = { message: string; allocation: AllocationReport | null };

export default function PurchaseOrderPage() {
  const { purchaseOrder: po, suppliers, variants } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const editable = po.status === "draft" || po.status === "open" || po.status === "partially_received";
  const [edit, setEdit] = useState({
    eta: po.eta ?? "",
    supplierId: po.supplier ? String(po.supplier.id) : "",
    lines: Object.fromEntries(po.lines.map((l) => [l.id, { quantity: String(l.quantityOrdered), eta: l.eta !== po.eta ? (l.eta ?? "") : "" }])),
  });
  const [receive, setReceive] = useState<Record<number, string>>({});
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [receiveError, setReceiveError] = useState<string | null>(null);
  const update = useJsonAction<Result>("po-update");
  const receiver = useJsonAction<Result>("po-receive");
  const allocator = useJsonAction<Result>("po-allocate");
  const updateErrors = { ...(update.failure?.errors ?? {}), ...clientErrors };
  const variantOf = (itemId: number) => {
    const sku = po.lines.find((l) => l.itemId === itemId)?.sku;
    const title = variants[itemId] ?? "Variant on another purchase order";
    return sku ? `${title} (${sku})` : title;
  };
  const report = allocator.ok?.allocation ?? update.ok?.allocation ?? null;

  const updateInput = () => ({
    eta: edit.eta,
    supplierId: edit.supplierId,
    lines: po.lines.map((l) => ({ id: l.id, quantity: edit.lines[l.id].quantity, eta: edit.lines[l.id].eta })),
  });
  const save = () => {
    const input = updateInput();
    const found = validateWith(purchaseOrderUpdateSchema, input);
    setClientErrors(found);
    if (Object.keys(found).length === 0) update.submit({ intent: "update", ...input });
  };
  const doReceive = () => {
    const receipts = Object.entries(receive)
      .filter(([, q]) => q.trim() !== "")
      .map(([lineId, quantity]) => ({ lineId, quantity }));
    const found = validateWith(receiveSchema, receipts);
    if (receipts.length === 0 || Object.keys(found).length > 0) {
      setReceiveError(receipts.length === 0 ? "Enter the units received on at least one line." : "Units received must be whole numbers of at least 1.");
      return;
    }
    setReceiveError(null);
    receiver.submit({ intent: "receive", receipts });
  };
  const lineIndex = (id: number) => po.lines.findIndex((l) => l.id === id);
  return (
    <Page
      title={`Purchase order ${po.number}`}
      titleMetadata={<Badge>{po.status.replace("_", " ")}</Badge>}
      subtitle={`Ships to ${po.destination.name}${po.supplier ? ` from ${po.supplier.name}` : ""}`}
      backAction={{ url: "/app/purchase-orders" }}
      primaryAction={editable ? { content: "Allocate pre-orders", onAction: () => allocator.submit({ intent: "allocate" }), loading: allocator.busy } : undefined}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {params.get("created") && !update.data && <Banner tone="success" title="Purchase order created; pre-orders were allocated to it where they fit." />}
            {[update, receiver, allocator].map((a, i) => (a.ok ? <Banner key={i} tone="success" title={a.ok.message} /> : null))}
            {receiveError && <Banner tone="critical" title={receiveError} />}
            {receiver.failure && <IssuesBanner title="Nothing was received" issues={receiver.failure.issues} />}
            {allocator.failure && <IssuesBanner title="Allocation failed" issues={allocator.failure.issues} />}
            {update.failure && <Banner tone="critical" title="The changes were not saved: correct the fields marked on the right." />}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Lines
                </Text>
                <Text as="p" tone="subdued">
                  PO ATP is what may still be sold as pre-order against a line: units still to come minus pre-orders already
                  allocated. The promise date adds the supplier's typical delay and handling days to the ETA.
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text", "text", "text"]}
                  headings={["Variant", "SKU", "Ordered", "Received", "Allocated", "PO ATP", "ETA", "Promise date", "Receive now"]}
                  rows={po.lines.map((l) => [
                    variants[l.itemId],
                    l.sku ?? "—",
                    l.quantityOrdered,
                    l.quantityReceived,
                    l.allocated,
                    l.poAtp,
                    formatDate(l.eta),
                    formatDate(l.promiseDate),
                    editable && l.remaining > 0 ? (
                      <TextField
                        key={l.id}
                        label={`Receive ${l.sku ?? variants[l.itemId]}`}
                        labelHidden
                        type="number"
                        value={receive[l.id] ?? ""}
                        onChange={(v) => setReceive({ ...receive, [l.id]: v })}
                        autoComplete="off"
                        error={errorAt(receiver.failure?.errors, `[${Object.keys(receive).filter((k) => (receive[Number(k)] ?? "").trim() !== "").indexOf(String(l.id))}]`)}
                      />
                    ) : (
                      "—"
                    ),
                  ])}
                />
                {editable && (
                  <InlineStack>
                    <Button onClick={doReceive} loading={receiver.busy}>
                      Record receipt
                    </Button>
                  </InlineStack>
                )}
              </BlockStack>
            </Card>
            {report && <AllocationCard report={report} variantOf={variantOf} />}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          {editable ? (
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Dates and quantities
                </Text>
                <TextField
                  label="ETA"
                  type="date"
                  value={edit.eta}
                  onChange={(v) => setEdit({ ...edit, eta: v })}
                  autoComplete="off"
                  helpText="The day the goods should arrive. Moving it moves the pre-orders' promise dates."
                  error={errorAt(updateErrors, "eta")}
                />
                <Select
                  label="Supplier"
                  options={[{ label: "No supplier", value: "" }, ...suppliers.map((s) => ({ label: s.name, value: String(s.id) }))]}
                  value={edit.supplierId}
                  onChange={(v) => setEdit({ ...edit, supplierId: v })}
                  helpText="Their on-time rate discounts the units still to come."
                  error={errorAt(updateErrors, "supplierId")}
                />
                {po.lines.map((l) => (
                  <FormLayout.Group key={l.id}>
                    <TextField
                      label={`${l.sku ?? variants[l.itemId]} quantity`}
                      helpText="At least what was already received."
                      type="number"
                      value={edit.lines[l.id].quantity}
                      onChange={(v) => setEdit({ ...edit, lines: { ...edit.lines, [l.id]: { ...edit.lines[l.id], quantity: v } } })}
                      autoComplete="off"
                      error={errorAt(updateErrors, `lines[${lineIndex(l.id)}].quantity`)}
                    />
                    <TextField
                      label="Own ETA"
                      type="date"
                      helpText="Only if this line arrives on another day."
                      value={edit.lines[l.id].eta}
                      onChange={(v) => setEdit({ ...edit, lines: { ...edit.lines, [l.id]: { ...edit.lines[l.id], eta: v } } })}
                      autoComplete="off"
                      error={errorAt(updateErrors, `lines[${lineIndex(l.id)}].eta`)}
                    />
                  </FormLayout.Group>
                ))}
                <Button variant="primary" onClick={save} loading={update.busy}>
                  Save changes
                </Button>
              </FormLayout>
            </Card>
          ) : (
            <Card>
              <Text as="p">A {po.status} purchase order cannot be edited.</Text>
            </Card>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}

const orderLabel = (name: string | null) => name ?? "Order without a name";

function AllocationCard({ report, variantOf }: { report: AllocationReport; variantOf: (itemId: number) => string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Pre-order allocation (as of {report.asOf})
        </Text>
        <Text as="p" tone="subdued">
          Oldest pre-order first, earliest ETA first; an order is never split.
        </Text>
        {report.placed.length === 0 ? (
          <Text as="p">No pre-order is placed on these variants' purchase orders.</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text", "text"]}
            headings={["Order", "Variant", "Units", "Purchase order", "Promise date"]}
            rows={report.placed.map((p) => [orderLabel(p.orderName), variantOf(p.itemId), p.quantity, p.purchaseOrderNumber, formatDate(p.promiseDate)])}
          />
        )}
        {report.parked.length > 0 && (
          <>
            <Text as="h3" variant="headingSm">
              Still parked: no open purchase order covers them
            </Text>
            <DataTable
              columnContentTypes={["text", "text", "numeric"]}
              headings={["Order", "Variant", "Units"]}
              rows={report.parked.map((p) => [orderLabel(p.orderName), variantOf(p.itemId), p.quantity])}
            />
          </>
        )}
        {report.moved.length > 0 && (
          <Text as="p">
            {report.moved.length} promise date(s) moved:{" "}
            {report.moved.map((m) => `${orderLabel(m.orderName)}: ${formatDate(m.from.promiseDate, "parked")} → ${formatDate(m.to.promiseDate, "parked")}`).join("; ")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Purchase order" backUrl="/app/purchase-orders" />;
}
