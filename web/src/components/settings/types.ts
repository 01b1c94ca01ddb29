// Settings shapes (see crates/api/src/routes/api_keys.rs, people.rs, ai.rs).

export type Scope = 'ingest' | 'read' | 'write' | 'admin';
export type Role = 'admin' | 'marketer' | 'viewer';

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
export type KeyStatus = 'active' | 'suspended' | 'revoked';

/** The person a key answers to, as they are now. */
export interface KeyMaker {
  id: string;
  email: string;
  role: Role;
  disabled_at: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  /** The visible start of the key, `mcrm_<prefix>_`. */
  prefix: string;
  /** The scopes it was made with. */
  scopes: Scope[];
  /** What it may do now: its scopes as far as its maker's role allows; none unless active. */
  effective_scopes: Scope[];
  status: KeyStatus;
  /** Null for keys made on the command line, which answer to no one. */
  maker: KeyMaker | null;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The answer to creating a key: the only time its secret is shown. */
export interface NewApiKey extends ApiKey {
  secret: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  provider: string;
  created_at: string;
  last_login_at: string | null;
  disabled_at: string | null;
}

export interface AiProvider {
  provider: string;
  model: string | null;
}

export const settingsKeys = {
  apiKeys: ['settings', 'api-keys'] as const,
  users: ['settings', 'users'] as const,
  aiProvider: ['settings', 'ai-provider'] as const,
};
