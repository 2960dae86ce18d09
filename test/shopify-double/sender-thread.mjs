// The webhook sender's own thread (WebhookSettings.senderThread): POSTs each delivery and times it
// here, on a loop that does nothing else, so the time measured is the receiver's answer, not the
// sending process's other work (the double's GraphQL, a benchmark's stream). Plain JavaScript so it
// loads without the TypeScript loader.
import { parentPort } from "node:worker_threads";

parentPort.on("message", async ({ id, url, headers, body, timeoutMs }) => {
  const started = performance.now();
  let status = null;
  let error = null;
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    status = res.status;
  } catch (err) {
    error = err.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : err.message;
  }
  parentPort.postMessage({ id, status, error, latencyMs: performance.now() - started });
});
