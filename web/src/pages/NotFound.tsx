import { Anchor, Stack, Title, Text } from '@mantine/core';
import { Link } from 'react-router-dom';

export function NotFound() {
  return (
    <Stack>
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text>
        There is nothing here. <Anchor component={Link} to="/">Back to the dashboard</Anchor>
      </Text>
    </Stack>
  );
}
