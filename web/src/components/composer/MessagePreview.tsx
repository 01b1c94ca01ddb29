// The message as one customer of the audience would get it, rendered here in the browser.

import { Alert, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { Channel } from './MessageEditor';
import type { Rendered } from './template';

export interface MessagePreviewProps {
  channel: Channel;
  subject: Rendered | null;
  body: Rendered;
  /** Who it is rendered for: a customer's name, or null for the variables' examples. */
  recipient: string | null;
}

export function MessagePreview({ channel, subject, body, recipient }: MessagePreviewProps) {
  const unknown = [...new Set([...(subject?.unknown ?? []), ...body.unknown])];
  return (
    <Paper withBorder p="sm" bg="gray.0" aria-label="Message preview" component="section">
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Text fw={600} size="sm">
            Preview
          </Text>
          <Badge variant="light" color="gray" size="sm" style={{ textTransform: 'none' }}>
            {recipient ? `for ${recipient}` : 'with example values'}
          </Badge>
        </Group>
        {channel === 'email' && (
          <Text size="sm">
            <Text span c="dimmed" size="sm">
              Subject:{' '}
            </Text>
            <Text span fw={600} size="sm" data-testid="preview-subject">
              {subject?.text || '—'}
            </Text>
          </Text>
        )}
        <Paper
          p="sm"
          radius="lg"
          bg={channel === 'whatsapp' ? 'green.0' : channel === 'sms' ? 'blue.0' : 'white'}
          withBorder={channel === 'email'}
          maw={channel === 'email' ? undefined : 360}
        >
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="preview-body">
            {body.text || (
              <Text span c="dimmed" size="sm">
                The message appears here as you write it.
              </Text>
            )}
          </Text>
        </Paper>
        {unknown.length > 0 && (
          <Alert color="red" variant="light" p="xs">
            <Text size="xs">
              Not a personalisation variable: {unknown.map((u) => `{{${u}}}`).join(', ')}. The campaign would be refused.
            </Text>
          </Alert>
        )}
        <Text size="xs" c="dimmed">
          A preview rendered in your browser; the server renders each customer’s own message when it sends.
        </Text>
      </Stack>
    </Paper>
  );
}
