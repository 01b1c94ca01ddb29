// The end of the composer: why the server refused the campaign when no field above can show it, and
// the button that launches it now or schedules it.

import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconRocket } from '@tabler/icons-react';
import { ApiError } from '../../api/client';
import { ErrorState } from '../States';

/** The fields a launch problem can be shown on. */
const PLACED = ['name', 'segment_id', 'channel', 'subject', 'message', 'objective', 'send_at'];

export interface LaunchBarProps {
  /** The launch's error, if it failed. */
  error: Error | null;
  /** True when the browser's own checks found something. */
  checked: boolean;
  later: boolean;
  pending: boolean;
  onLaunch: () => void;
}

export function LaunchBar({ error, checked, later, pending, onLaunch }: LaunchBarProps) {
  const refused = error instanceof ApiError ? error : null;
  const unplaced = (refused?.problem?.errors ?? []).filter(
    (e) => !PLACED.includes(e.field ?? '') && !(e.field ?? e.pointer).replace(/^\//, '').startsWith('rules'),
  );
  const general = error && !(refused?.status === 422) ? error : null;
  return (
    <>
      {general && <ErrorState error={general} />}
      {unplaced.length > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The campaign was refused">
          {unplaced.map((e, i) => (
            <Text size="sm" key={i}>
              {e.field ? `${e.field}: ` : ''}
              {e.reason}
            </Text>
          ))}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm" wrap="wrap">
        {(checked || !!refused) && (
          <Text size="sm" c="red" role="alert">
            Some fields need attention above.
          </Text>
        )}
        <Button size="md" leftSection={<IconRocket size={18} aria-hidden />} onClick={onLaunch} loading={pending}>
          {later ? 'Schedule campaign' : 'Launch campaign'}
        </Button>
      </Group>
    </>
  );
}
