import { BlockStack, Box, Button, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/** An empty list explained: what would be here, why it matters, and the first step (no remote image). */
export function Empty({ heading, children, action }: { heading: string; children: ReactNode; action?: { content: string; url: string } }) {
  return (
    <Box padding="600">
      <BlockStack gap="300" inlineAlign="center">
        <Text as="h2" variant="headingMd" alignment="center">
          {heading}
        </Text>
        <Box maxWidth="60ch">
          <Text as="p" tone="subdued" alignment="center">
            {children}
          </Text>
        </Box>
        {action && (
          <InlineStack align="center">
            <Button variant="primary" url={action.url}>
              {action.content}
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Box>
  );
}
