import { BlockStack, Card, Checkbox, ChoiceList, FormLayout, InlineGrid, Select, Text, TextField } from "@shopify/polaris";
import type { ChannelFormState } from "./channel-form";
import { errorAt, fieldBinder, type FieldErrors } from "./forms";

export interface LocationOption {
  id: number;
  shopifyId: string;
  name: string;
  role: "facility" | "channel";
}

/**
 * Every setting of a channel, each with what it means. Field errors come from the channel schema
 * (checked in the browser, then again by the server) and land on the field they name.
 */
export function ChannelForm({
  state,
  onChange,
  errors,
  locations,
  isNew,
}: {
  state: ChannelFormState;
  onChange: (next: ChannelFormState) => void;
  errors: FieldErrors;
  locations: LocationOption[];
  isNew: boolean;
}) {
  const set = <K extends keyof ChannelFormState>(k: K) => (v: ChannelFormState[K]) => onChange({ ...state, [k]: v });
  const field = fieldBinder(state, set, errors);
  const facilities = locations.filter((l) => l.role === "facility" && String(l.id) !== state.publishLocationId);
  const publishChoices = locations.filter((l) => !state.facilityIds.includes(String(l.id)));
  return (
    <BlockStack gap="400">
      <Card>
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Channel
          </Text>
          <FormLayout.Group>
            <TextField
              label="Key"
              {...field("key")}
              disabled={!isNew}
              helpText={isNew ? "Short lower-case name used in CSV files and reports, e.g. amazon. It cannot change later." : "The key cannot change."}
            />
            <TextField label="Name" {...field("name")} helpText="Shown on every page. Defaults to the key." />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField
              label="Priority"
              type="number"
              {...field("priority")}
              helpText="1 is served first when stock is short; higher numbers wait."
            />
            <TextField
              label="Promise window (days)"
              type="number"
              {...field("promiseWindowDays")}
              helpText="Stock arriving within this many days may be promised now (0: only what is on hand). Wholesale often uses 14 or more."
            />
            <TextField
              label="Safety stock"
              type="number"
              {...field("safetyStock")}
              helpText="Units per variant this channel never promises, as a cushion against miscounts."
            />
          </FormLayout.Group>
        </FormLayout>
      </Card>

      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Facilities
          </Text>
          <Text as="p" tone="subdued">
            The locations this channel ships from, in the order it draws on them. Only their stock counts for its ATP.
          </Text>
          {facilities.length === 0 ? (
            <Text as="p" tone="critical">
              No facility locations are imported yet. Locations come from Shopify in the first sync.
            </Text>
          ) : (
            <ChoiceList
              title="Facility group"
              titleHidden
              allowMultiple
              choices={facilities.map((l) => ({ label: l.name, value: String(l.id) }))}
              selected={state.facilityIds}
              onChange={(v) => set("facilityIds")([...state.facilityIds.filter((id) => v.includes(id)), ...v.filter((id) => !state.facilityIds.includes(id))])}
              error={errorAt(errors, "facilityIds")}
            />
          )}
        </BlockStack>
      </Card>

      <Card>
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Which orders belong to this channel
          </Text>
          <Text as="p" tone="subdued">
            An order belongs to the channel when any of these matches. Lists are comma separated.
          </Text>
          <FormLayout.Group>
            <TextField
              label="Order source names"
              value={state.sourceNames}
              onChange={set("sourceNames")}
              autoComplete="off"
              helpText="The order's source in Shopify: web (online store), pos, or an app's, e.g. amazon."
              error={errorAt(errors, "orders.sourceNames")}
            />
            <TextField
              label="Sales channel app ids"
              value={state.appIds}
              onChange={set("appIds")}
              autoComplete="off"
              helpText="Rarely needed: the app id Shopify records on orders from a sales channel app. Source names usually suffice."
              error={errorAt(errors, "orders.appIds")}
            />
          </FormLayout.Group>
          <TextField label="Order tags" value={state.tags} onChange={set("tags")} autoComplete="off" helpText="Orders carrying any of these tags, e.g. wholesale." error={errorAt(errors, "orders.tags")} />
          <Checkbox label="B2B company orders" checked={state.b2b} onChange={set("b2b")} helpText="Orders placed for a B2B company (Shopify B2B)." error={errorAt(errors, "orders.b2b")} />
          {locations.length > 0 && (
            <ChoiceList
              title="Point of Sale orders placed at"
              allowMultiple
              choices={locations.map((l) => ({ label: l.name, value: l.shopifyId }))}
              selected={state.posLocationIds}
              onChange={set("posLocationIds")}
              error={errorAt(errors, "orders.posLocationIds")}
            />
          )}
        </FormLayout>
      </Card>

      <Card>
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Exposure
          </Text>
          <Select
            label="Stock"
            options={[
              { label: "Shared: offer a share of everything the channel could promise", value: "shared" },
              { label: "Ring-fenced: carve a pool out for this channel only", value: "ringfenced" },
            ]}
            value={state.mode}
            onChange={(v) => set("mode")(v as ChannelFormState["mode"])}
            helpText={
              state.mode === "ringfenced"
                ? "The channel gets its own pool per variant (its percent of the stock, up to the cap), set at each rebalance; other channels cannot sell it."
                : "Every shared channel sees the same stock, so a sale anywhere lowers what the others can sell."
            }
            error={errorAt(errors, "mode")}
          />
          <FormLayout.Group>
            <TextField label="Percent" type="number" suffix="%" {...field("percent")} helpText={state.mode === "ringfenced" ? "0 to 100: the share of free stock its pool gets at each rebalance." : "0 to 100: the share of what the channel can promise that is put on sale."} />
            <TextField label="Cap" type="number" {...field("cap")} helpText="At most this many units per variant (empty: no cap)." />
            <TextField
              label="Out-of-stock threshold"
              type="number"
              {...field("zeroBelow")}
              helpText="Show 0 when ATP is at or below this."
            />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label="Live from" type="date" {...field("liveFrom")} helpText="Before this day the channel offers 0. Empty: on sale now." />
            <TextField label="Live until" type="date" {...field("liveUntil")} helpText="After this day the channel offers 0. Empty: no end." />
          </FormLayout.Group>
        </FormLayout>
      </Card>

      <Card>
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Where its ATS is published
          </Text>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Select
              label="Publish to"
              options={[
                { label: "In place at its facilities (the rest is held as reserved)", value: "in_place" },
                { label: "A dedicated channel location", value: "location" },
              ]}
              value={state.publishKind}
              onChange={(v) => set("publishKind")(v as ChannelFormState["publishKind"])}
              helpText={
                state.publishKind === "location"
                  ? "Use a location that only this channel sells from (e.g. an Amazon location): its available quantity becomes the channel's ATS."
                  : "The facilities' available quantity shows this channel's ATS; what other channels may not sell is held there as reserved."
              }
              error={errorAt(errors, "publish")}
            />
            {state.publishKind === "location" && (
              <Select
                label="Channel location"
                placeholder="Pick a location"
                options={publishChoices.map((l) => ({ label: `${l.name}${l.role === "channel" ? " (channel location)" : ""}`, value: String(l.id) }))}
                value={state.publishLocationId}
                onChange={set("publishLocationId")}
                helpText="Ringfence writes this channel's ATS to this location's available quantity."
                error={errorAt(errors, "publish.locationId")}
              />
            )}
          </InlineGrid>
        </FormLayout>
      </Card>
    </BlockStack>
  );
}
