// The headline numbers: customers, orders, revenue, active campaigns, delivery rate.

import { Card, SimpleGrid, Text } from '@mantine/core';
import { money, number, percent } from '../../lib/format';
import { toNumber, type Totals } from './shape';
import type { Overview } from './types';

interface Stat {
  label: string;
  value: string;
  exact?: string;
  note?: string;
}

export function StatCards({ overview, period, totals }: { overview: Overview; period: number; totals: Totals }) {
  const outcome = totals.delivered + totals.failed;
  const stats: Stat[] = [
    { label: 'Customers', value: number(overview.customers), note: `+${number(totals.new_customers)} in ${period} days` },
    { label: 'Orders', value: number(overview.orders), note: `${number(totals.orders)} in ${period} days` },
    {
      label: 'Revenue',
      // Whole rupees for the headline; the exact figure is in the card's title.
      value: money(Math.round(toNumber(overview.revenue))),
      exact: money(overview.revenue),
      note: `${money(Math.round(totals.revenue))} in ${period} days`,
    },
    { label: 'Active campaigns', value: number(overview.active_campaigns), note: 'scheduled or running' },
    {
      label: 'Delivery rate',
      value: percent(overview.delivery_rate),
      note: outcome > 0 ? `${number(outcome)} outcomes in ${period} days` : 'no outcomes in this period',
    },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {stats.map((s) => (
        <Card
          key={s.label}
          withBorder
          padding="sm"
          component="li"
          title={s.exact}
        >
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {s.label}
          </Text>
          <Text fz={{ base: 'lg', sm: 'xl' }} fw={700} style={{ fontVariantNumeric: 'tabular-nums', overflowWrap: 'anywhere' }}>
            {s.value}
          </Text>
          {s.note && (
            <Text size="xs" c="dimmed">
              {s.note}
            </Text>
          )}
        </Card>
      ))}
    </SimpleGrid>
  );
}
