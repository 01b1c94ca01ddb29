import { Badge, type BadgeProps } from '@mantine/core';
import { campaignStatusColor, messageStatusColor } from './model';

interface Props extends Omit<BadgeProps, 'color' | 'children'> {
  status: string;
  kind?: 'campaign' | 'message';
}

/** A campaign's or a message's status, coloured the same everywhere. */
export function StatusBadge({ status, kind = 'campaign', ...props }: Props) {
  const color = kind === 'campaign' ? campaignStatusColor(status) : messageStatusColor(status);
  return (
    <Badge variant="light" color={color} miw="max-content" {...props}>
      {status}
    </Badge>
  );
}
