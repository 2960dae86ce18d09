import { BlockStack, Button, DropZone, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";

/**
 * Picks a CSV file and hands its text to `onImport`. The server checks every row first and saves
 * nothing if any row is bad, so the whole file can be fixed and dropped again.
 */
export function CsvImport({ columns, onImport, busy }: { columns: string; onImport: (csv: string, fileName: string) => void; busy: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  return (
    <BlockStack gap="200">
      <DropZone
        accept=".csv,text/csv"
        type="file"
        allowMultiple={false}
        onDrop={(_all, accepted) => {
          setReadError(null);
          setFile(accepted[0] ?? null);
        }}
        label={`CSV file with the columns ${columns}`}
      >
        {file ? <Text as="p" alignment="center">{file.name}</Text> : <DropZone.FileUpload actionHint="Accepts .csv files" />}
      </DropZone>
      {readError && <Text as="p" tone="critical">{readError}</Text>}
      <InlineStack>
        <Button
          disabled={!file}
          loading={busy}
          onClick={async () => {
            if (!file) return;
            try {
              onImport(await file.text(), file.name);
            } catch (error) {
              setReadError(`The file cannot be read: ${(error as Error).message}`);
            }
          }}
        >
          Import
        </Button>
      </InlineStack>
    </BlockStack>
  );
}

/** Fetches a CSV from the app (with the session token App Bridge adds) and saves it as a file. */
export async function downloadCsv(url: string, fileName: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`export failed (${response.status})`);
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = fileName;
  a.click();
  URL.revokeObjectURL(href);
}
