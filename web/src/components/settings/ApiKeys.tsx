// API keys (admins): the list (each key answers to the person who made it: suspended while they are
// disabled, and limited to what their role allows), creating one (its secret shown once), revoking one.

import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import type { Page } from '../../api/types';
import { dateTime } from '../../lib/format';
import { useCompact } from '../campaigns/useCompact';
import { Empty, ErrorState, Loading } from '../States';
import { KeyScopes, KeyState, madeBy } from './KeyAccess';
import { SCOPES, settingsKeys, type ApiKey, type NewApiKey, type Scope } from './types';

export function ApiKeys() {
  const keys = useQuery({
    queryKey: settingsKeys.apiKeys,
    queryFn: () => api.get<Page<ApiKey>>('/api/v1/api-keys'),
  });
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const compact = useCompact();

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Text size="sm" c="dimmed" maw={560}>
          Keys let scripts and other systems use the API (<Code>Authorization: Bearer mcrm_…</Code>). Give each the
          fewest scopes it needs; revoke it the moment it is no longer used. A key answers to the person who made it: it
          never does more than their role allows, and it is suspended while they are disabled.
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={openCreate}>
          Create API key
        </Button>
      </Group>

      {keys.isPending ? (
        <Loading label="Loading API keys" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} />
      ) : keys.data.items.length === 0 ? (
        <Empty title="No API keys yet">Create one to send data from another system.</Empty>
      ) : compact ? (
        <KeyCards keys={keys.data.items} onRevoke={setRevoking} />
      ) : (
        <KeyTable keys={keys.data.items} onRevoke={setRevoking} />
      )}

      <CreateKeyModal
        opened={creating}
        onClose={closeCreate}
        onCreated={(key) => {
          closeCreate();
          setCreated(key);
        }}
      />
      <SecretModal created={created} onClose={() => setCreated(null)} />
      <RevokeModal apiKey={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}

interface ListProps {
  keys: ApiKey[];
  onRevoke: (key: ApiKey) => void;
}

function KeyTable({ keys, onRevoke }: ListProps) {
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

function KeyCards({ keys, onRevoke }: ListProps) {
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

function CreateKeyModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (key: NewApiKey) => void;
}) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const create = useMutation({
    mutationFn: () => api.post<NewApiKey>('/api/v1/api-keys', { name: name.trim(), scopes }),
    onSuccess: (key) => {
      void client.invalidateQueries({ queryKey: settingsKeys.apiKeys });
      setName('');
      setScopes(['read']);
      onCreated(key);
    },
  });
  const error = create.error instanceof ApiError ? create.error : null;
  const nameError = error?.fieldError('name');
  const scopesError =
    error?.fieldError('scopes') ?? error?.problem?.errors?.find((e) => e.field?.startsWith('scopes'))?.reason;
  const otherError = create.error && !nameError && !scopesError ? create.error.message : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const dismiss = () => {
    create.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={dismiss} title="Create an API key" centered>
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Name"
            description="What uses it, e.g. “Shopify sync”"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            data-autofocus
          />
          <Checkbox.Group
            label="Scopes"
            description="What the key may do"
            required
            value={scopes}
            onChange={(v) => setScopes(SCOPES.map((s) => s.value).filter((s) => v.includes(s)))}
            error={scopesError ?? (scopes.length === 0 ? 'Choose at least one scope' : undefined)}
          >
            <Stack gap="xs" mt="xs">
              {SCOPES.map((s) => (
                <Checkbox key={s.value} value={s.value} label={s.label} description={s.description} />
              ))}
            </Stack>
          </Checkbox.Group>
          {otherError && (
            <Alert color="red" role="alert" title="The key was not created">
              {otherError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss}>
              Cancel
            </Button>
            <Button
              type="submit"
              leftSection={<IconKey size={16} aria-hidden />}
              loading={create.isPending}
              disabled={!name.trim() || scopes.length === 0}
            >
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function SecretModal({ created, onClose }: { created: NewApiKey | null; onClose: () => void }) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title="Your new API key"
      centered
      closeOnClickOutside={false}
      size="lg"
    >
      {created && (
        <Stack>
          <Alert color="yellow" title="Copy it now: you will not see it again" role="alert">
            minicrm keeps only a hash of this key. If you lose it, revoke it and create another.
          </Alert>
          <Text size="sm">
            <Text span fw={600}>
              {created.name}
            </Text>{' '}
            · {created.scopes.join(', ')}
          </Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} data-testid="api-key-secret">
              {created.secret}
            </Code>
            <CopyButton value={created.secret} timeout={2000}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                  <ActionIcon
                    variant={copied ? 'filled' : 'light'}
                    color={copied ? 'teal' : 'gray'}
                    onClick={copy}
                    size="lg"
                    aria-label={copied ? 'Copied' : 'Copy the key'}
                  >
                    {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            Use it as <Code>Authorization: Bearer {created.prefix}…</Code>
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>I have copied it</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function RevokeModal({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/v1/api-keys/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: settingsKeys.apiKeys });
      notifications.show({ color: 'gray', title: 'Key revoked', message: `${apiKey?.name ?? 'The key'} no longer works.` });
      onClose();
    },
  });
  const dismiss = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Modal opened={apiKey !== null} onClose={dismiss} title="Revoke this key?" centered>
      {apiKey && (
        <Stack>
          <Text size="sm">
            <Text span fw={600}>
              {apiKey.name}
            </Text>{' '}
            (<Code>{apiKey.prefix}…</Code>) stops working at once: anything that uses it gets 401 from now on. This
            cannot be undone.
          </Text>
          {revoke.isError && (
            <Alert color="red" role="alert" title="Not revoked">
              {revoke.error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss}>
              Keep it
            </Button>
            <Button color="red" onClick={() => revoke.mutate(apiKey.id)} loading={revoke.isPending}>
              Revoke key
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
