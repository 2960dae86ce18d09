/** @jsxImportSource preact */
// Admin block on Shopify's product page: ATS and ATP per sales channel for each variant. All logic
// (URL, errors, rows, badges) lives in ./model; this file only draws Polaris web components
// (API version 2026-07: Preact + `s-*` elements; the React components ended with 2025-07).
import type { Api } from "@shopify/ui-extensions/admin.product-details.block.render";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { loadBlockState, type BlockState, type VariantSection } from "./model";

// The global Shopify admin gives the extension at run time.
declare const shopify: Api;

export default async () => {
  render(<Extension />, document.body);
};

function Extension() {
  const [state, setState] = useState<BlockState | null>(null);
  const productId = shopify.data.selected[0]?.id;

  useEffect(() => {
    let live = true;
    setState(null);
    // fetch() from an admin extension resolves the relative path against the app's URL and adds
    // the admin's ID token (see availabilityPath in ./model).
    loadBlockState(shopify.data.selected, (input, init) => fetch(input, init)).then(
      (next) => live && setState(next),
      (error: Error) => live && setState({ state: "error", kind: "server", tone: "critical", message: error.message }),
    );
    return () => {
      live = false;
    };
  }, [productId]);

  if (state === null) {
    return (
      <s-admin-block heading="ATS by channel">
        <s-spinner accessibilityLabel="Loading availability per channel" />
      </s-admin-block>
    );
  }
  if (state.state === "error") {
    return (
      <s-admin-block heading="ATS by channel" collapsedSummary="Unavailable">
        <s-banner tone={state.tone}>{state.message}</s-banner>
      </s-admin-block>
    );
  }
  return (
    <s-admin-block heading="ATS by channel" collapsedSummary={state.summary}>
      <s-stack gap="base">
        {state.sections.map((section) => (
          <Variant key={section.variantId} section={section} />
        ))}
        {state.computedAt && (
          <s-text color="subdued">Computed {new Date(state.computedAt).toLocaleString()}</s-text>
        )}
      </s-stack>
    </s-admin-block>
  );
}

function Variant({ section }: { section: VariantSection }) {
  return (
    <s-stack gap="small-200">
      <s-stack direction="inline" gap="small-200">
        <s-text type="strong">{section.label}</s-text>
        {section.sku && section.sku !== section.label && <s-text color="subdued">SKU {section.sku}</s-text>}
      </s-stack>
      {section.rows.length === 0 ? (
        <s-text color="subdued">Not computed yet: Ringfence computes it after the next sync.</s-text>
      ) : (
        <s-table variant="auto">
          <s-table-header-row>
            <s-table-header listSlot="primary">Channel</s-table-header>
            <s-table-header format="numeric">ATS</s-table-header>
            <s-table-header format="numeric">ATP</s-table-header>
            <s-table-header listSlot="secondary">Stock</s-table-header>
          </s-table-header-row>
          <s-table-body>
            {section.rows.map((row) => (
              <s-table-row key={row.channelKey}>
                <s-table-cell>
                  <s-stack gap="none">
                    <s-text>{row.channelName}</s-text>
                    {row.ruleLabel && <s-text color="subdued">{row.ruleLabel}</s-text>}
                  </s-stack>
                </s-table-cell>
                <s-table-cell>{row.ats}</s-table-cell>
                <s-table-cell>{row.atp}</s-table-cell>
                <s-table-cell>{row.badge ? <s-badge tone={row.badge.tone}>{row.badge.label}</s-badge> : null}</s-table-cell>
              </s-table-row>
            ))}
          </s-table-body>
        </s-table>
      )}
    </s-stack>
  );
}
