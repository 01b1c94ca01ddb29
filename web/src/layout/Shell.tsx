// The frame of every signed-in page: a header with the user, a navigation bar that folds away on a
// phone, and the page.

import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton, Avatar, ScrollArea, Badge } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconChartBar,
  IconFileImport,
  IconLogout,
  IconSend,
  IconSettings,
  IconUsers,
  IconUsersGroup,
  IconHistory,
} from '@tabler/icons-react';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router-dom';
import { useSession } from '../auth/session';

const LINKS = [
  { to: '/', label: 'Dashboard', icon: IconChartBar, end: true },
  { to: '/customers', label: 'Customers', icon: IconUsers },
  { to: '/import', label: 'Import', icon: IconFileImport, scope: 'ingest' as const },
  { to: '/segments', label: 'Segments', icon: IconUsersGroup },
  { to: '/campaigns/new', label: 'New campaign', icon: IconSend, scope: 'write' as const },
  { to: '/campaigns', label: 'Campaigns', icon: IconHistory, end: true },
  { to: '/settings', label: 'Settings', icon: IconSettings },
];

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const { me, person, can, signOut } = useSession();
  const location = useLocation();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg">
              minicrm
            </Text>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label="Account menu">
                <Group gap="xs">
                  <Avatar size="sm" radius="xl" color="blue">
                    {(me.name || person?.email || '?').slice(0, 1).toUpperCase()}
                  </Avatar>
                  <Text size="sm" visibleFrom="xs">
                    {me.name || person?.email}
                  </Text>
                  {person && (
                    <Badge size="sm" variant="light" visibleFrom="xs">
                      {person.role}
                    </Badge>
                  )}
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{person?.email}</Menu.Label>
              <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          {LINKS.filter((l) => !l.scope || can(l.scope)).map((link) => {
            const active = link.end ? location.pathname === link.to : location.pathname.startsWith(link.to);
            return (
              <NavLink
                key={link.to}
                component={RouterLink}
                to={link.to}
                end={link.end}
                label={link.label}
                leftSection={<link.icon size={18} stroke={1.6} aria-hidden />}
                active={active && !(link.to === '/campaigns' && location.pathname === '/campaigns/new')}
                onClick={close}
              />
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
