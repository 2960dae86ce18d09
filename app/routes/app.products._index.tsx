import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigate } from "@remix-run/react";
import { BlockStack, Card, IndexTable, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import prisma from "../db.server";
import { Empty } from "../components/Empty";
import { RouteError } from "../components/RouteError";
import { searchProducts } from "../services/admin/product-view.server";
import { adminRequest } from "../services/admin/request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  return json({ q, products: await searchProducts(prisma, shop.id, q) });
};

export default function Products() {
  const { q, products } = useLoaderData<typeof loader>();
  const [query, setQuery] = useState(q);
  const navigate = useNavigate();
  return (
    <Page title="Products" subtitle="Open a product to see its stock, claims, inbound and each channel's numbers">
      <BlockStack gap="400">
        <Card>
          <Form method="get" onSubmit={(e) => { e.preventDefault(); navigate(`/app/products?q=${encodeURIComponent(query)}`); }}>
            <TextField label="Search" labelHidden placeholder="Title, vendor or SKU" value={query} onChange={setQuery} autoComplete="off" name="q" />
          </Form>
        </Card>
        <Card padding="0">
          {products.length === 0 ? (
            <Empty heading={q ? `No product matches "${q}"` : "No products yet"} action={q ? undefined : { content: "See sync progress", url: "/app" }}>
              {q
                ? "Search by product title, vendor or SKU (part of one is enough)."
                : "Products and their stock arrive from Shopify with the first sync; the dashboard shows how far it has got."}
            </Empty>
          ) : (
            <IndexTable resourceName={{ singular: "product", plural: "products" }} itemCount={products.length} selectable={false} headings={[{ title: "Product" }, { title: "Vendor" }, { title: "Variants" }, { title: "SKUs" }]}>
              {products.map((p, i) => (
                <IndexTable.Row key={p.shopifyId} id={p.shopifyId} position={i} onClick={() => navigate(`/app/products/${p.shopifyId}`)}>
                  <IndexTable.Cell>
                    <Text as="span" fontWeight="semibold">
                      {p.title}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{p.vendor ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{p.variants}</IndexTable.Cell>
                  <IndexTable.Cell>{p.skus.join(", ")}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Products" />;
}
