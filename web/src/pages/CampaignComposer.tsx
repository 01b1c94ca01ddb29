import { Title } from '@mantine/core';

export function CampaignComposer() {
  return <Title order={1}>CampaignComposer</Title>;
}
