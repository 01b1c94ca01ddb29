// `GET /api/v1/overview?days=N`, the dashboard's numbers (aliases onto the generated schema), and the
// periods the dashboard offers.

import type { Schemas } from '../../api/types';

/** A calendar day (`YYYY-MM-DD`) of new customers, orders and revenue (major units). */
export type OverviewDay = Schemas['DayOut'];
/** A calendar day of campaign messages delivered and failed. */
export type CampaignDay = Schemas['DeliveryDayOut'];
/** The totals of the store and its last `days` days, day by day; `delivery_rate` 0..1, null before any outcome. */
export type Overview = Schemas['OverviewOut'];

export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];
