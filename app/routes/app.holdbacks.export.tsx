import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminRequest } from "../services/admin/request.server";
import { exportHoldbacksCsv } from "../services/config/holdbacks.server";

/** The shop's holdbacks in the import format (edit and import again). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const csv = await exportHoldbacksCsv(shop.id);
  return new Response(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="holdbacks.csv"' },
  });
};
