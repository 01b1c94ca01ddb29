// Who is signed in, and signing out.

import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { useState } from 'react';
import { useSession } from '../../auth/session';

export function Account() {
  const { me, person, signOut } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rows: [string, string | undefined][] = [
    ['Name', me.name],
    ['E-mail', person?.email],
    ['Signed in with', !person ? 'an API key' : person.provider === 'oidc' ? 'single sign-on' : 'a one-time link'],
  ];
  return (
    <Stack gap="md" maw={520}>
      <Stack gap={6} component="dl" m={0}>
        {rows
          .filter(([, v]) => v)
          .map(([label, value]) => (
            <Group key={label} gap="xs" wrap="nowrap" align="baseline">
              <Text component="dt" size="sm" c="dimmed" w={120}>
                {label}
              </Text>
              <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere' }}>
                {value}
              </Text>
            </Group>
          ))}
        {person && (
          <Group gap="xs" wrap="nowrap" align="baseline">
            <Text component="dt" size="sm" c="dimmed" w={120}>
              Role
            </Text>
            <Text component="dd" size="sm" m={0}>
              <Badge variant="light">{person.role}</Badge>
            </Text>
          </Group>
        )}
        <Group gap="xs" wrap="nowrap" align="baseline">
          <Text component="dt" size="sm" c="dimmed" w={120}>
            May
          </Text>
          <Text component="dd" size="sm" m={0}>
            <Group gap={4}>
              {me.scopes.map((s) => (
                <Badge key={s} size="sm" variant="outline" tt="none">
                  {s}
                </Badge>
              ))}
            </Group>
          </Text>
        </Group>
      </Stack>
      {me.kind === 'user' && (
        <Group>
          <Button
            variant="default"
            leftSection={<IconLogout size={16} aria-hidden />}
            loading={signingOut}
            onClick={() => {
              setSigningOut(true);
              setError(null);
              signOut().catch((e: unknown) => {
                setSigningOut(false);
                setError(e instanceof Error ? e.message : String(e));
              });
            }}
          >
            Sign out
          </Button>
          {error && (
            <Text size="sm" c="red" role="alert">
              {error}
            </Text>
          )}
        </Group>
      )}
    </Stack>
  );
}
