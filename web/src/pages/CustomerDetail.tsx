import { Title } from '@mantine/core';

export function CustomerDetail() {
  return <Title order={1}>CustomerDetail</Title>;
}
