import { Title } from '@mantine/core';

export function SegmentEditor() {
  return <Title order={1}>SegmentEditor</Title>;
}
