// The communication log of a campaign: a status filter and "Load more" paging; a table, or cards on
// a phone.

import { Anchor, Card, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Empty, ErrorState, Loading, LoadMore } from '../States';
import { campaignKeys, listMessages } from './api';
import { preciseTime as dateTime, reasonLabel } from './model';
import { StatusBadge } from './StatusBadge';
import { MESSAGE_STATUSES, type MessageRow, type MessageStatus } from './types';
import { useCompact } from './useCompact';

const LOG_PAGE_SIZE = 50;

const OPTIONS = [
  { value: 'all', label: 'All messages' },
  ...MESSAGE_STATUSES.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) })),
];

export function MessageLog({ id, phase, active }: { id: string; phase: string; active: boolean }) {
  const [status, setStatus] = useState<MessageStatus | null>(null);
  const compact = useCompact();
  const log = useInfiniteQuery({
    queryKey: campaignKeys.log(id, phase, status),
    queryFn: ({ pageParam }) => listMessages(id, { limit: LOG_PAGE_SIZE, cursor: pageParam, status }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: active ? 5000 : false,
  });
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const { error, fetchNextPage, isFetchNextPageError } = log;

  return (
    <Stack gap="sm">
      <Select
        label="Message status"
        data={OPTIONS}
        value={status ?? 'all'}
        onChange={(v) => setStatus(MESSAGE_STATUSES.find((s) => s === v) ?? null)}
        allowDeselect={false}
        maw={240}
      />
      {log.isPending ? (
        <Loading label="Loading messages" />
      ) : log.isError ? (
        <ErrorState error={log.error} retry={() => void log.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title={status ? `No ${status} messages` : 'No messages yet'}>
          {status ? 'Try another status.' : 'Messages appear here once the audience is fixed and sending starts.'}
        </Empty>
      ) : (
        <>
          {compact ? <LogCards rows={rows} /> : <LogTable rows={rows} />}
          <LoadMore query={log} label="Load more messages" />
          {isFetchNextPageError && <ErrorState error={error} retry={() => void fetchNextPage()} />}
        </>
      )}
    </Stack>
  );
}

function CustomerLink({ row }: { row: MessageRow }) {
  return (
    <Anchor component={Link} to={`/customers/${encodeURIComponent(row.customer_external_id)}`} size="sm" fw={500}>
      {row.customer_external_id}
    </Anchor>
  );
}

function Outcome({ row }: { row: MessageRow }) {
  if (row.delivered_at) return <>{dateTime(row.delivered_at)}</>;
  if (row.failed_at) return <>{dateTime(row.failed_at)}</>;
  return <>—</>;
}

function LogTable({ rows }: { rows: MessageRow[] }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table aria-label="Messages in the order they were queued" verticalSpacing="xs" fz="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Customer</Table.Th>
            <Table.Th scope="col">Message</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Failure reason</Table.Th>
            <Table.Th scope="col">Sent</Table.Th>
            <Table.Th scope="col">Delivered / failed</Table.Th>
            <Table.Th scope="col">Vendor id</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <CustomerLink row={r} />
                {r.recipient && (
                  <Text size="xs" c="dimmed">
                    {r.recipient}
                  </Text>
                )}
              </Table.Td>
              <Table.Td maw={320}>
                <Text size="sm" lineClamp={2} title={r.message}>
                  {r.message}
                </Text>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={r.status} kind="message" />
              </Table.Td>
              <Table.Td>{r.failure_reason ? reasonLabel(r.failure_reason) : '—'}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(r.sent_at)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Outcome row={r} />
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {r.vendor_message_id ?? '—'}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function LogCards({ rows }: { rows: MessageRow[] }) {
  return (
    <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Messages">
      {rows.map((r) => (
        <Card key={r.id} withBorder padding="xs" component="li">
          <Group justify="space-between" wrap="nowrap">
            <CustomerLink row={r} />
            <StatusBadge status={r.status} kind="message" />
          </Group>
          <Text size="sm" lineClamp={3} mt={4}>
            {r.message}
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            Sent {dateTime(r.sent_at)}
            {r.delivered_at && ` · delivered ${dateTime(r.delivered_at)}`}
            {r.failed_at && !r.delivered_at && ` · failed ${dateTime(r.failed_at)}`}
          </Text>
          {r.failure_reason && (
            <Text size="xs" c="red">
              {reasonLabel(r.failure_reason)}
            </Text>
          )}
        </Card>
      ))}
    </Stack>
  );
}
