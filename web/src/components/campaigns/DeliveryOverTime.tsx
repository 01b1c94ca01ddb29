// Sent, delivered and failed so far, over time: running totals the server counts from the whole log.

import { LineChart } from '@mantine/charts';
import { VisuallyHidden } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api/client';
import { number } from '../../lib/format';
import { Empty, ErrorState, Loading } from '../States';
import { campaignKeys } from './api';
import { timelinePoints, type ServerTimeline } from './model';

export function DeliveryOverTime({ id, phase, active }: { id: string; phase: string; active: boolean }) {
  const timeline = useQuery({
    queryKey: campaignKeys.timeline(id, phase),
    queryFn: () => api.get<ServerTimeline>(`/api/v1/campaigns/${encodeURIComponent(id)}/timeline`),
    placeholderData: keepPreviousData,
    refetchInterval: active ? 3000 : false,
  });
  const points = useMemo(() => (timeline.data ? timelinePoints(timeline.data) : []), [timeline.data]);

  if (timeline.isPending) return <Loading label="Loading delivery over time" />;
  if (timeline.isError) return <ErrorState error={timeline.error} retry={() => void timeline.refetch()} />;
  if (points.length === 0) return <Empty title="Nothing sent yet">Delivery over time shows once messages go out.</Empty>;

  const last = points[points.length - 1];
  return (
    <>
      <LineChart
        h={240}
        data={points}
        dataKey="label"
        series={[
          { name: 'sent', label: 'Sent', color: 'indigo.6' },
          { name: 'delivered', label: 'Delivered', color: 'teal.6' },
          { name: 'failed', label: 'Failed', color: 'red.6' },
        ]}
        curveType="monotone"
        withDots={false}
        withLegend
        valueFormatter={(v) => number(v)}
      />
      <VisuallyHidden>
        {`So far ${number(last?.sent)} sent, ${number(last?.delivered)} delivered and ${number(last?.failed)} failed.`}
      </VisuallyHidden>
    </>
  );
}
