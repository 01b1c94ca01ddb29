// The API keys, newest first: a table on wide screens, cards on narrow ones; each with its scopes, who
// made it and when, its state, and a way to revoke it.

import { Button, Card, Code, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { dateTime } from '../../lib/format';
import { KeyScopes, KeyState, madeBy } from './KeyAccess';
import type { ApiKey } from './types';

export interface KeyListProps {
  keys: ApiKey[];
  onRevoke: (key: ApiKey) => void;
}

export function KeyTable({ keys, onRevoke }: KeyListProps) {
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table aria-label="API keys, newest first" verticalSpacing="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Key</Table.Th>
            <Table.Th scope="col">Scopes</Table.Th>
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Last used</Table.Th>
            <Table.Th scope="col">State</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((k) => (
            <Table.Tr key={k.id} style={k.status !== 'active' ? { opacity: 0.6 } : undefined}>
              <Table.Td fw={500}>{k.name}</Table.Td>
              <Table.Td>
                <Code>{k.prefix}…</Code>
              </Table.Td>
              <Table.Td>
                <KeyScopes apiKey={k} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{dateTime(k.created_at)}</Text>
                {madeBy(k) && (
                  <Text size="xs" c="dimmed">
                    by {madeBy(k)}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{k.last_used_at ? dateTime(k.last_used_at) : 'never'}</Table.Td>
              <Table.Td>
                <KeyState apiKey={k} />
              </Table.Td>
              <Table.Td>
                {k.status !== 'revoked' && (
                  <Button size="xs" color="red" variant="subtle" onClick={() => onRevoke(k)} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function KeyCards({ keys, onRevoke }: KeyListProps) {
  return (
    <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="API keys">
      {keys.map((k) => (
        <Card key={k.id} withBorder padding="sm" component="li" style={k.status !== 'active' ? { opacity: 0.6 } : undefined}>
          <Group justify="space-between" wrap="nowrap">
            <Text fw={600}>{k.name}</Text>
            <KeyState apiKey={k} />
          </Group>
          <Code mt={4}>{k.prefix}…</Code>
          <KeyScopes apiKey={k} />
          <Text size="xs" c="dimmed" mt={4}>
            Created {dateTime(k.created_at)}
            {madeBy(k) && ` by ${madeBy(k)}`} · last used {k.last_used_at ? dateTime(k.last_used_at) : 'never'}
          </Text>
          {k.status !== 'revoked' && (
            <Button mt="xs" size="xs" color="red" variant="light" onClick={() => onRevoke(k)} aria-label={`Revoke ${k.name}`}>
              Revoke
            </Button>
          )}
        </Card>
      ))}
    </Stack>
  );
}
