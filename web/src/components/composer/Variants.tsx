// AI message variants: three angles for the objective, channel and tone (POST /api/v1/ai/messages);
// "Use this" puts one in the editor.

import { Autocomplete, Badge, Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconSparkles } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client';
import type { RuleGroup, Schemas } from '../../api/types';
import { ErrorState } from '../States';
import type { Channel } from './MessageEditor';
import { SMS_LIMIT } from './template';

export type Variant = Schemas['Variant'];
export type MessagesAnswer = Schemas['MessagesAnswer'];

export const OBJECTIVES = ['win-back', 'new arrivals', 'festive sale', 'loyalty reward', 'cart reminder', 're-engagement', 'welcome'];
export const TONES = ['friendly', 'urgent', 'premium', 'playful'];

export interface VariantsProps {
  objective: string;
  tone: string;
  onTone: (tone: string) => void;
  channel: Channel;
  /** The audience's rules, so that the copy can follow them (its city, its spend); null when unknown. */
  rules: RuleGroup | null;
  onUse: (variant: Variant) => void;
}

export function Variants({ objective, tone, onTone, channel, rules, onUse }: VariantsProps) {
  const write = useMutation({
    mutationFn: (body: { objective: string; channel: Channel; tone?: string; rules?: RuleGroup }) =>
      api.post<MessagesAnswer>('/api/v1/ai/messages', body),
  });
  const answer = write.data;
  const answeredFor = write.variables?.channel;
  const ask = () =>
    write.mutate({
      objective: objective.trim(),
      channel,
      ...(tone.trim() ? { tone: tone.trim() } : {}),
      ...(rules ? { rules } : {}),
    });
  const objectiveError = write.error instanceof ApiError ? write.error.fieldError('objective') : undefined;
  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Autocomplete
          label="Tone"
          description="Optional"
          placeholder="friendly"
          data={TONES}
          value={tone}
          onChange={onTone}
          maxLength={40}
          w={180}
        />
        <Button
          leftSection={<IconSparkles size={16} aria-hidden />}
          onClick={ask}
          loading={write.isPending}
          disabled={!objective.trim()}
          variant="light"
        >
          Write three variants
        </Button>
        {!objective.trim() && (
          <Text size="xs" c="dimmed">
            Give the campaign an objective first.
          </Text>
        )}
      </Group>
      {objectiveError && (
        <Text size="sm" c="red">
          {objectiveError}
        </Text>
      )}
      {write.isError && !objectiveError && <ErrorState error={write.error} retry={ask} />}
      {answer && (
        <Stack gap="xs">
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              Written by
            </Text>
            <Badge size="sm" variant="light">
              {answer.provider}
            </Badge>
            {answeredFor && answeredFor !== channel && (
              <Text size="xs" c="orange">
                for {answeredFor === 'email' ? 'e-mail' : answeredFor}, not the channel now chosen
              </Text>
            )}
          </Group>
          {answer.fallback && (
            <Text size="xs" c="dimmed">
              The configured model’s answer was not used: {answer.fallback}
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
            {answer.variants.map((v, i) => (
              <Card key={`${v.angle}-${i}`} withBorder padding="sm" radius="md" component="article" aria-label={`${v.angle} variant`}>
                <Stack gap={6} h="100%">
                  <Badge variant="light" style={{ alignSelf: 'flex-start' }}>
                    {v.angle}
                  </Badge>
                  {v.subject && (
                    <Text size="sm" fw={600}>
                      {v.subject}
                    </Text>
                  )}
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', flex: 1 }}>
                    {v.message}
                  </Text>
                  <Text size="xs" c={answeredFor === 'sms' && v.max_chars > SMS_LIMIT ? 'red' : 'dimmed'}>
                    Up to {v.max_chars} characters
                  </Text>
                  <Button size="xs" onClick={() => onUse(v)} aria-label={`Use the ${v.angle} variant`}>
                    Use this
                  </Button>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Stack>
  );
}
