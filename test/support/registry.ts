/** A registry in a Map, for tests that need accounts without a state table. */
import { AccountNotFoundError } from '../../shared/errors.js';
import type { AccountRegistry, RegisteredAccount } from '../../shared/fleet/registry.js';

export class MapRegistry implements AccountRegistry {
  readonly accounts = new Map<string, RegisteredAccount>();

  async list(): Promise<RegisteredAccount[]> {
    return [...this.accounts.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<RegisteredAccount | undefined> {
    return this.accounts.get(id);
  }

  async put(account: RegisteredAccount, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    if (options.ifAbsent && this.accounts.has(account.id)) return false;
    this.accounts.set(account.id, account);
    return true;
  }

  async setPaused(id: string, paused: boolean, at: string): Promise<void> {
    const account = this.accounts.get(id);
    if (account === undefined) throw new AccountNotFoundError(id);
    this.accounts.set(id, { ...account, paused, updatedAt: at });
  }

  async remove(id: string): Promise<void> {
    if (!this.accounts.delete(id)) throw new AccountNotFoundError(id);
  }

  seeded: string | undefined;

  async seededFrom(): Promise<string | undefined> {
    return this.seeded;
  }

  async markSeeded(version: string): Promise<void> {
    this.seeded = version;
  }
}

/** A registered account with a Secrets Manager key reference under `cliniko/`. */
export function registered(id: string, extra: Partial<RegisteredAccount> = {}): RegisteredAccount {
  return {
    id,
    apiKey: { store: 'secretsmanager', secretId: `cliniko/${id}` },
    paused: false,
    origin: 'cli',
    addedAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T08:00:00.000Z',
    ...extra,
  };
}
