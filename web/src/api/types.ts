// The shapes the API speaks, named for the UI: aliases onto the types openapi-typescript generates from
// the OpenAPI document (schema.d.ts; `scripts/api-types` writes it, and `scripts/test` fails when it is
// stale), so that a change to the API shows here as a type error rather than in a browser.

import type { components } from './schema';

/** Every schema of the OpenAPI document, by its name there. */
export type Schemas = components['schemas'];

/** A page of a list (`Page_CustomerOut` and the rest in the document): newest first, with a cursor. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** `GET /api/v1/me`: a person signed in (with the session's CSRF token) or an API key. */
export type Me = Schemas['Me'];
export type Customer = Schemas['CustomerOut'];
export type Stats = Schemas['Stats'];
/** A campaign, as listed and as `GET /api/v1/campaigns/{id}` answers (which adds its failures by reason). */
export type Campaign = Schemas['CampaignOut'];
/** A rule tree as the API takes it (any-case combinator, `and` when absent); the builder writes `and`/`or`. */
export type RuleGroup = Schemas['RuleGroup'];
export type RuleCondition = Schemas['RuleCondition'];
export type Segment = Schemas['SegmentOut'];
