// Campaign fixtures for tests.

import type { Campaign, Stats } from '../../api/types';
import type { CampaignSummary, MessageRow } from './types';

export function stats(over: Partial<Stats> = {}): Stats {
  return { audience: 100, queued: 0, sent: 0, delivered: 80, failed: 20, cancelled: 0, delivery_rate: 0.8, ...over };
}

export function campaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: 'c1',
    name: 'Win-back',
    status: 'completed',
    channel: 'sms',
    segment_id: null,
    rules: { combinator: 'and', rules: [] },
    subject: null,
    message: 'Hi {{name}}, we miss you',
    objective: 'win-back',
    tags: ['win-back'],
    send_at: '2026-11-20T10:00:00Z',
    created_by: 'asha@example.in',
    created_at: '2026-11-20T09:55:00Z',
    stats: stats(),
    ...over,
  };
}

export function campaignFull(over: Partial<Campaign> = {}): Campaign {
  return {
    ...campaign(),
    started_at: '2026-11-20T10:00:01Z',
    audience_fixed_at: '2026-11-20T10:00:02Z',
    completed_at: '2026-11-20T10:05:00Z',
    cancelled_at: null,
    failed_at: null,
    failure: null,
    failures_by_reason: [
      { reason: 'carrier_rejected', count: 12 },
      { reason: 'no phone number', count: 8 },
    ],
    ...over,
  };
}

export function message(id: number, over: Partial<MessageRow> = {}): MessageRow {
  return {
    id,
    campaign_id: 'c1',
    campaign_name: 'Win-back',
    customer_external_id: `C${String(id).padStart(7, '0')}`,
    recipient: '+919800000000',
    message: 'Hi Asha, we miss you',
    status: 'delivered',
    attempts: 1,
    vendor_message_id: `vm_${id}`,
    failure_reason: null,
    queued_at: '2026-11-20T10:00:02Z',
    sent_at: '2026-11-20T10:00:03Z',
    delivered_at: '2026-11-20T10:00:04Z',
    failed_at: null,
    ...over,
  };
}

export function summary(over: Partial<CampaignSummary> = {}): CampaignSummary {
  return {
    text: '“Win-back” reached 100 of its audience of 100: 80 delivered and 20 failed.',
    provider: 'local',
    facts: {
      name: 'Win-back',
      channel: 'sms',
      status: 'completed',
      audience: 100,
      sent: 100,
      delivered: 80,
      failed: 20,
      pending: 0,
      delivery_rate: 80,
      better: [
        { dimension: 'city', key: 'Pune', label: 'Pune', recipients: 40, delivered: 38, failed: 2, rate: 95, rest_rate: 70, difference: 25, z: 2.9 },
      ],
      worse: [
        { dimension: 'city', key: 'Kolkata', label: 'Kolkata', recipients: 35, delivered: 21, failed: 14, rate: 60, rest_rate: 90.8, difference: -30.8, z: -3.1 },
      ],
      failure_reasons: [{ reason: 'carrier_rejected', count: 12, share: 60 }],
      earlier: null,
    },
    ...over,
  };
}
