// Revoking an API key, after saying what that does: it stops working at once, for good.

import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { settingsKeys, type ApiKey } from './types';

export function RevokeModal({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
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
