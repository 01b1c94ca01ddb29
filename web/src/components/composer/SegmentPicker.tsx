// Choosing the audience from the saved segments: the segment, what it is, when it was last counted, and
// a way to build one when there are none.

import { Anchor, Select, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { dateTime, number } from '../../lib/format';
import { ErrorState, Loading } from '../States';
import type { ErrorOf } from './draft';
import type { SegmentChoice } from './hooks';

export interface SegmentPickerProps {
  choice: SegmentChoice;
  segmentId: string | null;
  onChange: (id: string | null) => void;
  errorOf: ErrorOf;
}

export function SegmentPicker({ choice, segmentId, onChange, errorOf }: SegmentPickerProps) {
  const { segments, single, all, segment } = choice;
  if (segments.isLoading) return <Loading label="Loading segments" />;
  if (segments.isError) return <ErrorState error={segments.error} retry={() => void segments.refetch()} />;
  return (
    <Stack gap="xs">
      <Select
        label="Segment"
        placeholder={all.length ? 'Choose a saved segment' : 'No segments saved yet'}
        data={all.map((s) => ({ value: s.id, label: s.name }))}
        value={segmentId}
        onChange={onChange}
        searchable
        nothingFoundMessage="No segment by that name"
        error={errorOf('segment_id') ?? (single.isError ? 'That segment could not be found.' : undefined)}
      />
      {segment ? (
        <>
          {segment.description && (
            <Text size="sm" c="dimmed">
              {segment.description}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            Last counted {number(segment.last_count)} on {dateTime(segment.last_count_at)} ·{' '}
            <Anchor component={Link} to={`/segments/${encodeURIComponent(segment.id)}`} size="xs">
              Open the segment
            </Anchor>
          </Text>
        </>
      ) : (
        all.length === 0 && (
          <Text size="sm" c="dimmed">
            No saved segments yet:{' '}
            <Anchor component={Link} to="/segments/new">
              build one
            </Anchor>{' '}
            or use rules for this campaign.
          </Text>
        )
      )}
    </Stack>
  );
}
