// The overview over time: new customers and orders, revenue, and delivered vs failed per day. Each chart
// is a card of its own so the page can lay them out beside the latest campaigns.

import { AreaChart, BarChart } from '@mantine/charts';
import { Card, Text, Title, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { money, number } from '../../lib/format';
import { compactRupees, type ChartDay, type Totals } from './shape';

interface ChartProps {
  days: ChartDay[];
  totals: Totals;
  period: number;
}

const X_AXIS = { minTickGap: 24 };

function ChartCard({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      {children}
      <VisuallyHidden>{summary}</VisuallyHidden>
    </Card>
  );
}

function Nothing({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed" py="xl" ta="center">
      {children}
    </Text>
  );
}

export function GrowthChart({ days, totals, period }: ChartProps) {
  return (
    <ChartCard
      title="New customers and orders per day"
      summary={`${number(totals.new_customers)} new customers and ${number(totals.orders)} orders in ${period} days.`}
    >
      {days.length === 0 ? (
        <Nothing>No new customers or orders in the last {period} days.</Nothing>
      ) : (
        <AreaChart
          h={240}
          data={days}
          dataKey="label"
          series={[
            { name: 'new_customers', label: 'New customers', color: 'indigo.6' },
            { name: 'orders', label: 'Orders', color: 'cyan.6' },
          ]}
          curveType="monotone"
          withLegend
          withDots={false}
          valueFormatter={(v) => number(v)}
          xAxisProps={X_AXIS}
        />
      )}
    </ChartCard>
  );
}

export function RevenueChart({ days, totals, period }: ChartProps) {
  return (
    <ChartCard title="Revenue per day" summary={`${money(totals.revenue)} in ${period} days.`}>
      {totals.revenue === 0 ? (
        <Nothing>No revenue in the last {period} days.</Nothing>
      ) : (
        <BarChart
          h={240}
          data={days}
          dataKey="label"
          series={[{ name: 'revenue', label: 'Revenue', color: 'teal.6' }]}
          valueFormatter={(v) => money(v)}
          yAxisProps={{ tickFormatter: (v: number) => compactRupees(v), width: 64 }}
          xAxisProps={X_AXIS}
        />
      )}
    </ChartCard>
  );
}

export function DeliveryChart({ days, totals, period }: ChartProps) {
  return (
    <ChartCard
      title="Messages delivered and failed per day"
      summary={`${number(totals.delivered)} delivered and ${number(totals.failed)} failed in ${period} days.`}
    >
      {totals.delivered + totals.failed === 0 ? (
        <Nothing>No message outcomes in the last {period} days.</Nothing>
      ) : (
        <BarChart
          h={240}
          data={days}
          dataKey="label"
          type="stacked"
          series={[
            { name: 'delivered', label: 'Delivered', color: 'teal.6' },
            { name: 'failed', label: 'Failed', color: 'red.6' },
          ]}
          withLegend
          valueFormatter={(v) => number(v)}
          xAxisProps={X_AXIS}
        />
      )}
    </ChartCard>
  );
}
