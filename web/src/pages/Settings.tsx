// Settings: API keys and people (admins), the AI provider, and the account.

import { Alert, Stack, Tabs, Title } from '@mantine/core';
import { IconInfoCircle, IconKey, IconSparkles, IconUser, IconUsers } from '@tabler/icons-react';
import { useSearchParams } from 'react-router-dom';
import { useSession } from '../auth/session';
import { Account } from '../components/settings/Account';
import { AiProvider } from '../components/settings/AiProvider';
import { ApiKeys } from '../components/settings/ApiKeys';
import { People } from '../components/settings/People';

const TABS = [
  { value: 'api-keys', label: 'API keys', icon: IconKey, admin: true, panel: ApiKeys },
  { value: 'ai', label: 'AI provider', icon: IconSparkles, admin: false, panel: AiProvider },
  { value: 'people', label: 'People', icon: IconUsers, admin: true, panel: People },
  { value: 'account', label: 'Account', icon: IconUser, admin: false, panel: Account },
];

export function Settings() {
  const { can } = useSession();
  const admin = can('admin');
  const tabs = TABS.filter((t) => admin || !t.admin);
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab = tabs.find((t) => t.value === requested)?.value ?? tabs[0]?.value ?? 'account';

  return (
    <Stack gap="md">
      <Title order={1}>Settings</Title>
      {!admin && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />}>
          API keys and people are managed by admins. Ask an admin if you need a key or a different role.
        </Alert>
      )}
      <Tabs
        value={tab}
        onChange={(v) => {
          const next = new URLSearchParams(params);
          if (v) next.set('tab', v);
          setParams(next, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label="Settings">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} aria-hidden />}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Panel key={t.value} value={t.value} pt="md">
            <t.panel />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
