import { Button, Center, Code, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Schemas } from '../api/types';
import { Loading } from '../components/States';

type AuthConfig = Schemas['AuthConfig'];

/** The sign-in page: the provider's button, or in local mode how to get a one-time link. */
export function SignIn() {
  const config = useQuery({ queryKey: ['auth-config'], queryFn: () => api.get<AuthConfig>('/auth/config') });
  const returnTo = window.location.pathname + window.location.search;
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" maw={440} w="100%">
        <Stack>
          <Title order={1} size="h2">
            minicrm
          </Title>
          {config.isLoading && <Loading label="Checking how to sign in" />}
          {config.data?.mode === 'oidc' && (
            <>
              <Text>Sign in with your work account to see customers and run campaigns.</Text>
              <Button component="a" href={`/auth/login?return_to=${encodeURIComponent(returnTo)}`} size="md">
                Sign in with {config.data.issuer?.includes('google') ? 'Google' : 'your provider'}
              </Button>
            </>
          )}
          {config.data?.mode === 'local' && (
            <>
              <Text>
                This minicrm runs in local mode. Open the one-time sign-in link the server printed when it started and
                press its Sign in button, or print a new link on the server:
              </Text>
              <Code block>minicrm login-link</Code>
              <Text size="sm" c="dimmed">
                Links work once, for 15 minutes. To let a team sign in, configure OpenID Connect
                (<Code>MINICRM_OIDC_CLIENT_ID</Code>, see the README).
              </Text>
            </>
          )}
          {config.isError && <Text c="red">The server could not be reached. Is minicrm running?</Text>}
        </Stack>
      </Paper>
    </Center>
  );
}
