// The campaign shapes beyond the list item (see crates/api/src/routes/campaigns.rs and
// crates/assistant/src/local/summary.rs).

import type { Campaign } from '../../api/types';

export type CampaignStatus = Campaign['status'];
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'cancelled';

export const CAMPAIGN_STATUSES: CampaignStatus[] = ['scheduled', 'running', 'completed', 'cancelled', 'failed'];
export const MESSAGE_STATUSES: MessageStatus[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'];

export interface ReasonCount {
  reason: string;
  count: number;
}

/** `GET /api/v1/campaigns/{id}`: the list item plus its times and failures by reason. */
export interface CampaignFull extends Campaign {
  started_at: string | null;
  audience_fixed_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  failed_at: string | null;
  failure: string | null;
  failures_by_reason?: ReasonCount[];
}

/** A communication-log row: `GET /api/v1/campaigns/{id}/messages`. */
export interface MessageRow {
  id: number;
  campaign_id: string;
  campaign_name: string;
  customer_external_id: string;
  recipient: string | null;
  message: string;
  status: MessageStatus;
  attempts: number;
  vendor_message_id: string | null;
  failure_reason: string | null;
  queued_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  failed_at: string | null;
}

/** A slice of recipients that did notably better or worse; rates are percentages (0..100). */
export interface NotableSlice {
  dimension: string;
  key: string;
  label: string;
  recipients: number;
  delivered: number;
  failed: number;
  rate: number;
  rest_rate: number;
  difference: number;
  z: number;
}

export interface SummaryFacts {
  name: string;
  channel: string;
  status: string;
  audience: number;
  sent: number;
  delivered: number;
  failed: number;
  pending: number;
  /** Percent (0..100), null before any outcome. */
  delivery_rate: number | null;
  better: NotableSlice[];
  worse: NotableSlice[];
  failure_reasons: { reason: string; count: number; share: number }[];
  earlier: { campaigns: number; rate: number; difference: number } | null;
}

/** `GET /api/v1/campaigns/{id}/summary`. */
export interface CampaignSummary {
  text: string;
  facts: SummaryFacts;
  provider: string;
  fallback?: string;
}
