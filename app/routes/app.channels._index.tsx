import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, Card, IndexTable, Page, Text } from "@shopify/polaris";
import { Empty } from "../components/Empty";
import { RouteError } from "../components/RouteError";
import { adminRequest } from "../services/admin/request.server";
import { listChannels } from "../services/config/channels.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminRequest(request);
  return json({ channels: await listChannels(shop.id) });
};

export default function Channels() {
  const { channels } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  return (
    <Page
      title="Channels"
      subtitle="Each sales channel's facilities, orders, priority and how much of its stock is offered"
      primaryAction={{ content: "Create channel", url: "/app/channels/new" }}
    >
      <Card padding="0">
        {channels.length === 0 ? (
          <Empty heading="No channels yet" action={{ content: "Create channel", url: "/app/channels/new" }}>
            A channel (web store, POS, Amazon, wholesale…) gets its own ATP and ATS. Say which orders belong to it, which facilities
            it ships from and where its ATS is published in Shopify.
          </Empty>
        ) : (
          <IndexTable
            resourceName={{ singular: "channel", plural: "channels" }}
            itemCount={channels.length}
            selectable={false}
            headings={[{ title: "Channel" }, { title: "Priority" }, { title: "Stock" }, { title: "Facilities" }, { title: "Exposure" }, { title: "Published to" }]}
          >
            {channels.map((c, index) => (
              <IndexTable.Row id={String(c.id)} key={c.id} position={index} onClick={() => navigate(`/app/channels/${c.id}`)}>
                <IndexTable.Cell>
                  <Text as="span" fontWeight="semibold">
                    {c.name}
                  </Text>{" "}
                  <Text as="span" tone="subdued">
                    ({c.key})
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{c.priority}</IndexTable.Cell>
                <IndexTable.Cell>{c.mode === "ringfenced" ? <Badge tone="info">Ring-fenced</Badge> : <Badge>Shared</Badge>}</IndexTable.Cell>
                <IndexTable.Cell>{c.facilities.map((f) => f.name).join(", ") || "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  {c.percent}%{c.cap !== null ? `, cap ${c.cap}` : ""}
                  {c.zeroBelow > 0 ? `, 0 at ≤ ${c.zeroBelow}` : ""}
                </IndexTable.Cell>
                <IndexTable.Cell>{c.publish.kind === "location" ? c.publish.location.name : "In place"}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Channels" />;
}
