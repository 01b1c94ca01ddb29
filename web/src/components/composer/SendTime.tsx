// When to send: now, at a chosen time in the viewer's zone, or at one of the slots recommended from the
// audience's own ordering week (POST /api/v1/ai/send-time), shown with its heatmap and confidence.

import { Badge, Group, Progress, Radio, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { RuleGroup } from '../../api/types';
import { dateTime, number, percent } from '../../lib/format';
import { ErrorState, Loading } from '../States';
import { DAYS, Heatmap, hourLabel } from './Heatmap';
import { dayIndex, type SendTimeAnswer, viewerZone, type When } from './schedule';

export type SendTimeAudience = { segment_id: string } | { rules: RuleGroup } | null;

export interface SendTimeProps {
  audience: SendTimeAudience;
  value: When;
  onChange: (when: When) => void;
  error?: string;
}

export function SendTime({ audience, value, onChange, error }: SendTimeProps) {
  const key = audience ? JSON.stringify(audience) : '';
  const advice = useQuery({
    queryKey: ['send-time', key],
    queryFn: () => api.post<SendTimeAnswer>('/api/v1/ai/send-time', audience),
    enabled: value.mode === 'recommended' && audience !== null,
    staleTime: 5 * 60_000,
  });
  const zone = viewerZone();
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label="When to send"
        value={value.mode}
        onChange={(mode) => onChange({ ...value, mode })}
        data={[
          { value: 'now', label: 'Now' },
          { value: 'at', label: 'At a time' },
          { value: 'recommended', label: 'Recommended' },
        ]}
        fullWidth
      />
      {value.mode === 'now' && (
        <Text size="sm" c="dimmed">
          The campaign starts as soon as it is launched.
        </Text>
      )}
      {value.mode === 'at' && (
        <DateTimePicker
          label="Send at"
          description={`In your time zone (${zone}).`}
          placeholder="Pick a date and time"
          value={value.at}
          onChange={(at) => onChange({ ...value, at })}
          minDate={new Date()}
          valueFormat="D MMM YYYY, HH:mm"
          clearable
          error={error}
          maw={340}
        />
      )}
      {value.mode === 'recommended' &&
        (audience === null ? (
          <Text size="sm" c="dimmed">
            Choose the audience first: the recommendation comes from when it orders.
          </Text>
        ) : advice.isLoading ? (
          <Loading label="Reading when this audience orders" />
        ) : advice.isError ? (
          <ErrorState error={advice.error} retry={() => void advice.refetch()} />
        ) : advice.data ? (
          <Recommendation answer={advice.data} value={value} onChange={onChange} error={error} />
        ) : null)}
    </Stack>
  );
}

function Recommendation({ answer, value, onChange, error }: { answer: SendTimeAnswer; value: When; onChange: (w: When) => void; error?: string }) {
  const zone = answer.timezone ?? 'Asia/Kolkata';
  const marked = answer.recommended.map((s) => ({ day: dayIndex(s.day), hour: s.hour }));
  return (
    <Stack gap="sm">
      <Text size="sm">{answer.explanation}</Text>
      <Group gap="md" wrap="wrap">
        <div style={{ minWidth: 180, flex: '1 1 180px' }}>
          <Group justify="space-between" mb={2}>
            <Text size="xs" c="dimmed" id="send-time-confidence">
              Confidence
            </Text>
            <Text size="xs" fw={600}>
              {percent(answer.confidence)}
            </Text>
          </Group>
          <Progress
            value={answer.confidence * 100}
            color={answer.confidence >= 0.6 ? 'green' : answer.confidence >= 0.3 ? 'yellow' : 'red'}
            aria-labelledby="send-time-confidence"
          />
        </div>
        <Badge variant="light" color={answer.basis === 'audience' ? 'indigo' : 'gray'}>
          {answer.basis === 'audience' ? 'From this audience’s orders' : 'From all customers’ orders'}
        </Badge>
        <Text size="xs" c="dimmed">
          {number(answer.orders)} orders in the last year
        </Text>
      </Group>
      <Heatmap histogram={answer.histogram} timezone={zone} marked={marked} />
      {answer.recommended.length === 0 ? (
        <Text size="sm" c="dimmed">
          No slot stands out yet; pick a time instead.
        </Text>
      ) : (
        <Radio.Group
          label="Send at a recommended slot"
          value={value.slot}
          onChange={(slot) => onChange({ ...value, slot })}
          error={error}
        >
          <SimpleGrid cols={{ base: 1, sm: 3 }} mt="xs" spacing="xs">
            {answer.recommended.map((slot) => (
              <Radio.Card key={slot.next_at} value={slot.next_at} p="sm" radius="md">
                <Group wrap="nowrap" align="flex-start" gap="xs">
                  <Radio.Indicator />
                  <div>
                    <Text fw={600} size="sm">
                      {DAYS[dayIndex(slot.day)] ?? slot.day}, {hourLabel(slot.hour)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {percent(slot.share)} of orders · {zone}
                    </Text>
                    <Text size="xs">Next: {dateTime(slot.next_at)}</Text>
                  </div>
                </Group>
              </Radio.Card>
            ))}
          </SimpleGrid>
        </Radio.Group>
      )}
    </Stack>
  );
}
