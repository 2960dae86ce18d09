import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { useState } from "react";
import { CHANNEL_WORDS, channelToState, channelUpdateInput } from "../components/channel-form";
import { ChannelForm } from "../components/ChannelForm";
import { inWords, validateWith, type FieldErrors } from "../components/forms";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { locationOptions } from "../services/admin/options.server";
import { adminRequest, badRequest, failure, idParam, readBody, rethrowNotFound } from "../services/admin/request.server";
import { archiveChannel, getChannel, updateChannel } from "../services/config/channels.server";
import { channelUpdateSchema } from "../validation/channel";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  const id = idParam(params.id, "channel");
  try {
    const [channel, locations] = await Promise.all([getChannel(shop.id, id), locationOptions(shop.id)]);
    return json({ channel, locations });
  } catch (error) {
    rethrowNotFound(error);
  }
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const id = idParam(params.id, "channel");
  const { intent, ...body } = await readBody(request);
  try {
    if (intent === "archive") {
      await archiveChannel(shop.id, id, { actor });
      return redirect("/app/channels");
    }
    if (intent !== undefined && intent !== "update") return badRequest([{ path: "intent", message: 'must be "update" or "archive"' }]);
    const channel = await updateChannel(shop.id, id, body, { actor });
    return json({ ok: true as const, channel });
  } catch (error) {
    return failure(error);
  }
};

export default function EditChannel() {
  const { channel, locations } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const [state, setState] = useState(() => channelToState(channel));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const action = useJsonAction();
  const errors = inWords({ ...(action.failure?.errors ?? {}), ...clientErrors }, CHANNEL_WORDS);
  const save = () => {
    const input = channelUpdateInput(state);
    const found = validateWith(channelUpdateSchema, input);
    setClientErrors(found);
    if (Object.keys(found).length === 0) action.submit({ intent: "update", ...(input as Record<string, unknown>) });
  };
  return (
    <Page
      title={channel.name}
      subtitle={channel.archivedAt ? "Archived: this channel is left out of every computation" : `Channel key: ${channel.key}`}
      backAction={{ url: "/app/channels" }}
      primaryAction={{ content: "Save", onAction: save, loading: action.busy, disabled: Boolean(channel.archivedAt) }}
      secondaryActions={[
        { content: "Exposure rules", url: `/app/exposure-rules?channel=${channel.id}` },
        ...(channel.archivedAt ? [] : [{ content: "Archive", destructive: true, onAction: () => action.submit({ intent: "archive" }) }]),
      ]}
    >
      <BlockStack gap="400">
        {params.get("created") && !action.data && <Banner tone="success" title="Channel created. Its numbers are being computed." />}
        {action.ok && <Banner tone="success" title="Saved. Affected numbers are being recomputed." />}
        {Object.keys(errors).length > 0 && (
          <Banner tone="critical" title="The channel was not saved">
            <p>Correct the fields marked below, then save again.</p>
          </Banner>
        )}
        <ChannelForm state={state} onChange={setState} errors={errors} locations={locations} isNew={false} />
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Channel" backUrl="/app/channels" />;
}
