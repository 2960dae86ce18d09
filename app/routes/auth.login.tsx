import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { useState } from "react";
import { env } from "../env.server";
import { loginErrorMessage } from "../lib/login-errors.server";
import { login } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Log in: Ringfence" }];

// login() redirects to the shop's admin for a valid shop; otherwise it says what was wrong.
export const loader = async ({ request }: LoaderFunctionArgs) =>
  json({ errors: loginErrorMessage(await login(request)), apiKey: env().SHOPIFY_API_KEY });

export const action = async ({ request }: ActionFunctionArgs) => json({ errors: loginErrorMessage(await login(request)) });

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const errors = actionData?.errors ?? loaderData.errors;
  const { apiKey } = loaderData;
  return (
    <AppProvider isEmbeddedApp={false} apiKey={apiKey}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text as="h2" variant="headingMd">
                Log in to Ringfence
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="e.g. my-shop.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit variant="primary">
                Log in
              </Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
