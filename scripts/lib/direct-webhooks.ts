import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerBuild } from "@remix-run/node";

/**
 * A webhook POST handed straight to its route module's `action` (scripts/serve.ts; the
 * in-process webhook tests use the same adapter): the function Remix would call for a resource
 * route, given a standard Request, its Response (returned or thrown) written back.
 */

/** A resource route's action as called here: no params, no load context. */
export type RouteAction = (args: { request: Request; params: Record<string, never>; context: Record<string, never> }) => unknown;

/** "/webhooks/orders/create" → the action of routes/webhooks.orders.create, for each plain webhook resource route. */
export function webhookActions(build: Pick<ServerBuild, "routes" | "basename">): Map<string, RouteAction> {
  const full = (id: string): string => {
    const route = build.routes[id];
    if (!route) return "";
    const own = route.index ? "" : (route.path ?? "");
    return [route.parentId ? full(route.parentId) : "", own].filter(Boolean).join("/");
  };
  const actions = new Map<string, RouteAction>();
  for (const [id, route] of Object.entries(build.routes)) {
    if (!route) continue;
    const routePath = full(id);
    const m = route.module as { action?: RouteAction; loader?: unknown; default?: unknown };
    // Only plain resource routes: a parameter, a loader or a component needs Remix itself.
    if (!routePath.startsWith("webhooks/") || /[:*]/.test(routePath)) continue;
    if (typeof m.action !== "function" || m.loader || m.default) continue;
    actions.set(`${build.basename ?? "/"}/${routePath}`.replace(/\/+/g, "/"), m.action);
  }
  return actions;
}

/** The request's path without its query or a trailing slash. */
export function pathOf(rawUrl: string): string {
  const q = rawUrl.indexOf("?");
  const p = q === -1 ? rawUrl : rawUrl.slice(0, q);
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}

/** Reads the body, calls the action with a Request made by `RequestCtor`, writes its Response. */
export async function answerWithAction(action: RouteAction, req: IncomingMessage, res: ServerResponse, RequestCtor: typeof Request = Request): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const request = new RequestCtor(new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`), {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      signal: controller.signal,
    });
    let response: unknown;
    try {
      response = await action({ request, params: {}, context: {} });
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      response = thrown;
    }
    await send(res, response instanceof Response ? response : new Response(null, { status: 204 }));
  } catch (error) {
    console.error("[serve] webhook route failed", req.url, error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("Unexpected Server Error");
  }
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  });
  if (body) headers["content-length"] = String(body.length);
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(body ?? undefined);
}
