// Pure helpers for campaigns: status colours, what counts as "still moving", the delivery funnel, the
// delivery timeline's labels, and reason labels.

import type { MantineColor } from '@mantine/core';
import type { Campaign, Schemas, Stats } from '../../api/types';
import type { CampaignStatus, MessageStatus } from './types';

const CAMPAIGN_COLOURS: Record<CampaignStatus, MantineColor> = {
  scheduled: 'blue',
  running: 'yellow',
  completed: 'teal',
  cancelled: 'gray',
  failed: 'red',
};

const MESSAGE_COLOURS: Record<MessageStatus, MantineColor> = {
  queued: 'gray',
  sending: 'blue',
  sent: 'indigo',
  delivered: 'teal',
  failed: 'red',
  cancelled: 'dark',
};

export function campaignStatusColor(status: string): MantineColor {
  return CAMPAIGN_COLOURS[status as CampaignStatus] ?? 'gray';
}

export function messageStatusColor(status: string): MantineColor {
  return MESSAGE_COLOURS[status as MessageStatus] ?? 'gray';
}

/** A campaign whose numbers may still change. */
export function isActive(status: string): boolean {
  return status === 'scheduled' || status === 'running';
}

/** How often a view of these campaigns should refresh itself: every 2 s while any is moving. */
export function pollWhileActive(campaigns: readonly Pick<Campaign, 'status'>[], ms = 2000): number | false {
  return campaigns.some((c) => isActive(c.status)) ? ms : false;
}

/** Handed to the vendor: still waiting for a receipt, delivered or failed. */
export function sentTotal(stats: Pick<Stats, 'sent' | 'delivered' | 'failed'>): number {
  return stats.sent + stats.delivered + stats.failed;
}

export const CHANNEL_LABEL: Record<string, string> = { sms: 'SMS', email: 'E-mail', whatsapp: 'WhatsApp' };

export function channelLabel(channel: string): string {
  return CHANNEL_LABEL[channel] ?? channel;
}

export interface FunnelStep {
  key: 'audience' | 'sent' | 'delivered' | 'failed';
  label: string;
  value: number;
  /** Share of the audience, 0..1 (null with no audience). */
  ofAudience: number | null;
  color: MantineColor;
}

export interface Funnel {
  audience: number;
  sent: number;
  delivered: number;
  failed: number;
  /** Queued or handed over without an outcome yet. */
  pending: number;
  cancelled: number;
  /** Delivered among those with an outcome, 0..1. */
  rate: number | null;
  steps: FunnelStep[];
}

/** Audience → sent → delivered, with failed beside delivered. */
export function funnel(stats: Stats): Funnel {
  const sent = sentTotal(stats);
  const known = stats.queued + sent + stats.cancelled;
  const audience = Math.max(stats.audience ?? 0, known);
  const share = (n: number) => (audience > 0 ? n / audience : null);
  const outcome = stats.delivered + stats.failed;
  return {
    audience,
    sent,
    delivered: stats.delivered,
    failed: stats.failed,
    pending: stats.queued + stats.sent,
    cancelled: stats.cancelled,
    rate: stats.delivery_rate ?? (outcome > 0 ? stats.delivered / outcome : null),
    steps: [
      { key: 'audience', label: 'Audience', value: audience, ofAudience: share(audience), color: 'gray' },
      { key: 'sent', label: 'Sent', value: sent, ofAudience: share(sent), color: 'indigo' },
      { key: 'delivered', label: 'Delivered', value: stats.delivered, ofAudience: share(stats.delivered), color: 'teal' },
      { key: 'failed', label: 'Failed', value: stats.failed, ofAudience: share(stats.failed), color: 'red' },
    ],
  };
}

/** Who wrote an AI answer, as people read it. */
export function providerLabel(provider: string): string {
  switch (provider) {
    case 'local':
      return 'minicrm (local, offline)';
    case 'gemini':
      return 'Gemini';
    case 'openai':
      return 'OpenAI-compatible model';
    default:
      return provider;
  }
}

const REASONS: Record<string, string> = {
  dnd_registry: 'DND registry',
  invalid_number: 'Invalid number',
  carrier_rejected: 'Carrier rejected',
  expired: 'Expired',
};

/** `carrier_rejected` → `Carrier rejected`; readable reasons stay as they are. */
export function reasonLabel(reason: string | null | undefined): string {
  if (!reason) return 'Unknown';
  const known = REASONS[reason];
  if (known) return known;
  const text = reason.replace(/_/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface TimelinePoint {
  /** Start of the bucket, epoch ms. */
  at: number;
  label: string;
  /** Cumulative counts up to the end of the bucket. */
  sent: number;
  delivered: number;
  failed: number;
}

/** A label for a bucket's time in the viewer's zone, as fine as the bucket. */
export function bucketLabel(at: number, step: number): string {
  const d = new Date(at);
  if (step >= DAY) return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  if (step >= HOUR) return d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: 'numeric' });
  if (step >= MINUTE) return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  if (step >= SECOND) return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
  return d.toLocaleTimeString(undefined, {
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 1,
  });
}

/** The server's running totals (`GET /campaigns/{id}/timeline`). */
export type ServerTimeline = Schemas['TimelineOut'];

/** The server's points labelled in the viewer's zone, as fine as its buckets. */
export function timelinePoints(t: ServerTimeline): TimelinePoint[] {
  const step = (t.bucket_seconds ?? 1) * SECOND;
  return t.points.map((p) => {
    const at = Date.parse(p.at);
    return { at, label: bucketLabel(at, step), sent: p.sent, delivered: p.delivered, failed: p.failed };
  });
}

/** A time to the second in the viewer's zone, for the message log: `26 Nov 2026, 7:03:32 pm`. */
export function preciseTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
