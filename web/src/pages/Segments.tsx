// Saved segments: what each selects, how many it counted last and when, who made it; open, use in a
// campaign, or delete (after a confirmation).

import { ActionIcon, Anchor, Button, Group, Menu, Modal, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconPencil, IconPlus, IconSend, IconTrash } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Page, Segment } from '../api/types';
import { useSession } from '../auth/session';
import { Empty, ErrorState, Loading, LoadMore } from '../components/States';
import { dateTime, number } from '../lib/format';

export function Segments() {
  const { can } = useSession();
  const writable = can('write');
  const client = useQueryClient();
  const [doomed, setDoomed] = useState<Segment | null>(null);
  const list = useInfiniteQuery({
    queryKey: ['segments', 'list'],
    queryFn: ({ pageParam }) =>
      api.get<Page<Segment>>(`/api/v1/segments?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const remove = useMutation({
    mutationFn: (segment: Segment) => api.delete<void>(`/api/v1/segments/${encodeURIComponent(segment.id)}`),
    onSuccess: (_, segment) => {
      setDoomed(null);
      notifications.show({ color: 'green', title: 'Segment deleted', message: segment.name });
      void client.invalidateQueries({ queryKey: ['segments'] });
    },
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const close = () => {
    setDoomed(null);
    remove.reset();
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          Segments
        </Title>
        {writable && (
          <Button component={Link} to="/segments/new" leftSection={<IconPlus size={16} aria-hidden />}>
            New segment
          </Button>
        )}
      </Group>
      {list.isLoading && <Loading label="Loading segments" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.isSuccess && rows.length === 0 && (
        <Empty title="No segments yet">
          {writable
            ? 'A segment is a saved audience: build one from rules or a sentence, then use it in campaigns.'
            : 'Nobody has saved a segment yet.'}
        </Empty>
      )}
      {rows.length > 0 && (
        <Stack gap="xs" hiddenFrom="sm">
          {rows.map((s) => (
            <Paper withBorder p="sm" key={s.id}>
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <div style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/segments/${encodeURIComponent(s.id)}`} fw={600}>
                    {s.name}
                  </Anchor>
                  {s.description && (
                    <Text size="sm" c="dimmed" lineClamp={2}>
                      {s.description}
                    </Text>
                  )}
                  <Text size="sm" mt={4}>
                    <Text span fw={600}>
                      {number(s.last_count)}
                    </Text>{' '}
                    customers · counted {dateTime(s.last_count_at)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    by {s.created_by}
                  </Text>
                </div>
                <SegmentActions segment={s} writable={writable} onDelete={setDoomed} />
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
      {rows.length > 0 && (
        <Paper withBorder visibleFrom="sm">
          <Table.ScrollContainer minWidth={680}>
            <Table striped highlightOnHover verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Segment</Table.Th>
                  <Table.Th ta="right">Last count</Table.Th>
                  <Table.Th>Counted</Table.Th>
                  <Table.Th>Created by</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td maw={360}>
                      <Anchor component={Link} to={`/segments/${encodeURIComponent(s.id)}`} fw={600}>
                        {s.name}
                      </Anchor>
                      {s.description && (
                        <Text size="sm" c="dimmed" lineClamp={2}>
                          {s.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {number(s.last_count)}
                    </Table.Td>
                    <Table.Td>{dateTime(s.last_count_at)}</Table.Td>
                    <Table.Td>{s.created_by}</Table.Td>
                    <Table.Td ta="right">
                      <SegmentActions segment={s} writable={writable} onDelete={setDoomed} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <LoadMore query={list} />
      <Modal opened={doomed !== null} onClose={close} title="Delete this segment?" centered>
        <Stack>
          <Text size="sm">
            <Text span fw={600}>
              {doomed?.name}
            </Text>{' '}
            will be deleted. Campaigns already sent keep their audience; a segment used by a campaign cannot be deleted.
          </Text>
          {remove.isError && <ErrorState error={remove.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Keep it
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => doomed && remove.mutate(doomed)} data-autofocus>
              Delete segment
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function SegmentActions({ segment, writable, onDelete }: { segment: Segment; writable: boolean; onDelete: (s: Segment) => void }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={`Actions for ${segment.name}`}>
          <IconDots size={18} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to={`/segments/${encodeURIComponent(segment.id)}`} leftSection={<IconPencil size={16} aria-hidden />}>
          {writable ? 'Open and edit' : 'Open'}
        </Menu.Item>
        {writable && (
          <Menu.Item
            component={Link}
            to={`/campaigns/new?segment=${encodeURIComponent(segment.id)}`}
            leftSection={<IconSend size={16} aria-hidden />}
          >
            Use in a campaign
          </Menu.Item>
        )}
        {writable && (
          <Menu.Item color="red" leftSection={<IconTrash size={16} aria-hidden />} onClick={() => onDelete(segment)}>
            Delete…
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
