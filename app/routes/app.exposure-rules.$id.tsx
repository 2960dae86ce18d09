import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { useRef, useState } from "react";
import { inWords, validateWith, type FieldErrors } from "../components/forms";
import { PreviewTable } from "../components/PreviewTable";
import { RouteError } from "../components/RouteError";
import { RULE_WORDS, ruleToState, ruleUpdateInput } from "../components/rule-form";
import { RuleForm } from "../components/RuleForm";
import { useJsonAction } from "../components/useJsonAction";
import prisma from "../db.server";
import { channelOptions } from "../services/admin/options.server";
import { adminRequest, badRequest, failure, idParam, readBody, rethrowNotFound } from "../services/admin/request.server";
import { deleteRule, getRule, previewRuleChange, updateRule, type RulePreview } from "../services/config/rules.server";
import { ruleUpdateSchema } from "../validation/rule";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const id = idParam(params.id, "exposure rule");
  try {
    const [rule, channels] = await Promise.all([getRule(shop.id, id), channelOptions(shop.id)]);
    const value = rule.target.kind === "product" ? rule.target.value : null;
    const product = value && /^\d{1,20}$/.test(value) ? await prisma.product.findFirst({ where: { shopId: shop.id, shopifyId: BigInt(value) }, select: { title: true } }) : null;
    return json({ rule, channels, productTitle: product?.title ?? null });
  } catch (error) {
    rethrowNotFound(error);
  }
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const id = idParam(params.id, "exposure rule");
  const { intent, ...changes } = await readBody(request);
  try {
    switch (intent) {
      case "preview":
        return json({ ok: true as const, preview: await previewRuleChange(shop.id, { action: "update", id, changes }) });
      case "preview-delete":
        return json({ ok: true as const, preview: await previewRuleChange(shop.id, { action: "delete", id }) });
      case "save": {
        const rule = await updateRule(shop.id, id, changes, { actor });
        return redirect(`/app/exposure-rules?channel=${rule.channelId}`);
      }
      case "delete": {
        const rule = await getRule(shop.id, id);
        await deleteRule(shop.id, id, { actor });
        return redirect(`/app/exposure-rules?channel=${rule.channelId}`);
      }
      default:
        return badRequest([{ path: "intent", message: 'must be "preview", "save", "preview-delete" or "delete"' }]);
    }
  } catch (error) {
    return failure(error);
  }
};

export default function EditRule() {
  const { rule, channels, productTitle } = useLoaderData<typeof loader>();
  const [state, setState] = useState(() => ruleToState(rule));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const action = useJsonAction<{ preview: RulePreview }>();
  const lastPreviewed = useRef("");
  const input = ruleUpdateInput(state);
  const key = (intent: string) => `${intent}:${JSON.stringify(input)}`;
  const preview = action.ok?.preview ?? null;
  const previewedSave = preview && lastPreviewed.current === key("preview") ? preview : null;
  const previewedDelete = preview && lastPreviewed.current === key("preview-delete") ? preview : null;
  const errors = inWords({ ...(action.failure?.errors ?? {}), ...clientErrors }, RULE_WORDS);
  const run = (intent: "preview" | "save" | "preview-delete" | "delete") => {
    if (intent === "preview" || intent === "save") {
      const found = validateWith(ruleUpdateSchema, input);
      setClientErrors(found);
      if (Object.keys(found).length > 0) return;
    }
    if (intent.startsWith("preview")) lastPreviewed.current = key(intent);
    action.submit({ intent, ...(intent === "preview" || intent === "save" ? (input as Record<string, unknown>) : {}) });
  };
  const names = Object.fromEntries(channels.map((c) => [c.key, c.name]));
  return (
    <Page
      title="Edit exposure rule"
      subtitle={`Channel: ${channels.find((c) => c.id === rule.channelId)?.name ?? rule.channel}`}
      backAction={{ url: `/app/exposure-rules?channel=${rule.channelId}` }}
      primaryAction={{ content: "Save rule", onAction: () => run("save"), disabled: !previewedSave, loading: action.busy }}
      secondaryActions={[
        { content: "Preview", onAction: () => run("preview") },
        previewedDelete
          ? { content: "Confirm delete", destructive: true, onAction: () => run("delete") }
          : { content: "Delete…", destructive: true, onAction: () => run("preview-delete") },
      ]}
    >
      <BlockStack gap="400">
        <Banner tone="info">
          <p>Preview the change first: it lists every variant × channel whose ATP or ATS would move and, on a ring-fenced channel, what changes at its next rebalance. Save becomes available once the preview matches the form.</p>
        </Banner>
        {Object.keys(errors).length > 0 && <Banner tone="critical" title="Correct the fields marked below" />}
        <RuleForm state={state} onChange={setState} errors={errors} channels={channels} channelLocked productTitle={state.targetValue === rule.target.value ? productTitle : null} />
        {previewedSave && <PreviewTable title="If you save these changes" preview={previewedSave} channelNames={names} />}
        {previewedDelete && <PreviewTable title="If you delete this rule" preview={previewedDelete} channelNames={names} />}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Exposure rule" backUrl="/app/exposure-rules" />;
}
