// The shapes the API answers with (see README and /api/openapi.json).

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Me {
  kind: 'user' | 'api_key';
  id: string;
  email?: string;
  name: string;
  role?: 'admin' | 'marketer' | 'viewer';
  provider?: 'oidc' | 'local';
  scopes: string[];
  csrf_token?: string;
}

export interface Customer {
  external_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  city: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  total_spend: number;
  order_count: number;
  avg_order_value: number | null;
  first_order_at: string | null;
  last_order_at: string | null;
}

export interface Stats {
  audience: number | null;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  cancelled: number;
  delivery_rate: number | null;
}

export interface Campaign {
  id: string;
  name: string;
  status: 'scheduled' | 'running' | 'completed' | 'cancelled' | 'failed';
  channel: 'sms' | 'email' | 'whatsapp';
  segment_id: string | null;
  rules: RuleGroup;
  subject: string | null;
  message: string;
  objective: string | null;
  tags: string[];
  send_at: string;
  created_by: string;
  created_at: string;
  stats: Stats;
  [key: string]: unknown;
}

export interface RuleCondition {
  field: string;
  operator: string;
  value: unknown;
}

export interface RuleGroup {
  combinator: 'and' | 'or';
  not?: boolean;
  rules: (RuleCondition | RuleGroup)[];
}

export interface Segment {
  id: string;
  name: string;
  description: string | null;
  rules: RuleGroup;
  created_by: string;
  created_at: string;
  updated_at: string;
  last_count: number | null;
  last_count_at: string | null;
}

export interface FieldSpec {
  name: string;
  label: string;
  type: 'text' | 'count' | 'money' | 'date' | 'count_in_window' | 'money_in_window' | 'flag' | string;
  operators: string[];
  note?: string;
  values?: { value: string; customers: number }[];
  custom?: boolean;
}
