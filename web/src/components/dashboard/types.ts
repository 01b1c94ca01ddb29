// `GET /api/v1/overview?days=N` (being built beside this page; the shape agreed for it).

export interface OverviewDay {
  /** A calendar day, `YYYY-MM-DD`. */
  date: string;
  new_customers: number;
  orders: number;
  /** Major units (rupees), as a number or a decimal string. */
  revenue: number | string;
}

export interface CampaignDay {
  date: string;
  delivered: number;
  failed: number;
}

export interface Overview {
  customers: number;
  orders: number;
  revenue: number | string;
  active_campaigns: number;
  /** 0..1, null before any outcome. */
  delivery_rate: number | null;
  series: OverviewDay[];
  campaigns: CampaignDay[];
}

export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];
