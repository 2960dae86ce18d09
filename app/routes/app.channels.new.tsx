import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { useState } from "react";
import { CHANNEL_WORDS, channelCreateInput, EMPTY_CHANNEL } from "../components/channel-form";
import { ChannelForm } from "../components/ChannelForm";
import { inWords, validateWith, type FieldErrors } from "../components/forms";
import { RouteError } from "../components/RouteError";
import { useJsonAction } from "../components/useJsonAction";
import { locationOptions } from "../services/admin/options.server";
import { adminRequest, failure, readBody } from "../services/admin/request.server";
import { createChannel } from "../services/config/channels.server";
import { channelCreateSchema } from "../validation/channel";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  return json({ locations: await locationOptions(shop.id) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminRequest(request);
  const body = await readBody(request);
  try {
    const channel = await createChannel(shop.id, body, { actor });
    return redirect(`/app/channels/${channel.id}?created=1`);
  } catch (error) {
    return failure(error);
  }
};

export default function NewChannel() {
  const { locations } = useLoaderData<typeof loader>();
  const [state, setState] = useState(EMPTY_CHANNEL);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const action = useJsonAction();
  const errors = inWords({ ...(action.failure?.errors ?? {}), ...clientErrors }, CHANNEL_WORDS);
  const save = () => {
    const input = channelCreateInput(state);
    const found = validateWith(channelCreateSchema, input);
    setClientErrors(found);
    if (Object.keys(found).length === 0) action.submit(input as Record<string, unknown>);
  };
  return (
    <Page
      title="Create channel"
      backAction={{ url: "/app/channels" }}
      primaryAction={{ content: "Save", onAction: save, loading: action.busy }}
    >
      <BlockStack gap="400">
        {Object.keys(errors).length > 0 && (
          <Banner tone="critical" title="The channel was not saved">
            <p>Correct the fields marked below, then save again.</p>
          </Banner>
        )}
        <ChannelForm state={state} onChange={setState} errors={errors} locations={locations} isNew />
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Create channel" backUrl="/app/channels" />;
}
