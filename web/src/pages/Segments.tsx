import { Title } from '@mantine/core';

export function Segments() {
  return <Title order={1}>Segments</Title>;
}
