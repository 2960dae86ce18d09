import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { useRef, useState } from "react";
import { inWords, validateWith, type FieldErrors } from "../components/forms";
import { PreviewTable } from "../components/PreviewTable";
import { RouteError } from "../components/RouteError";
import { emptyRule, ruleCreateInput, RULE_WORDS } from "../components/rule-form";
import { RuleForm } from "../components/RuleForm";
import { useJsonAction } from "../components/useJsonAction";
import { channelOptions } from "../services/admin/options.server";
import { adminRequest, badRequest, failure, readBody } from "../services/admin/request.server";
import { createRule, previewRuleChange, type RulePreview } from "../services/config/rules.server";
import { ruleCreateSchema } from "../validation/rule";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  return json({ channels: await channelOptions(shop.id) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const { intent, ...rule } = await readBody(request);
  try {
    if (intent === "preview") return json({ ok: true as const, preview: await previewRuleChange(shop.id, { action: "create", rule }) });
    if (intent === "save") {
      await createRule(shop.id, rule, { actor });
      return redirect(`/app/exposure-rules?channel=${Number(rule.channelId)}`);
    }
    return badRequest([{ path: "intent", message: 'must be "preview" or "save"' }]);
  } catch (error) {
    return failure(error);
  }
};

export default function NewRule() {
  const { channels } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const [state, setState] = useState(() => emptyRule(params.get("channel") ?? ""));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const action = useJsonAction<{ preview: RulePreview }>();
  // What the shown preview was computed for: Save needs a preview of exactly this form.
  const lastPreviewed = useRef("");
  const input = ruleCreateInput(state);
  const previewed = action.ok?.preview && action.data && JSON.stringify(input) === lastPreviewed.current ? action.ok.preview : null;
  const errors = inWords({ ...(action.failure?.errors ?? {}), ...clientErrors }, RULE_WORDS);
  const run = (intent: "preview" | "save") => {
    const found = validateWith(ruleCreateSchema, input);
    setClientErrors(found);
    if (Object.keys(found).length > 0) return;
    if (intent === "preview") lastPreviewed.current = JSON.stringify(input);
    action.submit({ intent, ...(input as Record<string, unknown>) });
  };
  const names = Object.fromEntries(channels.map((c) => [c.key, c.name]));
  return (
    <Page
      title="Add exposure rule"
      backAction={{ url: "/app/exposure-rules" }}
      primaryAction={{ content: "Save rule", onAction: () => run("save"), disabled: !previewed, loading: action.busy }}
      secondaryActions={[{ content: "Preview", onAction: () => run("preview") }]}
    >
      <BlockStack gap="400">
        <Banner tone="info">
          <p>Preview shows every variant × channel whose ATP or ATS would move, before anything is saved; on a ring-fenced channel, also what changes at its next rebalance. Save becomes available once the preview matches the form.</p>
        </Banner>
        {Object.keys(errors).length > 0 && <Banner tone="critical" title="Correct the fields marked below" />}
        <RuleForm state={state} onChange={setState} errors={errors} channels={channels} channelLocked={false} />
        {previewed && <PreviewTable title="If you save this rule" preview={previewed} channelNames={names} />}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Add exposure rule" backUrl="/app/exposure-rules" />;
}
