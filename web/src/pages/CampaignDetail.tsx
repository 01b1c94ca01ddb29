// One campaign: what it sends and when, the delivery funnel, delivery over time, failures by reason,
// the AI summary and the message log. It refreshes itself while the campaign is scheduled or running.

import { Anchor, Badge, Card, Code, Group, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconRefresh } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useSession } from '../auth/session';
import { campaignKeys, getCampaign } from '../components/campaigns/api';
import { CancelCampaign } from '../components/campaigns/CancelCampaign';
import { DeliveryFunnel } from '../components/campaigns/DeliveryFunnel';
import { DeliveryOverTime } from '../components/campaigns/DeliveryOverTime';
import { FailureReasons } from '../components/campaigns/FailureReasons';
import { MessageLog } from '../components/campaigns/MessageLog';
import { channelLabel, isActive } from '../components/campaigns/model';
import { StatusBadge } from '../components/campaigns/StatusBadge';
import { SummaryPanel } from '../components/campaigns/SummaryPanel';
import type { Campaign } from '../api/types';
import { ErrorState, Loading } from '../components/States';
import { dateTime } from '../lib/format';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function BackLink() {
  return (
    <Anchor component={Link} to="/campaigns" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} aria-hidden />
        All campaigns
      </Group>
    </Anchor>
  );
}

export function CampaignDetail() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const campaign = useQuery({
    queryKey: campaignKeys.detail(id),
    queryFn: () => getCampaign(id),
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.status) ? 2000 : false),
  });

  if (campaign.isPending) return <Loading label="Loading the campaign" />;
  if (campaign.isError)
    return (
      <Stack>
        <BackLink />
        <ErrorState
          error={
            campaign.error instanceof ApiError && campaign.error.status === 404
              ? new Error('There is no such campaign. It may have been created on another server.')
              : campaign.error
          }
          retry={() => void campaign.refetch()}
        />
      </Stack>
    );

  const c = campaign.data;
  const active = isActive(c.status);
  return (
    <Stack gap="md">
      <BackLink />
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={6}>
          <Title order={1} style={{ overflowWrap: 'anywhere' }}>
            {c.name}
          </Title>
          <Group gap="xs">
            <StatusBadge status={c.status} size="lg" />
            <Badge variant="outline" color="gray">
              {channelLabel(c.channel)}
            </Badge>
            {c.tags.map((t) => (
              <Badge key={t} variant="dot" color="gray" tt="none">
                {t}
              </Badge>
            ))}
            {active && (
              <Tooltip label="Refreshes every 2 seconds">
                <Group gap={4} c="dimmed" aria-label="Refreshing automatically" role="status">
                  <IconRefresh size={14} aria-hidden />
                  <Text size="xs">live</Text>
                </Group>
              </Tooltip>
            )}
          </Group>
        </Stack>
        {active && can('write') && <CancelCampaign id={c.id} name={c.name} />}
      </Group>

      {c.status === 'failed' && c.failure && (
        <Text c="red" size="sm" role="alert">
          The campaign failed: {c.failure}
        </Text>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Section title="Message">
          <MessageBody campaign={c} />
        </Section>
        <Section title="Schedule">
          <Schedule campaign={c} />
        </Section>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Section title="Delivery funnel">
          <DeliveryFunnel stats={c.stats} />
        </Section>
        <Section title="Delivery over time">
          <DeliveryOverTime id={c.id} phase={c.status} active={active} />
        </Section>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Section title="Failures by reason">
          <FailureReasons reasons={c.failures_by_reason ?? []} outcomes={c.stats.delivered + c.stats.failed} />
        </Section>
        <Section title="AI summary">
          <SummaryPanel id={c.id} phase={c.status} active={active} />
        </Section>
      </SimpleGrid>

      <Section title="Message log">
        <MessageLog id={c.id} phase={c.status} active={active} />
      </Section>
    </Stack>
  );
}

function MessageBody({ campaign }: { campaign: Campaign }) {
  return (
    <Stack gap="xs">
      {campaign.subject && (
        <Text size="sm">
          <Text span c="dimmed">
            Subject:{' '}
          </Text>
          {campaign.subject}
        </Text>
      )}
      <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {campaign.message}
      </Code>
      {campaign.objective && (
        <Text size="sm" c="dimmed">
          Objective: {campaign.objective}
        </Text>
      )}
    </Stack>
  );
}

function Schedule({ campaign }: { campaign: Campaign }) {
  const rows: [string, string | null | undefined][] = [
    ['Created', campaign.created_at],
    ['Send at', campaign.send_at],
    ['Started', campaign.started_at],
    ['Audience fixed', campaign.audience_fixed_at],
    ['Completed', campaign.completed_at],
    ['Cancelled', campaign.cancelled_at],
    ['Failed', campaign.failed_at],
  ];
  return (
    <Stack gap={4} component="dl" m={0}>
      {rows
        .filter(([label, value]) => value || label === 'Send at' || label === 'Created')
        .map(([label, value]) => (
          <Group key={label} justify="space-between" gap="xs" wrap="nowrap">
            <Text component="dt" size="sm" c="dimmed">
              {label}
            </Text>
            <Text component="dd" size="sm" m={0} ta="right">
              {dateTime(value)}
            </Text>
          </Group>
        ))}
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text component="dt" size="sm" c="dimmed">
          Created by
        </Text>
        <Text component="dd" size="sm" m={0} ta="right" style={{ overflowWrap: 'anywhere' }}>
          {campaign.created_by}
        </Text>
      </Group>
    </Stack>
  );
}
