// Which AI provider answers, and how to change it.

import { Badge, Code, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { providerLabel } from '../campaigns/model';
import { ErrorState, Loading } from '../States';
import { settingsKeys, type AiProvider as Provider } from './types';

const VARIABLES: [string, string][] = [
  ['MINICRM_AI_PROVIDER', 'local (default, offline), gemini, or openai (any OpenAI-compatible server)'],
  ['MINICRM_AI_API_KEY', 'the model API’s key (not needed for a local OpenAI-compatible server)'],
  ['MINICRM_AI_BASE_URL', 'the server to call, e.g. http://127.0.0.1:11434/v1 for Ollama'],
  ['MINICRM_AI_MODEL', 'the model (default gemini-2.0-flash or gpt-4o-mini)'],
  ['MINICRM_AI_TIMEOUT_SECS', 'how long to wait for the model before answering locally (default 20)'],
];

export function AiProvider() {
  const provider = useQuery({
    queryKey: settingsKeys.aiProvider,
    queryFn: () => api.get<Provider>('/api/v1/ai/provider'),
    staleTime: 60_000,
  });
  return (
    <Stack gap="md">
      {provider.isPending ? (
        <Loading label="Asking which provider answers" />
      ) : provider.isError ? (
        <ErrorState error={provider.error} retry={() => void provider.refetch()} />
      ) : (
        <Group gap="sm">
          <Text>In use:</Text>
          <Badge size="lg" variant="light">
            {providerLabel(provider.data.provider)}
          </Badge>
          {provider.data.model && (
            <Text size="sm">
              model <Code>{provider.data.model}</Code>
            </Text>
          )}
        </Group>
      )}
      <Text size="sm" maw={680}>
        The local provider is always there: it turns plain language into segment rules, writes message variants,
        summarises campaigns and recommends send times, offline. With a model configured, the model answers first;
        every answer is checked like any input, and anything unusable is answered locally (the answer then says why in{' '}
        <Code>fallback</Code>).
      </Text>
      <Text size="sm" maw={680}>
        The provider is set where minicrm runs, not here: set these environment variables (or the matching flags, see{' '}
        <Code>minicrm --help</Code>) and restart the server.
      </Text>
      <Stack gap="xs" component="dl" m={0}>
        {VARIABLES.map(([name, meaning]) => (
          <div key={name}>
            <Text component="dt" size="sm">
              <Code>{name}</Code>
            </Text>
            <Text component="dd" size="sm" c="dimmed" ml={0} mt={2}>
              {meaning}
            </Text>
          </div>
        ))}
      </Stack>
      <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {`MINICRM_AI_PROVIDER=gemini MINICRM_AI_API_KEY=… minicrm serve
MINICRM_AI_PROVIDER=openai MINICRM_AI_BASE_URL=http://127.0.0.1:11434/v1 MINICRM_AI_MODEL=llama3.1 minicrm serve`}</Code>
    </Stack>
  );
}
