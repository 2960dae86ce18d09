import type { AdminClient } from "../client";

/** The shop's current (latest) bulk query: status, progress and where its JSONL is. */
export const DOCUMENT = /* GraphQL */ `
  query CurrentBulkOperation {
    currentBulkOperation(type: QUERY) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      url
      partialDataUrl
      completedAt
    }
  }
`;

export interface BulkOperationStatus {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED" | "CANCELING" | "EXPIRED";
  errorCode: string | null;
  /** UnsignedInt64 arrives as a string. */
  objectCount: string | number;
  rootObjectCount: string | number;
  url: string | null;
  partialDataUrl: string | null;
  completedAt: string | null;
}

export async function currentBulkOperation(client: AdminClient): Promise<BulkOperationStatus | null> {
  const { data } = await client.request<{ currentBulkOperation: BulkOperationStatus | null }>("currentBulkOperation", DOCUMENT);
  return data.currentBulkOperation;
}
