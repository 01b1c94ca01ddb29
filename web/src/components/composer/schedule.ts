// When a campaign goes out: now, at a chosen time (in the viewer's zone), or at a recommended slot.
// Pure, so that what becomes `send_at` is tested.

import dayjs from 'dayjs';
import type { Schemas } from '../../api/types';

export type WhenMode = 'now' | 'at' | 'recommended';

export interface When {
  mode: WhenMode;
  /** The picker's local time, `YYYY-MM-DD HH:mm:ss`. */
  at: string | null;
  /** A recommended slot's `next_at` (RFC 3339). */
  slot: string | null;
}

export const SEND_NOW: When = { mode: 'now', at: null, slot: null };

/**
 * `send_at` for the API: undefined to send now, an RFC 3339 time with the viewer's offset for a chosen
 * time, the slot's own time for a recommendation; null while the choice is incomplete.
 */
export function sendAtOf(when: When): string | undefined | null {
  if (when.mode === 'now') return undefined;
  if (when.mode === 'recommended') return when.slot;
  if (!when.at) return null;
  const local = dayjs(when.at);
  return local.isValid() ? local.format('YYYY-MM-DDTHH:mm:ssZ') : null;
}

export type SendTimeSlot = Schemas['Slot'];

/**
 * `POST /api/v1/ai/send-time`: the `histogram` is 7 rows, Monday first, of 24 hours; `basis` says whose
 * orders it counts (`audience`, or `all_customers` when the audience ordered too little).
 */
export type SendTimeAnswer = Schemas['SendTimeOut'];

const DAY_INDEX = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** 0 for Monday … 6 for Sunday; -1 for anything else. */
export function dayIndex(day: string): number {
  return DAY_INDEX.indexOf(day.toLowerCase());
}

/** The viewer's time zone, for labels ("Asia/Kolkata"). */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
