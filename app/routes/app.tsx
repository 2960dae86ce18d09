import { json, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { env } from "../env.server";
import { authenticate } from "../shopify.server";

/** The embedded app's pages (app.*.tsx routes), in menu order. */
const NAV_ITEMS = [
  { label: "Channels", to: "/app/channels" },
  { label: "Exposure rules", to: "/app/exposure-rules" },
  { label: "Rebalance", to: "/app/rebalance" },
  { label: "Holdbacks", to: "/app/holdbacks" },
  { label: "Purchase orders", to: "/app/purchase-orders" },
  { label: "Suppliers", to: "/app/suppliers" },
  { label: "Promise check", to: "/app/promise-check" },
  { label: "Products", to: "/app/products" },
] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  // Demo mode: App Bridge's CDN script cannot load offline; a local stand-in takes its place.
  return json({ apiKey: env().SHOPIFY_API_KEY, demo: env().DEMO_MODE });
};

export default function EmbeddedApp() {
  const { apiKey, demo } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} __APP_BRIDGE_URL={demo ? "/demo/app-bridge-stand-in.js" : undefined}>
      <NavMenu>
        <Link to="/app" rel="home">
          Dashboard
        </Link>
        {NAV_ITEMS.map((item) => (
          <Link key={item.to} to={item.to}>
            {item.label}
          </Link>
        ))}
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// The library signals re-authentication by throwing Responses; these let them through intact.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
