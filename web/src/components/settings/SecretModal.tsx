// A new API key's secret, shown once (minicrm keeps only its hash), with a button to copy it.

import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { NewApiKey } from './types';

export function SecretModal({ created, onClose }: { created: NewApiKey | null; onClose: () => void }) {
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
