/** Test helper: a dynalite server with a fresh state table, over the real DynamoDB protocol. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient, startDynalite } from '../../shared/state/dynalite-server.js';
import { createStateTable } from '../../shared/state/dynamodb-state-store.js';

export interface LocalStateTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  close(): Promise<void>;
}

export async function startLocalStateTable(tableName = 'bridge-state'): Promise<LocalStateTable> {
  const server = await startDynalite();
  const client = localDynamoDbClient(server.endpoint);
  await createStateTable(client, tableName);
  return {
    client,
    tableName,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
