// The campaign shapes beyond the campaign itself (aliases onto the generated schema), and the statuses
// in the order the UI lists them.

import type { Schemas } from '../../api/types';

export type CampaignStatus = Schemas['CampaignStatus'];
export type MessageStatus = Schemas['MessageStatus'];

export const CAMPAIGN_STATUSES: CampaignStatus[] = ['scheduled', 'running', 'completed', 'cancelled', 'failed'];
export const MESSAGE_STATUSES: MessageStatus[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'];

export type ReasonCount = Schemas['ReasonCount'];

/** A communication-log row: `GET /api/v1/campaigns/{id}/messages`. */
export type MessageRow = Schemas['MessageOut'];

/** A slice of recipients that did notably better or worse; rates are percentages (0..100). */
export type NotableSlice = Schemas['NotableSlice'];

/** What the summary is written from; `delivery_rate` is a percent (0..100), null before any outcome. */
export type SummaryFacts = Schemas['Facts'];

/** `GET /api/v1/campaigns/{id}/summary`. */
export type CampaignSummary = Schemas['Summary'];
