import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/**
 * A page's error boundary: "not found" and "bad request" answers are explained on the page; the
 * responses the Shopify library throws to re-authenticate pass through to its own handling.
 */
export function RouteError({ backUrl, title = "Ringfence" }: { backUrl?: string; title?: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 400)) {
    const message = typeof error.data === "object" && error.data && "message" in error.data ? String(error.data.message) : String(error.data);
    return (
      <Page title={title} backAction={backUrl ? { url: backUrl } : undefined}>
        <Banner tone={error.status === 404 ? "warning" : "critical"} title={error.status === 404 ? "Not found" : "That request cannot be handled"}>
          <p>{message}</p>
        </Banner>
      </Page>
    );
  }
  return boundary.error(error);
}
