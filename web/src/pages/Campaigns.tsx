// Campaign history, newest first: a status filter, "Load more" paging, and a self-refresh every 2 s
// while any campaign shown is scheduled or running.

import { Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { useSession } from '../auth/session';
import { campaignKeys, listCampaigns } from '../components/campaigns/api';
import { CampaignList } from '../components/campaigns/CampaignList';
import { pollWhileActive } from '../components/campaigns/model';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../components/campaigns/types';
import { Empty, ErrorState, Loading, LoadMore } from '../components/States';

const CAMPAIGNS_PAGE_SIZE = 25;

function asStatus(value: string | null): CampaignStatus | null {
  return CAMPAIGN_STATUSES.find((s) => s === value) ?? null;
}

const STATUS_OPTIONS = [
  { value: 'all', label: 'All statuses' },
  ...CAMPAIGN_STATUSES.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) })),
];

export function Campaigns() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const status = asStatus(params.get('status'));

  const campaigns = useInfiniteQuery({
    queryKey: campaignKeys.list(status, CAMPAIGNS_PAGE_SIZE),
    queryFn: ({ pageParam }) => listCampaigns({ limit: CAMPAIGNS_PAGE_SIZE, cursor: pageParam, status }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: (query) => pollWhileActive(query.state.data?.pages.flatMap((p) => p.items) ?? []),
  });

  const items = campaigns.data?.pages.flatMap((p) => p.items) ?? [];
  const { error, fetchNextPage, isFetchNextPageError } = campaigns;

  const setStatus = (value: string | null) => {
    const next = new URLSearchParams(params);
    if (!value || value === 'all') next.delete('status');
    else next.set('status', value);
    setParams(next, { replace: true });
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Title order={1}>Campaigns</Title>
          <Text c="dimmed" size="sm">
            Every campaign, newest first, with how its messages fared.
          </Text>
        </div>
        {can('write') && (
          <Button component={Link} to="/campaigns/new" leftSection={<IconPlus size={16} aria-hidden />}>
            New campaign
          </Button>
        )}
      </Group>

      <Select
        label="Status"
        data={STATUS_OPTIONS}
        value={status ?? 'all'}
        onChange={setStatus}
        allowDeselect={false}
        maw={240}
      />

      {campaigns.isPending ? (
        <Loading label="Loading campaigns" />
      ) : campaigns.isError ? (
        <ErrorState error={campaigns.error} retry={() => void campaigns.refetch()} />
      ) : items.length === 0 ? (
        <Empty title={status ? `No ${status} campaigns` : 'No campaigns yet'}>
          {status
            ? 'Try another status.'
            : can('write')
              ? 'Create one to send a message to a segment of your customers.'
              : 'Campaigns will show here once someone creates one.'}
        </Empty>
      ) : (
        <>
          <CampaignList campaigns={items} />
          <LoadMore query={campaigns} />
          {isFetchNextPageError && <ErrorState error={error} retry={() => void fetchNextPage()} />}
        </>
      )}
    </Stack>
  );
}
