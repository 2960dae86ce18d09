import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { adminHost, demoShop, mintDemoSessionToken, requireDemoMode } from "../services/demo-session.server";

/** Demo only: opens the embedded app the way Shopify admin does (shop, host and a fresh id_token). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { adminOrigin } = requireDemoMode();
  const url = new URL(request.url);
  const shop = await demoShop(url);
  const token = await mintDemoSessionToken(adminOrigin, shop);
  const to = url.searchParams.get("to") ?? "/app";
  const path = to.startsWith("/app") ? to : "/app";
  const params = new URLSearchParams({ embedded: "1", shop, host: adminHost(shop), id_token: token });
  return redirect(`${path}${path.includes("?") ? "&" : "?"}${params.toString()}`);
};
