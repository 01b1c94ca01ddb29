import { Title } from '@mantine/core';

export function Dashboard() {
  return <Title order={1}>Dashboard</Title>;
}
