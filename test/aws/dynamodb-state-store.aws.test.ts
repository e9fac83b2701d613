import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createStateTable, DynamoDbStateStore } from '../../shared/state/dynamodb-state-store.js';
import { describeStateStoreConformance } from '../shared/state/state-store-conformance.js';
import { requireMotoEndpoint, uniqueName } from './moto-endpoint.js';

let client: DynamoDBClient;
const tableName = uniqueName('bridge-state');

beforeAll(async () => {
  requireMotoEndpoint();
  client = new DynamoDBClient({});
  await createStateTable(client, tableName);
});

afterAll(() => {
  client.destroy();
});

describeStateStoreConformance('DynamoDbStateStore on moto', {
  makeStore: ({ pageSize }) => new DynamoDbStateStore({ client, tableName, listPageSize: pageSize }),
});
