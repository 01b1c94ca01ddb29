// The live audience of a rule tree: the count, large, and a few of the customers it selects.

import { Anchor, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { date, money, number } from '../../lib/format';
import { Empty, ErrorState } from '../States';
import type { AudiencePreview } from './hooks';

export interface AudiencePanelProps {
  data: AudiencePreview | null;
  error: unknown;
  pending: boolean;
  empty: boolean;
  retry?: () => void;
  /** Rules still being filled in, in words ("Rule 2 (City)"): the count waits for them. */
  unfinished?: string[];
  /** Heading above the count. */
  title?: string;
  /** How many of the sample customers to list. */
  sampleSize?: number;
}

/** True for a 422 that names rules: shown next to the builder instead. */
export function isRulesError(error: unknown): boolean {
  return error instanceof ApiError && error.status === 422;
}

export function AudiencePanel({ data, error, pending, empty, retry, unfinished = [], title = 'Audience', sampleSize = 10 }: AudiencePanelProps) {
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between" align="center">
          <Title order={2} size="h4">
            {title}
          </Title>
          {pending && <Loader size="xs" aria-label="Counting the audience" />}
        </Group>
        {!empty && unfinished.length > 0 && (
          <Text size="sm" c="dimmed" role="status">
            Finish {unfinished.join(', ')} to update the count{data ? '; this is the count before it' : ''}.
          </Text>
        )}
        {empty ? (
          <Empty title="No rules yet">Add a rule, or describe the audience in plain language, to see who it selects.</Empty>
        ) : error && isRulesError(error) ? (
          <Text size="sm" c="red" role="status">
            The rules need fixing before they can be counted (see the rules).
          </Text>
        ) : error ? (
          <ErrorState error={error} retry={retry} />
        ) : !data ? (
          unfinished.length > 0 ? null : (
            <Text size="sm" c="dimmed" role="status">
              Counting…
            </Text>
          )
        ) : (
          <>
            <div aria-live="polite" aria-atomic="true">
              <Text fz={40} fw={700} lh={1.1} style={{ opacity: pending ? 0.55 : 1 }} data-testid="audience-count">
                {number(data.count)}
              </Text>
              <Text size="sm" c="dimmed">
                {data.count === 1 ? 'customer matches' : 'customers match'} right now
              </Text>
            </div>
            {data.sample.length === 0 ? (
              <Empty title="Nobody matches">Loosen a rule to reach more customers.</Empty>
            ) : (
              <div>
                <Text size="sm" fw={600} mb={4}>
                  A sample
                </Text>
                <Table.ScrollContainer minWidth={0}>
                  <Table verticalSpacing={4} horizontalSpacing="xs" fz="sm" striped style={{ whiteSpace: 'nowrap' }}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>City</Table.Th>
                        <Table.Th ta="right">Spend</Table.Th>
                        <Table.Th ta="right">Orders</Table.Th>
                        <Table.Th>Last order</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.sample.slice(0, sampleSize).map((c) => (
                        <Table.Tr key={c.external_id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/customers/${encodeURIComponent(c.external_id)}`} size="sm">
                              {c.name}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>{c.city ?? '—'}</Table.Td>
                          <Table.Td ta="right">{money(c.total_spend)}</Table.Td>
                          <Table.Td ta="right">{number(c.order_count)}</Table.Td>
                          <Table.Td>{date(c.last_order_at)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </div>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
