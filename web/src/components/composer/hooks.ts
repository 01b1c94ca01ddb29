// Data the composer needs: the saved segments to choose from (with the chosen one even when it is not
// among the listed), and the launch itself.

import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Campaign, Page, Schemas, Segment } from '../../api/types';
import { number } from '../../lib/format';
import type { When } from './schedule';

/** The saved segments, and the one chosen by id, fetched on its own when the list does not hold it. */
export function useSegmentChoice(segmentId: string | null) {
  const segments = useQuery({
    queryKey: ['segments', 'all'],
    queryFn: () => api.get<Page<Segment>>('/api/v1/segments?limit=500'),
  });
  const listed = segments.data?.items ?? [];
  const missing = segmentId !== null && segments.isSuccess && !listed.some((s) => s.id === segmentId);
  const single = useQuery({
    queryKey: ['segment', segmentId],
    queryFn: () => api.get<Segment>(`/api/v1/segments/${encodeURIComponent(segmentId ?? '')}`),
    enabled: missing,
  });
  const all = single.data && missing ? [single.data, ...listed] : listed;
  const segment = all.find((s) => s.id === segmentId) ?? null;
  return { segments, single, all, segment };
}

export type SegmentChoice = ReturnType<typeof useSegmentChoice>;

/** Sends the campaign; on success says so (launched, or scheduled for later) and opens it. */
export function useLaunch(when: When) {
  const navigate = useNavigate();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (campaign: Schemas['CampaignIn']) => api.post<Campaign>('/api/v1/campaigns', campaign),
    onSuccess: (campaign) => {
      void client.invalidateQueries({ queryKey: ['campaigns'] });
      const audience = campaign.stats.audience;
      notifications.show({
        color: 'green',
        title: campaign.status === 'scheduled' && when.mode !== 'now' ? 'Campaign scheduled' : 'Campaign launched',
        message: `${campaign.name}${audience !== null && audience !== undefined ? ` to ${number(audience)} customers` : ''}`,
      });
      void navigate(`/campaigns/${encodeURIComponent(campaign.id)}`);
    },
  });
}
