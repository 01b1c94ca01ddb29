// Cancel a scheduled or running campaign, after a confirmation.

import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlayerStop } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { campaignKeys, cancelCampaign } from './api';
import type { Campaign } from '../../api/types';

export function CancelCampaign({ id, name }: { id: string; name: string }) {
  const [opened, { open, close }] = useDisclosure(false);
  const client = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => cancelCampaign(id),
    onSuccess: (campaign) => {
      // The answer has no failures by reason: keep the ones shown, and read the whole campaign again. Its
      // new status re-keys the summary, timeline and log; the lists just refetch.
      client.setQueryData<Campaign>(campaignKeys.detail(id), (old) => ({
        ...campaign,
        failures_by_reason: campaign.failures_by_reason ?? old?.failures_by_reason,
      }));
      void client.invalidateQueries({ queryKey: campaignKeys.detail(id), exact: true });
      void client.invalidateQueries({ queryKey: campaignKeys.lists });
      notifications.show({ color: 'gray', title: 'Campaign cancelled', message: `“${name}” will send no more messages.` });
      close();
    },
  });
  const dismiss = () => {
    cancel.reset();
    close();
  };
  return (
    <>
      <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} aria-hidden />} onClick={open}>
        Cancel campaign
      </Button>
      <Modal opened={opened} onClose={dismiss} title="Cancel this campaign?" centered>
        <Stack>
          <Text size="sm">
            “{name}” stops now: messages not yet handed to the vendor are cancelled. Messages already sent still get
            their delivery receipts. This cannot be undone.
          </Text>
          {cancel.isError && (
            <Alert color="red" role="alert" title="Not cancelled">
              {cancel.error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss}>
              Keep sending
            </Button>
            <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
              Cancel campaign
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
