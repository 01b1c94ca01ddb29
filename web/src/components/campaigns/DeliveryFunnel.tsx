// Audience → sent → delivered, with failed beside delivered: bars sized against the audience.

import { Group, Progress, Stack, Text } from '@mantine/core';
import type { Stats } from '../../api/types';
import { number, percent } from '../../lib/format';
import { funnel } from './model';

export function DeliveryFunnel({ stats }: { stats: Stats }) {
  const f = funnel(stats);
  return (
    <Stack gap="sm">
      {stats.audience === null && (
        <Text size="sm" c="dimmed">
          The audience is counted when sending starts.
        </Text>
      )}
      <Stack gap="xs" component="ol" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Delivery funnel">
        {f.steps.map((step) => (
          <li key={step.key}>
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text size="sm" fw={500}>
                {step.label}
              </Text>
              <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                <Text span fw={700}>
                  {number(step.value)}
                </Text>
                {step.key !== 'audience' && (
                  <Text span c="dimmed" size="xs">
                    {' '}
                    ({percent(step.ofAudience)} of audience)
                  </Text>
                )}
              </Text>
            </Group>
            <Progress
              value={(step.ofAudience ?? 0) * 100}
              color={step.color}
              size="lg"
              mt={4}
              aria-label={`${step.label}: ${number(step.value)}`}
            />
          </li>
        ))}
      </Stack>
      <Group gap="lg">
        <Text size="sm">
          Delivery rate{' '}
          <Text span fw={700}>
            {percent(f.rate)}
          </Text>
        </Text>
        {f.pending > 0 && (
          <Text size="sm" c="dimmed">
            {number(f.pending)} waiting for an outcome
          </Text>
        )}
        {f.cancelled > 0 && (
          <Text size="sm" c="dimmed">
            {number(f.cancelled)} cancelled before sending
          </Text>
        )}
      </Group>
    </Stack>
  );
}
