/**
 * `AccountRegistry` on the state table: one partition (`REGISTRY`), an item per account
 * (`ACCOUNT#<id>`) holding the `RegisteredAccount` fields. See registry.ts for the layout.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AccountNotFoundError } from '../errors.js';
import { StateCorruptError } from '../state/state-errors.js';
import {
  type AccountRegistry,
  REGISTRY_PK,
  type RegisteredAccount,
  registrySk,
  SEEDED_SK,
} from './registry.js';

export class DynamoDbAccountRegistry implements AccountRegistry {
  private readonly documents: DynamoDBDocumentClient;

  constructor(options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.tableName = options.tableName;
  }

  private readonly tableName: string;

  async list(): Promise<RegisteredAccount[]> {
    const accounts: RegisteredAccount[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': REGISTRY_PK, ':prefix': registrySk('') },
          ExclusiveStartKey: startKey,
        }),
      );
      accounts.push(...(page.Items ?? []).map(decodeAccount));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return accounts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(id: string): Promise<RegisteredAccount | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: REGISTRY_PK, sk: registrySk(id) } }),
    );
    return Item === undefined ? undefined : decodeAccount(Item);
  }

  async put(account: RegisteredAccount, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: REGISTRY_PK, sk: registrySk(account.id), ...account },
          ...(options.ifAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (options.ifAbsent && error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async setPaused(id: string, paused: boolean, at: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: REGISTRY_PK, sk: registrySk(id) },
          UpdateExpression: 'SET paused = :paused, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':paused': paused, ':at': at },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AccountNotFoundError(id);
      throw error;
    }
  }

  async seededFrom(): Promise<string | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: REGISTRY_PK, sk: SEEDED_SK } }),
    );
    return typeof Item?.version === 'string' ? Item.version : undefined;
  }

  async markSeeded(version: string, at: string): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: REGISTRY_PK, sk: SEEDED_SK, version, at } }),
    );
  }

  async remove(id: string): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: REGISTRY_PK, sk: registrySk(id) },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new AccountNotFoundError(id);
      throw error;
    }
  }
}

function decodeAccount(item: Record<string, unknown>): RegisteredAccount {
  const { pk: _pk, sk: _sk, ...fields } = item;
  const account = fields as Partial<RegisteredAccount>;
  if (
    typeof account.id !== 'string' ||
    typeof account.apiKey !== 'object' ||
    account.apiKey === null ||
    typeof account.paused !== 'boolean'
  ) {
    throw new StateCorruptError(
      'A registry item has an unexpected shape; was the state table written by another tool?',
    );
  }
  return account as RegisteredAccount;
}
