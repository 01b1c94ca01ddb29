// Creating an API key: its name and scopes; the server's objections shown on the field they concern.

import { Alert, Button, Checkbox, Group, Modal, Stack, TextInput } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import { SCOPES, settingsKeys, type NewApiKey, type Scope } from './types';

export function CreateKeyModal({
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
