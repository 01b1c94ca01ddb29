// The message: a textarea with buttons that put personalisation tokens at the caret, a character
// counter (an SMS is one 160-character message), and for e-mail a subject.

import { Button, Group, Skeleton, Stack, Text, Textarea, TextInput, Tooltip } from '@mantine/core';
import { IconBraces } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { api } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorState } from '../States';
import { insertToken, SMS_LIMIT, TEMPLATE_LIMIT } from './template';

export type Channel = Schemas['Channel'];

export function useTemplateVariables() {
  return useQuery({
    queryKey: ['campaign-variables'],
    queryFn: () => api.get<Schemas['VariablesOut']>('/api/v1/campaigns/variables'),
    staleTime: 60 * 60_000,
  });
}

export interface MessageEditorProps {
  channel: Channel;
  message: string;
  onMessage: (message: string) => void;
  subject: string;
  onSubject: (subject: string) => void;
  /** Characters of the message as the preview customer gets it. */
  renderedLength: number | null;
  messageError?: string;
  subjectError?: string;
}

export function MessageEditor({ channel, message, onMessage, subject, onSubject, renderedLength, messageError, subjectError }: MessageEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const variables = useTemplateVariables();

  const insert = (name: string) => {
    const el = area.current;
    const start = el?.selectionStart ?? message.length;
    const end = el?.selectionEnd ?? message.length;
    const next = insertToken(message, start, end, name);
    onMessage(next.text);
    requestAnimationFrame(() => {
      if (!area.current) return;
      area.current.focus();
      area.current.setSelectionRange(next.selection[0], next.selection[1]);
    });
  };

  const sms = channel === 'sms';
  const over = sms && renderedLength !== null && renderedLength > SMS_LIMIT;
  return (
    <Stack gap="xs">
      {channel === 'email' && (
        <TextInput
          label="Subject"
          required
          maxLength={200}
          value={subject}
          onChange={(e) => onSubject(e.currentTarget.value)}
          error={subjectError}
        />
      )}
      <div>
        <Text size="sm" fw={500} id="token-buttons-label">
          Personalise
        </Text>
        {variables.isLoading ? (
          <Skeleton h={28} mt={4} />
        ) : variables.isError ? (
          <ErrorState error={variables.error} retry={() => void variables.refetch()} />
        ) : (
          <Group gap={6} mt={4} role="group" aria-labelledby="token-buttons-label">
            {(variables.data?.variables ?? []).map((v) => (
              <Tooltip key={v.name} label={`${v.description} (e.g. ${v.example})`} withinPortal>
                <Button
                  size="compact-xs"
                  variant="light"
                  leftSection={<IconBraces size={12} aria-hidden />}
                  onClick={() => insert(v.name)}
                  aria-label={`Insert ${v.name.replace(/_/g, ' ')}`}
                >
                  {v.name}
                </Button>
              </Tooltip>
            ))}
          </Group>
        )}
      </div>
      <Textarea
        ref={area}
        label="Message"
        required
        description="Liquid template: {{first_name | default: &quot;there&quot;}} is replaced for each customer."
        value={message}
        onChange={(e) => onMessage(e.currentTarget.value)}
        autosize
        minRows={4}
        maxRows={12}
        maxLength={TEMPLATE_LIMIT}
        error={messageError}
      />
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          Template: {message.length} / {TEMPLATE_LIMIT} characters
        </Text>
        {renderedLength !== null && (
          <Text size="xs" c={over ? 'red' : 'dimmed'} fw={over ? 600 : undefined} aria-live="polite">
            {sms
              ? `Preview: ${renderedLength} / ${SMS_LIMIT} characters${over ? ' — longer than one SMS' : ''}`
              : `Preview: ${renderedLength} characters`}
          </Text>
        )}
      </Group>
    </Stack>
  );
}
