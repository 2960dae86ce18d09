import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { demoShop, mintDemoSessionToken, requireDemoMode } from "../services/demo-session.server";

/** Demo only: what the App Bridge stand-in calls for `shopify.idToken()`. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { adminOrigin } = requireDemoMode();
  const shop = await demoShop(new URL(request.url));
  const token = await mintDemoSessionToken(adminOrigin, shop);
  return json({ token }, { headers: { "Cache-Control": "no-store" } });
};
