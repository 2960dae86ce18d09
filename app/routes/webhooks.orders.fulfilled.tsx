import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "../services/ingest.server";

// orders/fulfilled: verify, record in the inbox, enqueue, 200. Applied by app/services/apply-delivery.server.ts.
export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, "orders/fulfilled");
