// One customer: contact details and attributes, aggregates, recent orders and the messages sent to them.

import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Schemas } from '../api/types';
import { ErrorState, Loading, Empty } from '../components/States';
import { dateTime, date, money, number } from '../lib/format';

/** `GET /api/v1/customers/{id}`: the customer with their recent orders and the messages sent to them. */
type Detail = Schemas['CustomerDetail'];

const STATUS_COLOUR: Record<string, string> = {
  delivered: 'green',
  failed: 'red',
  sent: 'blue',
  queued: 'gray',
  sending: 'blue',
  cancelled: 'gray',
  completed: 'green',
  pending: 'yellow',
  refunded: 'orange',
};

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Card>
  );
}

export function CustomerDetail() {
  const { externalId = '' } = useParams();
  const detail = useQuery({
    queryKey: ['customer', externalId],
    queryFn: () => api.get<Detail>(`/api/v1/customers/${encodeURIComponent(externalId)}`),
  });
  if (detail.isLoading) return <Loading label="Loading the customer" />;
  if (detail.isError) return <ErrorState error={detail.error} retry={() => void detail.refetch()} />;
  const c = detail.data!;
  const attributes = Object.entries(c.attributes ?? {});
  return (
    <Stack>
      <div>
        <Anchor component={Link} to="/customers" size="sm">
          ← Customers
        </Anchor>
        <Title order={1} size="h2">
          {c.name}
        </Title>
        <Text c="dimmed" size="sm">
          {[c.external_id, c.email, c.phone, c.city].filter(Boolean).join(' · ')}
        </Text>
      </div>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label="Total spend" value={money(c.total_spend)} />
        <Stat label="Orders" value={number(c.order_count)} />
        <Stat label="Average order" value={money(c.avg_order_value)} />
        <Stat label="Last order" value={date(c.last_order_at)} />
      </SimpleGrid>
      <Group gap="xs">
        <Text size="sm">Customer since {date(c.created_at)}</Text>
        {attributes.map(([k, v]) => (
          <Badge key={k} variant="light">
            {k}: {String(v)}
          </Badge>
        ))}
      </Group>
      <Title order={2} size="h4">
        Recent orders
      </Title>
      {c.recent_orders.length === 0 ? (
        <Empty title="No orders yet" />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Order</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Items</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.recent_orders.map((o) => (
                <Table.Tr key={o.external_id}>
                  <Table.Td>{o.external_id}</Table.Td>
                  <Table.Td>{dateTime(o.ordered_at)}</Table.Td>
                  <Table.Td>{o.items.map((i) => `${i.quantity} × ${i.name}`).join(', ') || '—'}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOUR[o.status] ?? 'gray'} variant="light">
                      {o.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">{money(o.amount)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Title order={2} size="h4">
        Messages
      </Title>
      {c.messages.length === 0 ? (
        <Empty title="No campaign messages yet" />
      ) : (
        <Stack gap="xs">
          {c.messages.map((m) => (
            <Card key={m.id} withBorder padding="sm">
              <Group justify="space-between" wrap="nowrap">
                <Anchor component={Link} to={`/campaigns/${m.campaign_id}`} fw={600}>
                  {m.campaign_name}
                </Anchor>
                <Badge color={STATUS_COLOUR[m.status] ?? 'gray'} variant="light">
                  {m.status}
                </Badge>
              </Group>
              <Text size="sm">{m.message}</Text>
              <Text size="xs" c="dimmed">
                {dateTime(m.delivered_at ?? m.queued_at)}
                {m.failure_reason ? ` · ${m.failure_reason}` : ''}
              </Text>
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
