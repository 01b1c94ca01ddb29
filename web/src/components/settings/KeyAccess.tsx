// What an API key may do now: its status (a key answers to the person who made it and is suspended
// while they are disabled) and its scopes, with what its maker's current role leaves of them.

import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import type { ApiKey, Scope } from './types';

export function ScopeBadges({ scopes, label }: { scopes: Scope[]; label?: string }) {
  return (
    <Group gap={4} aria-label={label}>
      {scopes.map((s) => (
        <Badge key={s} size="sm" variant="light" color={s === 'admin' ? 'red' : 'indigo'} tt="none">
          {s}
        </Badge>
      ))}
    </Group>
  );
}

export function KeyState({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.status === 'suspended') {
    return (
      <Tooltip label={`${apiKey.maker?.email ?? 'Its maker'} is disabled: the key works again if they are enabled`} withArrow>
        <Badge color="orange" variant="light" tabIndex={0}>
          suspended
        </Badge>
      </Tooltip>
    );
  }
  return apiKey.status === 'revoked' ? (
    <Badge color="gray" variant="light">
      revoked
    </Badge>
  ) : (
    <Badge color="teal" variant="light">
      active
    </Badge>
  );
}

const same = (a: Scope[], b: Scope[]) => a.length === b.length && a.every((s) => b.includes(s));

/** The key's scopes and, when its maker's role narrows them, what is left. */
export function KeyScopes({ apiKey }: { apiKey: ApiKey }) {
  const limited = apiKey.status === 'active' && !same(apiKey.scopes, apiKey.effective_scopes);
  return (
    <Stack gap={4}>
      <ScopeBadges scopes={apiKey.scopes} />
      {apiKey.status === 'suspended' && (
        <Text size="xs" c="orange.8">
          Does nothing while {apiKey.maker?.email ?? 'its maker'} is disabled
        </Text>
      )}
      {limited && apiKey.maker && (
        <>
          <Text size="xs" c="dimmed">
            {apiKey.effective_scopes.length === 0
              ? `Does nothing: ${apiKey.maker.email} is now a ${apiKey.maker.role}`
              : `Only these while ${apiKey.maker.email} is a ${apiKey.maker.role}:`}
          </Text>
          <ScopeBadges scopes={apiKey.effective_scopes} label="Effective scopes" />
        </>
      )}
    </Stack>
  );
}

/** Who made the key and, when another key made it, the person it answers to. */
export function madeBy(apiKey: ApiKey): string | null {
  const by = apiKey.created_by;
  const maker = apiKey.maker?.email;
  if (maker && by !== `user:${maker}`) return by ? `${by}, for ${maker}` : maker;
  return by ?? null;
}
