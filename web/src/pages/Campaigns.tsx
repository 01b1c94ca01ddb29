import { Title } from '@mantine/core';

export function Campaigns() {
  return <Title order={1}>Campaigns</Title>;
}
