import { json, type LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { loadProductAvailability, parseProductId } from "../models/product-availability.server";
import { authenticate } from "../shopify.server";

// Read by the admin block on Shopify's product page (extensions/ats-admin-block). That block runs on
// extensions.shopifycdn.com and its fetch() carries the admin's ID token as `Authorization: Bearer`
// (https://shopify.dev/docs/api/admin-extensions/latest/network-features#app-authentication), so
// every answer goes through `cors` and the CORS preflight (OPTIONS, which Remix routes to the
// loader) is answered by authenticate.admin itself.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  if (request.method !== "OPTIONS" && !/^Bearer\s+\S/i.test(request.headers.get("Authorization") ?? "")) {
    // Without a token the library treats the request as a page load and redirects to the login
    // page; an API caller needs a plain 401 it can read across origins.
    return json(
      { error: "Authorization: Bearer <session token> is required" },
      { status: 401, headers: request.headers.get("Origin") ? { "Access-Control-Allow-Origin": "*" } : {} },
    );
  }
  const { session, cors } = await authenticate.admin(request);

  let productId: bigint;
  try {
    productId = parseProductId(params.productId);
  } catch (error) {
    return cors(json({ error: (error as Error).message }, { status: 400 }));
  }
  // The shop comes from the verified token, never from the request: another shop's product is a 404.
  const availability = await loadProductAvailability(prisma, session.shop, productId);
  if (!availability) {
    return cors(json({ error: `product ${productId} not found in ${session.shop}` }, { status: 404 }));
  }
  return cors(json(availability, { headers: { "Cache-Control": "no-store" } }));
};
