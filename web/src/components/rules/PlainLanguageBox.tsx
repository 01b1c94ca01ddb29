// Plain language → rules: a sentence goes to POST /api/v1/ai/segment-rules; the rules it answers fill
// the builder, and the box says what it understood, what it did not (prominently) and who answered.

import { Alert, Badge, Button, Group, List, Paper, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconSparkles } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { RuleGroup, Schemas } from '../../api/types';
import { ErrorState } from '../States';

export type RulesAnswer = Schemas['RulesAnswer'];

const EXAMPLE = "haven't shopped in 6 months and spent over ₹5K, from Mumbai or Pune";

export function PlainLanguageBox({ onRules }: { onRules: (rules: RuleGroup) => void }) {
  const [prompt, setPrompt] = useState('');
  const build = useMutation({
    mutationFn: (text: string) => api.post<RulesAnswer>('/api/v1/ai/segment-rules', { prompt: text }),
    onSuccess: (answer) => {
      if (answer.rules) onRules(answer.rules);
    },
  });
  const answer = build.data;
  const promptError = build.error instanceof ApiError ? build.error.fieldError('prompt') : undefined;
  return (
    <Paper withBorder p="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (prompt.trim()) build.mutate(prompt.trim());
        }}
      >
        <Stack gap="xs">
          <Textarea
            label="Describe the audience in plain language"
            description="The rules below are replaced by what is understood; you can adjust them after."
            placeholder={EXAMPLE}
            value={prompt}
            onChange={(e) => setPrompt(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            autosize
            minRows={1}
            maxRows={4}
            maxLength={1000}
            error={promptError}
          />
          <Group justify="space-between" wrap="wrap">
            <Button
              type="submit"
              leftSection={<IconSparkles size={16} aria-hidden />}
              loading={build.isPending}
              disabled={!prompt.trim()}
            >
              Build rules
            </Button>
            {answer && (
              <Group gap={6}>
                <Text size="xs" c="dimmed">
                  Answered by
                </Text>
                <Badge variant="light" size="sm">
                  {answer.provider}
                </Badge>
              </Group>
            )}
          </Group>
        </Stack>
      </form>
      {build.isError && !promptError && (
        <Stack mt="sm">
          <ErrorState error={build.error} />
        </Stack>
      )}
      {answer && (
        <Stack gap="xs" mt="sm" aria-live="polite">
          {answer.unrecognised.length > 0 && (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Not understood — check the rules">
              <Text size="sm">These parts of the sentence were left out of the rules:</Text>
              <List size="sm" mt={4}>
                {answer.unrecognised.map((part) => (
                  <List.Item key={part}>
                    <Text span fw={600}>
                      “{part}”
                    </Text>
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {!answer.rules && (
            <Alert color="red" variant="light" title="Nothing understood">
              No rule could be read from that sentence; the builder is unchanged.
            </Alert>
          )}
          {answer.explanation.length > 0 && (
            <div>
              <Text size="sm" fw={600}>
                Understood as
              </Text>
              <List size="sm" spacing={2}>
                {answer.explanation.map((line, i) => (
                  <List.Item key={i}>{line}</List.Item>
                ))}
              </List>
            </div>
          )}
          {answer.fallback && (
            <Text size="xs" c="dimmed">
              The configured model’s answer was not used: {answer.fallback}
            </Text>
          )}
        </Stack>
      )}
    </Paper>
  );
}
