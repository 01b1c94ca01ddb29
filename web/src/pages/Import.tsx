import { Title } from '@mantine/core';

export function Import() {
  return <Title order={1}>Import</Title>;
}
