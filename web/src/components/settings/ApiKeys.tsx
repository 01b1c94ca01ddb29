// API keys (admins): the list (each key answers to the person who made it: suspended while they are
// disabled, and limited to what their role allows), creating one (its secret shown once), revoking one.

import { Button, Code, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { useCompact } from '../campaigns/useCompact';
import { Empty, ErrorState, Loading } from '../States';
import { CreateKeyModal } from './CreateKeyModal';
import { KeyCards, KeyTable } from './KeyList';
import { RevokeModal } from './RevokeModal';
import { SecretModal } from './SecretModal';
import { settingsKeys, type ApiKey, type NewApiKey } from './types';

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
