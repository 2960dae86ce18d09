import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { checkPromise } from "../services/admin/promise.server";
import { adminRequest, readBody } from "../services/admin/request.server";
import { NotFoundError, ValidationError } from "../validation/common";

/**
 * GET /api/promise?sku=&channel=&quantity=&date= (or POST the same fields as JSON), with the
 * admin session token as `Authorization: Bearer`. Answers JSON: the promise, or 400 naming each
 * bad field.
 */
async function answer(request: Request, input: Record<string, unknown>) {
  const { shop } = await adminRequest(request);
  try {
    return json(await checkPromise(prisma, shop.id, input));
  } catch (error) {
    if (error instanceof ValidationError) return json({ error: error.message, issues: error.issues }, { status: 400 });
    if (error instanceof NotFoundError) return json({ error: error.message }, { status: 404 });
    throw error;
  }
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const input: Record<string, unknown> = {};
  for (const k of ["sku", "channel", "quantity", "date"]) {
    const v = params.get(k);
    if (v !== null) input[k] = v;
  }
  return answer(request, input);
};

export const action = async ({ request }: ActionFunctionArgs) => answer(request, await readBody(request));
