// Query keys and paths for campaigns. Every key starts with 'campaigns', so invalidating ['campaigns']
// refreshes every view of them.

import { api } from '../../api/client';
import type { Campaign, Page } from '../../api/types';
import type { CampaignStatus, CampaignSummary, MessageRow, MessageStatus } from './types';

export const campaignKeys = {
  all: ['campaigns'] as const,
  lists: ['campaigns', 'list'] as const,
  list: (status: CampaignStatus | null, limit: number) => ['campaigns', 'list', status ?? 'all', limit] as const,
  detail: (id: string) => ['campaigns', 'detail', id] as const,
  // The campaign's status is part of these keys, so each is fetched afresh when the campaign moves on
  // (e.g. a summary written while it was scheduled is not kept once it has completed).
  summary: (id: string, phase: string) => ['campaigns', 'detail', id, 'summary', phase] as const,
  timeline: (id: string, phase: string) => ['campaigns', 'detail', id, 'timeline', phase] as const,
  log: (id: string, phase: string, status: MessageStatus | null) =>
    ['campaigns', 'detail', id, 'log', phase, status ?? 'all'] as const,
};

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function listCampaigns(params: { limit: number; cursor?: string | null; status?: CampaignStatus | null }) {
  return api.get<Page<Campaign>>(`/api/v1/campaigns${query(params)}`);
}

export function getCampaign(id: string) {
  return api.get<Campaign>(`/api/v1/campaigns/${encodeURIComponent(id)}`);
}

export function getSummary(id: string) {
  return api.get<CampaignSummary>(`/api/v1/campaigns/${encodeURIComponent(id)}/summary`);
}

export function listMessages(id: string, params: { limit: number; cursor?: string | null; status?: MessageStatus | null }) {
  return api.get<Page<MessageRow>>(`/api/v1/campaigns/${encodeURIComponent(id)}/messages${query(params)}`);
}

export function cancelCampaign(id: string) {
  return api.post<Campaign>(`/api/v1/campaigns/${encodeURIComponent(id)}/cancel`);
}
