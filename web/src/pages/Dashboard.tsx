// The dashboard: headline numbers, the period's charts (7, 30 or 90 days) and the latest campaigns.

import { Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import { LatestCampaigns } from '../components/dashboard/LatestCampaigns';
import { DeliveryChart, GrowthChart, RevenueChart } from '../components/dashboard/OverviewCharts';
import { chartDays, totals } from '../components/dashboard/shape';
import { StatCards } from '../components/dashboard/StatCards';
import { PERIODS, type Overview, type Period } from '../components/dashboard/types';
import { ErrorState, Loading } from '../components/States';

function asPeriod(value: string): Period {
  return PERIODS.find((p) => String(p) === value) ?? 30;
}

export function Dashboard() {
  const [period, setPeriod] = useState<Period>(30);
  const overview = useQuery({
    queryKey: ['overview', period],
    queryFn: () => api.get<Overview>(`/api/v1/overview?days=${period}`),
    placeholderData: keepPreviousData,
  });
  const days = useMemo(
    () => (overview.data ? chartDays(overview.data.series, overview.data.campaigns) : []),
    [overview.data],
  );
  const sums = useMemo(() => totals(days), [days]);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Title order={1}>Dashboard</Title>
          <Text c="dimmed" size="sm">
            Customers, orders and campaign delivery over the last {period} days.
          </Text>
        </div>
        <SegmentedControl
          aria-label="Period"
          value={String(period)}
          onChange={(v) => setPeriod(asPeriod(v))}
          data={PERIODS.map((p) => ({ value: String(p), label: `${p} days` }))}
        />
      </Group>

      {overview.isPending ? (
        <Loading label="Loading the overview" />
      ) : overview.isError ? (
        <ErrorState
          error={
            overview.error instanceof ApiError && overview.error.status === 404
              ? new Error('The overview is unavailable: this server does not offer it yet. Campaigns are listed below.')
              : overview.error
          }
          retry={() => void overview.refetch()}
        />
      ) : (
        <StatCards overview={overview.data} period={period} totals={sums} />
      )}

      <SimpleGrid
        cols={overview.isSuccess ? { base: 1, lg: 2 } : 1}
        spacing="md"
        style={{ opacity: overview.isPlaceholderData ? 0.6 : 1 }}
        aria-busy={overview.isPlaceholderData}
      >
        {overview.isSuccess && (
          <>
            <GrowthChart days={days} totals={sums} period={period} />
            <RevenueChart days={days} totals={sums} period={period} />
            <DeliveryChart days={days} totals={sums} period={period} />
          </>
        )}
        <LatestCampaigns />
      </SimpleGrid>
    </Stack>
  );
}
