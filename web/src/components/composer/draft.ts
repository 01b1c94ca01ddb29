// The campaign being composed, before it is sent: what the form holds, what it still lacks (checked in
// the browser before the server sees it), and the body it becomes. Pure, so that the checks are tested.

import type { RuleGroup, Schemas } from '../../api/types';
import { countConditions, emptyRules, unfinishedPaths } from '../rules/convert';
import type { Channel } from './MessageEditor';
import { SEND_NOW, sendAtOf, type When } from './schedule';
import type { SendTimeAudience } from './SendTime';

export type AudienceMode = 'segment' | 'rules';

export interface Draft {
  name: string;
  objective: string;
  tone: string;
  mode: AudienceMode;
  segmentId: string | null;
  rules: RuleGroup;
  channel: Channel;
  subject: string;
  message: string;
  when: When;
}

/** Changes the draft and takes back the problems shown on the named fields. */
export type Edit = (patch: Partial<Draft>, ...clears: string[]) => void;

/** A launch problem on a field, if any: the browser's own check first, then the server's. */
export type ErrorOf = (field: string) => string | undefined;

export function newDraft(segmentId: string | null): Draft {
  return {
    name: '',
    objective: '',
    tone: '',
    mode: 'segment',
    segmentId,
    rules: emptyRules(),
    channel: 'sms',
    subject: '',
    message: '',
    when: SEND_NOW,
  };
}

/** Rules with at least one condition and none still being filled in. */
export function rulesReady(rules: RuleGroup): boolean {
  return countConditions(rules) > 0 && unfinishedPaths(rules).length === 0;
}

/** Whom the send-time recommendation is for: the segment, or the rules once they are complete. */
export function sendTimeAudience(d: Draft): SendTimeAudience {
  if (d.mode === 'segment') return d.segmentId ? { segment_id: d.segmentId } : null;
  return rulesReady(d.rules) ? { rules: d.rules } : null;
}

/** What the draft lacks before it can launch, by field. */
export function draftProblems(d: Draft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = 'Give the campaign a name.';
  if (d.mode === 'segment' && !d.segmentId) found.segment_id = 'Choose a segment.';
  if (d.mode === 'rules' && countConditions(d.rules) === 0) found.rules = 'Add at least one rule.';
  if (d.mode === 'rules' && countConditions(d.rules) > 0 && !rulesReady(d.rules)) found.rules = 'Finish the rules being filled in.';
  if (!d.message.trim()) found.message = 'Write the message.';
  if (d.channel === 'email' && !d.subject.trim()) found.subject = 'An e-mail needs a subject.';
  if (sendAtOf(d.when) === null) found.send_at = d.when.mode === 'at' ? 'Pick a date and time.' : 'Pick one of the recommended slots.';
  return found;
}

/** The body of `POST /api/v1/campaigns` for a draft without problems. */
export function campaignBody(d: Draft): Schemas['CampaignIn'] {
  const sendAt = sendAtOf(d.when);
  return {
    name: d.name.trim(),
    ...(d.mode === 'segment' ? { segment_id: d.segmentId } : { rules: d.rules }),
    channel: d.channel,
    ...(d.channel === 'email' ? { subject: d.subject.trim() } : {}),
    message: d.message,
    ...(d.objective.trim() ? { objective: d.objective.trim() } : {}),
    ...(sendAt ? { send_at: sendAt } : {}),
  };
}
