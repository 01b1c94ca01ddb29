// The AI performance summary: the text, the slices that did notably better or worse, and who wrote it.

import { Alert, Badge, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconSparkles } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { number, percent } from '../../lib/format';
import { ErrorState, Loading } from '../States';
import { campaignKeys, getSummary } from './api';
import { providerLabel } from './model';
import type { NotableSlice } from './types';

export function SummaryPanel({ id, phase, active }: { id: string; phase: string; active: boolean }) {
  const summary = useQuery({
    queryKey: campaignKeys.summary(id, phase),
    queryFn: () => getSummary(id),
    placeholderData: keepPreviousData,
    refetchInterval: active ? 10_000 : false,
  });
  if (summary.isPending) return <Loading label="Summarising" />;
  if (summary.isError) return <ErrorState error={summary.error} retry={() => void summary.refetch()} />;
  const { text, facts, provider, fallback } = summary.data;
  return (
    <Stack gap="sm">
      <Text style={{ whiteSpace: 'pre-line' }}>{text}</Text>
      <Group gap="xs">
        <IconSparkles size={16} aria-hidden />
        <Text size="xs" c="dimmed">
          Written by
        </Text>
        <Badge variant="outline" size="sm">
          {providerLabel(provider)}
        </Badge>
      </Group>
      {fallback && (
        <Alert color="yellow" variant="light" title="The model's answer was set aside" p="xs">
          <Text size="xs">{fallback}</Text>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <Slices title="Did notably better" slices={facts.better} color="teal" />
        <Slices title="Did notably worse" slices={facts.worse} color="red" />
      </SimpleGrid>
      {facts.earlier && (
        <Text size="sm" c="dimmed">
          The {number(facts.earlier.campaigns)} campaigns before it delivered {percent(facts.earlier.rate, false)} (
          {facts.earlier.difference >= 0 ? '+' : ''}
          {facts.earlier.difference.toFixed(1)} points for this one).
        </Text>
      )}
    </Stack>
  );
}

function Slices({ title, slices, color }: { title: string; slices: NotableSlice[]; color: string }) {
  return (
    <div>
      <Title order={4} size="h6" mb={4}>
        {title}
      </Title>
      {slices.length === 0 ? (
        <Text size="sm" c="dimmed">
          No slice stands out.
        </Text>
      ) : (
        <List size="sm" spacing={4}>
          {slices.map((s) => (
            <List.Item key={`${s.dimension}:${s.key}`}>
              <Text span size="sm" fw={500}>
                {s.label}
              </Text>{' '}
              <Text span size="sm" c={color} fw={600}>
                {percent(s.rate, false)}
              </Text>{' '}
              <Text span size="xs" c="dimmed">
                vs {percent(s.rest_rate, false)} for the rest · {number(s.recipients)} recipients
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </div>
  );
}
