// Customers: search by name, e-mail, phone or id; filter by city, spend and orders; page with a cursor.

import { Anchor, Group, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Customer, Page } from '../api/types';
import { Empty, ErrorState, Loading, LoadMore } from '../components/States';
import { date, money, number } from '../lib/format';

export interface CustomerFilters {
  q: string;
  city: string;
  minSpend: number | '';
  minOrders: number | '';
}

/** The list's query string for the filters that are set. */
export function customersQuery(filters: CustomerFilters, cursor: string | null, limit = 25): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.city.trim()) params.set('city', filters.city.trim());
  if (filters.minSpend !== '') params.set('min_spend', String(filters.minSpend));
  if (filters.minOrders !== '') params.set('min_orders', String(filters.minOrders));
  if (cursor) params.set('cursor', cursor);
  return `/api/v1/customers?${params.toString()}`;
}

export function Customers() {
  const [filters, setFilters] = useState<CustomerFilters>({ q: '', city: '', minSpend: '', minOrders: '' });
  const [debounced] = useDebouncedValue(filters, 300);
  const list = useInfiniteQuery({
    queryKey: ['customers', debounced],
    queryFn: ({ pageParam }) => api.get<Page<Customer>>(customersQuery(debounced, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (patch: Partial<CustomerFilters>) => setFilters((f) => ({ ...f, ...patch }));
  return (
    <Stack>
      <Title order={1} size="h2">
        Customers
      </Title>
      <Paper withBorder p="sm">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Name, e-mail, phone or id"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={filters.q}
            onChange={(e) => set({ q: e.currentTarget.value })}
            miw={220}
            style={{ flex: 1 }}
          />
          <TextInput label="City" value={filters.city} onChange={(e) => set({ city: e.currentTarget.value })} w={160} />
          <NumberInput
            label="Spent at least (₹)"
            value={filters.minSpend}
            min={0}
            thousandSeparator=","
            onChange={(v) => set({ minSpend: typeof v === 'number' ? v : '' })}
            w={170}
          />
          <NumberInput
            label="At least orders"
            value={filters.minOrders}
            min={0}
            onChange={(v) => set({ minOrders: typeof v === 'number' ? v : '' })}
            w={140}
          />
        </Group>
      </Paper>
      {list.isLoading && <Loading label="Finding customers" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.isSuccess && rows.length === 0 && (
        <Empty title="No customers match">Change the search or the filters, or import customers.</Empty>
      )}
      {rows.length > 0 && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>City</Table.Th>
                  <Table.Th ta="right">Total spend</Table.Th>
                  <Table.Th ta="right">Orders</Table.Th>
                  <Table.Th>Last order</Table.Th>
                  <Table.Th>Contact</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((c) => (
                  <Table.Tr key={c.external_id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${encodeURIComponent(c.external_id)}`}>
                        {c.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {c.external_id}
                      </Text>
                    </Table.Td>
                    <Table.Td>{c.city ?? '—'}</Table.Td>
                    <Table.Td ta="right">{money(c.total_spend)}</Table.Td>
                    <Table.Td ta="right">{number(c.order_count)}</Table.Td>
                    <Table.Td>{date(c.last_order_at)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{c.email ?? '—'}</Text>
                      <Text size="xs" c="dimmed">
                        {c.phone ?? ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <LoadMore query={list} />
    </Stack>
  );
}
