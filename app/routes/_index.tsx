import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { BlockStack, Button, Card, FormLayout, List, Page, Text, TextField } from "@shopify/polaris";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { useState } from "react";
import { env } from "../env.server";
import { login } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Ringfence: channel-aware availability for Shopify" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  // Shopify admin opens the app URL with ?shop=...; the embedded app lives under /app.
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return json({ showForm: Boolean(login), apiKey: env().SHOPIFY_API_KEY });
};

export default function Landing() {
  const { showForm, apiKey } = useLoaderData<typeof loader>();
  const [shop, setShop] = useState("");
  return (
    <AppProvider isEmbeddedApp={false} apiKey={apiKey}>
      <Page narrowWidth>
        <BlockStack gap="500">
          <BlockStack gap="200">
            <Text as="h1" variant="heading2xl">
              Ringfence
            </Text>
            <Text as="p" variant="bodyLg">
              One stock, every channel, no oversell: available-to-promise and available-to-sell per channel, kept
              current in Shopify.
            </Text>
          </BlockStack>
          {showForm && (
            <Card>
              <Form method="post" action="/auth/login">
                <FormLayout>
                  <TextField
                    label="Shop domain"
                    name="shop"
                    value={shop}
                    onChange={setShop}
                    helpText="e.g. my-shop.myshopify.com"
                    autoComplete="on"
                  />
                  <Button submit variant="primary">
                    Log in
                  </Button>
                </FormLayout>
              </Form>
            </Card>
          )}
          <Card>
            <List>
              <List.Item>
                <strong>Ring-fence stock per channel.</strong> Hold units for wholesale, cap what a marketplace may
                sell, keep safety stock out of every storefront.
              </List.Item>
              <List.Item>
                <strong>Promise what you can ship.</strong> Open orders, holdbacks and inbound purchase orders,
                discounted by each supplier&apos;s record, add up to a date you can keep.
              </List.Item>
              <List.Item>
                <strong>Always current.</strong> Every order and stock change is recomputed within seconds and written
                back to Shopify safely.
              </List.Item>
            </List>
          </Card>
        </BlockStack>
      </Page>
    </AppProvider>
  );
}
