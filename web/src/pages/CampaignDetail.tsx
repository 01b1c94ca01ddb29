import { Title } from '@mantine/core';

export function CampaignDetail() {
  return <Title order={1}>CampaignDetail</Title>;
}
