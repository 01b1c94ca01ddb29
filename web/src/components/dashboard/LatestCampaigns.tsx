// The five newest campaigns, with status and delivery rate, each linking to its detail.

import { Anchor, Card, Group, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { date, percent } from '../../lib/format';
import { campaignKeys, listCampaigns } from '../campaigns/api';
import { channelLabel, pollWhileActive } from '../campaigns/model';
import { StatusBadge } from '../campaigns/StatusBadge';
import { Empty, ErrorState, Loading } from '../States';

export function LatestCampaigns() {
  const latest = useQuery({
    queryKey: campaignKeys.list(null, 5),
    queryFn: () => listCampaigns({ limit: 5 }),
    refetchInterval: (query) => pollWhileActive(query.state.data?.items ?? []),
  });
  return (
    <Card withBorder padding="md" component="section" aria-label="Latest campaigns">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          Latest campaigns
        </Title>
        <Anchor component={Link} to="/campaigns" size="sm">
          All campaigns
        </Anchor>
      </Group>
      {latest.isPending ? (
        <Loading label="Loading campaigns" />
      ) : latest.isError ? (
        <ErrorState error={latest.error} retry={() => void latest.refetch()} />
      ) : latest.data.items.length === 0 ? (
        <Empty title="No campaigns yet">Campaigns you send show here with how they did.</Empty>
      ) : (
        <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {latest.data.items.map((c) => (
            <Group
              key={c.id}
              component="li"
              justify="space-between"
              wrap="nowrap"
              py="xs"
              style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
            >
              <div style={{ minWidth: 0 }}>
                <Anchor component={Link} to={`/campaigns/${c.id}`} fw={600} lineClamp={1}>
                  {c.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {channelLabel(c.channel)} · {date(c.created_at)}
                </Text>
              </div>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                  <VisuallyHidden>Delivery rate </VisuallyHidden>
                  {percent(c.stats.delivery_rate)}
                </Text>
                <StatusBadge status={c.status} />
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
