// Settings: the API's shapes for keys, people and the AI provider (aliases onto the generated schema),
// the scopes and roles as the UI offers them, and the query keys.

import type { Schemas } from '../../api/types';

export type Scope = Schemas['Scope'];
export type Role = Schemas['Role'];

export const SCOPES: { value: Scope; label: string; description: string }[] = [
  { value: 'ingest', label: 'ingest', description: 'send customers and orders (single, batches, CSV imports)' },
  { value: 'read', label: 'read', description: 'read customers, segments, campaigns and their logs' },
  { value: 'write', label: 'write', description: 'create segments and campaigns, cancel campaigns, use AI writing' },
  { value: 'admin', label: 'admin', description: 'everything, including API keys and people' },
];

export const ROLES: { value: Role; label: string }[] = [
  { value: 'admin', label: 'Admin' },
  { value: 'marketer', label: 'Marketer' },
  { value: 'viewer', label: 'Viewer' },
];

/** `suspended`: its maker is disabled (it works again once they are enabled); `revoked`: for good. */
export type KeyStatus = Schemas['KeyStatusOut'];

/** The person a key answers to, as they are now. */
export type KeyMaker = Schemas['MakerOut'];

/**
 * A key: `scopes` it was made with, `effective_scopes` what it may do now (its scopes as far as its
 * maker's role allows; none unless active); `maker` null for keys made on the command line.
 */
export type ApiKey = Schemas['KeyOut'];

/** The answer to creating a key: the only time its secret is shown. */
export type NewApiKey = Schemas['KeyCreated'];

export type User = Schemas['UserOut'];

export type AiProvider = Schemas['ProviderOut'];

export const settingsKeys = {
  apiKeys: ['settings', 'api-keys'] as const,
  users: ['settings', 'users'] as const,
  aiProvider: ['settings', 'ai-provider'] as const,
};
