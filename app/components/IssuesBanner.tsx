import { Banner, List } from "@shopify/polaris";
import type { FieldIssue } from "../validation/common";

/** Every problem the server found, each naming its field or CSV row, so the user can fix them all at once. */
export function IssuesBanner({ title, issues, onDismiss }: { title: string; issues: readonly FieldIssue[]; onDismiss?: () => void }) {
  return (
    <Banner tone="critical" title={title} onDismiss={onDismiss}>
      {issues.length > 0 && (
        <List type="bullet">
          {issues.slice(0, 200).map((i, n) => (
            <List.Item key={n}>{i.path ? `${i.path}: ${i.message}` : i.message}</List.Item>
          ))}
          {issues.length > 200 && <List.Item>…and {issues.length - 200} more</List.Item>}
        </List>
      )}
    </Banner>
  );
}
