// The campaign history as a table, or as cards on a phone.

import { Anchor, Card, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Campaign } from '../../api/types';
import { dateTime, number, percent } from '../../lib/format';
import { channelLabel, sentTotal } from './model';
import { StatusBadge } from './StatusBadge';
import { useCompact } from './useCompact';

export function CampaignList({ campaigns }: { campaigns: Campaign[] }) {
  const compact = useCompact();
  return compact ? <CampaignCards campaigns={campaigns} /> : <CampaignTable campaigns={campaigns} />;
}

function CampaignLink({ campaign }: { campaign: Campaign }) {
  return (
    <Anchor component={Link} to={`/campaigns/${campaign.id}`} fw={600}>
      {campaign.name}
    </Anchor>
  );
}

function CampaignTable({ campaigns }: { campaigns: Campaign[] }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table aria-label="Campaigns, newest first" highlightOnHover tabularNums verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Channel</Table.Th>
            <Table.Th scope="col" ta="right">
              Audience
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Sent
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Delivered
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Failed
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Rate
            </Table.Th>
            <Table.Th scope="col">Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {campaigns.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <CampaignLink campaign={c} />
              </Table.Td>
              <Table.Td>
                <StatusBadge status={c.status} />
              </Table.Td>
              <Table.Td>{channelLabel(c.channel)}</Table.Td>
              <Table.Td ta="right">{number(c.stats.audience)}</Table.Td>
              <Table.Td ta="right">{number(sentTotal(c.stats))}</Table.Td>
              <Table.Td ta="right">{number(c.stats.delivered)}</Table.Td>
              <Table.Td ta="right">{number(c.stats.failed)}</Table.Td>
              <Table.Td ta="right">{percent(c.stats.delivery_rate)}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {dateTime(c.created_at)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function CampaignCards({ campaigns }: { campaigns: Campaign[] }) {
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Campaigns, newest first">
      {campaigns.map((c) => (
        <Card key={c.id} withBorder padding="sm" component="li">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <CampaignLink campaign={c} />
            <StatusBadge status={c.status} />
          </Group>
          <Text size="xs" c="dimmed" mt={2}>
            {channelLabel(c.channel)} · {dateTime(c.created_at)}
          </Text>
          <SimpleGrid cols={4} spacing="xs" mt="xs">
            <Figure label="Audience" value={number(c.stats.audience)} />
            <Figure label="Sent" value={number(sentTotal(c.stats))} />
            <Figure label="Failed" value={number(c.stats.failed)} />
            <Figure label="Rate" value={percent(c.stats.delivery_rate)} />
          </SimpleGrid>
        </Card>
      ))}
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600}>
        {value}
      </Text>
    </div>
  );
}
