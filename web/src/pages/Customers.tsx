import { Title } from '@mantine/core';

export function Customers() {
  return <Title order={1}>Customers</Title>;
}
