import { Card, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import { RULE_TARGET_KINDS, type RuleTargetKind } from "../validation/rule";
import { errorAt, fieldBinder, type FieldErrors } from "./forms";
import { TARGET_LABELS, type RuleFormState } from "./rule-form";

export function RuleForm({
  state,
  onChange,
  errors,
  channels,
  channelLocked,
  productTitle,
}: {
  state: RuleFormState;
  onChange: (next: RuleFormState) => void;
  errors: FieldErrors;
  channels: { id: number; name: string }[];
  channelLocked: boolean;
  /** The title of the product a product rule names, when the page knows it. */
  productTitle?: string | null;
}) {
  const set = <K extends keyof RuleFormState>(k: K) => (v: RuleFormState[K]) => onChange({ ...state, [k]: v });
  const field = fieldBinder(state, set, errors);
  return (
    <Card>
      <FormLayout>
        <Text as="h2" variant="headingMd">
          What the rule applies to
        </Text>
        <FormLayout.Group>
          <Select
            label="Channel"
            placeholder="Pick a channel"
            disabled={channelLocked}
            options={channels.map((c) => ({ label: c.name, value: String(c.id) }))}
            value={state.channelId}
            onChange={set("channelId")}
            helpText={channelLocked ? "A rule stays on its channel; add a new rule for another channel." : "Only this channel's numbers change."}
            error={errorAt(errors, "channelId")}
          />
          <Select
            label="Applies to"
            options={RULE_TARGET_KINDS.map((k) => ({ label: TARGET_LABELS[k].label, value: k }))}
            value={state.targetKind}
            onChange={(v) => onChange({ ...state, targetKind: v as RuleTargetKind, targetValue: v === "all" ? "" : state.targetValue })}
            error={errorAt(errors, "target.kind")}
          />
          {state.targetKind !== "all" && (
            <TextField
              label="Which one"
              value={state.targetValue}
              onChange={set("targetValue")}
              autoComplete="off"
              placeholder={TARGET_LABELS[state.targetKind].value}
              helpText={state.targetKind === "product" && productTitle ? `Product: ${productTitle}` : TARGET_LABELS[state.targetKind].help}
              error={errorAt(errors, "target.value", "target")}
            />
          )}
        </FormLayout.Group>
        <Text as="h2" variant="headingMd">
          What it sets
        </Text>
        <Text as="p" tone="subdued">
          Leave a setting empty to keep the channel's own value. The most specific rule wins (variant, product, collection,
          tag, vendor, every product); among equals the newest.
        </Text>
        <FormLayout.Group>
          <TextField
            label="Percent of ATP offered"
            type="number"
            suffix="%"
            {...field("percent")}
            helpText="0 to 100: the share of what the channel can promise that is put on sale. On a ring-fenced channel, the share its pool gets."
          />
          <TextField
            label="Cap (units)"
            type="number"
            {...field("cap")}
            helpText="At most this many units per variant on sale, whatever the percent."
          />
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField
            label="Out-of-stock threshold"
            type="number"
            {...field("zeroBelow")}
            helpText="Offer 0 when ATP is at or below this, so the last few units are not oversold."
          />
          <TextField
            label="Safety stock"
            type="number"
            {...field("safetyStock")}
            helpText="Units per variant this channel never promises; replaces the channel's own safety stock."
          />
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField
            label="Live from (drop start)"
            type="date"
            {...field("liveFrom")}
            helpText="Before this day the channel offers 0 of these products. Empty: on sale now."
          />
          <TextField
            label="Live until"
            type="date"
            {...field("liveUntil")}
            helpText="After this day the channel offers 0 of them. Empty: no end."
          />
        </FormLayout.Group>
      </FormLayout>
    </Card>
  );
}
