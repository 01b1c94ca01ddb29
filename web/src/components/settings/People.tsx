// People (admins): everyone who has signed in; change a role, disable or enable access. The server
// refuses (409) to leave minicrm without an admin.

import { Alert, Badge, Button, Card, Group, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client';
import type { Page } from '../../api/types';
import { useSession } from '../../auth/session';
import { dateTime } from '../../lib/format';
import { useCompact } from '../campaigns/useCompact';
import { Empty, ErrorState, Loading } from '../States';
import { ROLES, settingsKeys, type Role, type User } from './types';

type Change = { role: Role } | { disabled: boolean };

function describe(user: User, change: Change): string {
  if ('role' in change) return `${user.name || user.email} is now ${change.role === 'admin' ? 'an' : 'a'} ${change.role}.`;
  return change.disabled
    ? `${user.name || user.email} can no longer sign in; their sessions have ended and their API keys are suspended.`
    : `${user.name || user.email} can sign in again, and their API keys work again.`;
}

export function People() {
  const { me } = useSession();
  const client = useQueryClient();
  const compact = useCompact();
  const users = useQuery({
    queryKey: settingsKeys.users,
    queryFn: () => api.get<Page<User>>('/api/v1/users'),
  });
  const update = useMutation({
    mutationFn: ({ user, change }: { user: User; change: Change }) =>
      api.patch<User>(`/api/v1/users/${encodeURIComponent(user.id)}`, change),
    onSuccess: (updated, { user, change }) => {
      client.setQueryData<Page<User>>(settingsKeys.users, (page) =>
        page ? { ...page, items: page.items.map((u) => (u.id === updated.id ? updated : u)) } : page,
      );
      notifications.show({ color: 'teal', title: 'Access changed', message: describe(user, change) });
      // The keys they made follow their role and access.
      void client.invalidateQueries({ queryKey: settingsKeys.apiKeys });
      if (updated.id === me.id) void client.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const conflict = update.error instanceof ApiError && update.error.status === 409;

  const change = (user: User, c: Change) => update.mutate({ user, change: c });
  const pendingFor = (user: User) => update.isPending && update.variables?.user.id === user.id;

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={640}>
        Everyone who has signed in. <b>Admins</b> manage keys and people, <b>marketers</b> build segments and send
        campaigns, <b>viewers</b> only look. Disabling someone ends their sessions at once and suspends the API keys they
        made; their keys never do more than their role allows.
      </Text>
      {update.isError && (
        <Alert
          color="red"
          role="alert"
          icon={<IconAlertTriangle size={18} />}
          title={conflict ? 'minicrm needs at least one admin' : 'The change was not made'}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => update.reset()}
        >
          {update.error.message}
        </Alert>
      )}
      {users.isPending ? (
        <Loading label="Loading people" />
      ) : users.isError ? (
        <ErrorState error={users.error} retry={() => void users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <Empty title="Nobody has signed in yet" />
      ) : compact ? (
        <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="People">
          {users.data.items.map((u) => (
            <Card key={u.id} withBorder padding="sm" component="li">
              <Person user={u} self={u.id === me.id} />
              <Group mt="xs" gap="xs" align="flex-end">
                <RoleSelect user={u} onChange={(role) => change(u, { role })} disabled={pendingFor(u)} />
                <ToggleAccess user={u} self={u.id === me.id} onChange={(disabled) => change(u, { disabled })} loading={pendingFor(u)} />
              </Group>
            </Card>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="People, in the order they first signed in" verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Person</Table.Th>
                <Table.Th scope="col">Role</Table.Th>
                <Table.Th scope="col">Last sign-in</Table.Th>
                <Table.Th scope="col">Access</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.items.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Person user={u} self={u.id === me.id} />
                  </Table.Td>
                  <Table.Td>
                    <RoleSelect user={u} onChange={(role) => change(u, { role })} disabled={pendingFor(u)} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{u.last_login_at ? dateTime(u.last_login_at) : 'never'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <ToggleAccess
                      user={u}
                      self={u.id === me.id}
                      onChange={(disabled) => change(u, { disabled })}
                      loading={pendingFor(u)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function Person({ user, self }: { user: User; self: boolean }) {
  return (
    <div>
      <Group gap={6}>
        <Text fw={600} size="sm">
          {user.name || user.email}
        </Text>
        {self && (
          <Badge size="xs" variant="light">
            you
          </Badge>
        )}
        {user.disabled_at && (
          <Badge size="xs" color="gray" variant="filled">
            disabled
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        {user.email} · {user.provider === 'oidc' ? 'single sign-on' : 'local link'}
      </Text>
    </div>
  );
}

function RoleSelect({ user, onChange, disabled }: { user: User; onChange: (role: Role) => void; disabled: boolean }) {
  return (
    <Select
      aria-label={`Role of ${user.email}`}
      data={ROLES}
      value={user.role}
      onChange={(v) => {
        const role = ROLES.find((r) => r.value === v)?.value;
        if (role && role !== user.role) onChange(role);
      }}
      allowDeselect={false}
      disabled={disabled}
      w={140}
      size="xs"
    />
  );
}

function ToggleAccess({
  user,
  self,
  onChange,
  loading,
}: {
  user: User;
  self: boolean;
  onChange: (disabled: boolean) => void;
  loading: boolean;
}) {
  const disabled = user.disabled_at !== null;
  return (
    <Button
      size="xs"
      variant={disabled ? 'light' : 'subtle'}
      color={disabled ? 'teal' : 'red'}
      onClick={() => onChange(!disabled)}
      loading={loading}
      disabled={self && !disabled}
      title={self && !disabled ? 'You cannot disable yourself' : undefined}
      aria-label={`${disabled ? 'Enable' : 'Disable'} ${user.email}`}
    >
      {disabled ? 'Enable' : 'Disable'}
    </Button>
  );
}
