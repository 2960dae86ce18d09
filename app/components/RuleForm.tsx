import { Card, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import { RULE_TARGET_KINDS, type RuleTargetKind } from "../validation/rule";
import { errorAt, type FieldErrors } from "./forms";
import { TARGET_LABELS, type RuleFormState } from "./rule-form";

export function RuleForm({
  state,
  onChange,
  errors,
  channels,
  channelLocked,
}: {
  state: RuleFormState;
  onChange: (next: RuleFormState) => void;
  errors: FieldErrors;
  channels: { id: number; name: string }[];
  channelLocked: boolean;
}) {
  const set = <K extends keyof RuleFormState>(k: K) => (v: RuleFormState[K]) => onChange({ ...state, [k]: v });
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
          <TextField label="Percent of ATP offered" type="number" suffix="%" value={state.percent} onChange={set("percent")} autoComplete="off" error={errorAt(errors, "percent")} />
          <TextField label="Cap (units)" type="number" value={state.cap} onChange={set("cap")} autoComplete="off" error={errorAt(errors, "cap")} />
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField
            label="Out-of-stock threshold"
            type="number"
            value={state.zeroBelow}
            onChange={set("zeroBelow")}
            autoComplete="off"
            helpText="Offer 0 when ATP is at or below this."
            error={errorAt(errors, "zeroBelow")}
          />
          <TextField label="Safety stock" type="number" value={state.safetyStock} onChange={set("safetyStock")} autoComplete="off" error={errorAt(errors, "safetyStock")} />
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField label="Live from (drop start)" type="date" value={state.liveFrom} onChange={set("liveFrom")} autoComplete="off" error={errorAt(errors, "liveFrom")} />
          <TextField label="Live until" type="date" value={state.liveUntil} onChange={set("liveUntil")} autoComplete="off" error={errorAt(errors, "liveUntil")} />
        </FormLayout.Group>
      </FormLayout>
    </Card>
  );
}
