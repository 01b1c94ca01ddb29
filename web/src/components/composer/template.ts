// A small, pure renderer for the part of Liquid that campaign messages use — `{{var}}` and
// `{{var | default: "x"}}` (plus upcase, downcase, capitalize, strip) — for the composer's live preview,
// and the values of one customer as the server renders them (₹ with Indian grouping). The server's
// Liquid engine stays the judge: this is a preview.

import type { Customer, Schemas } from '../../api/types';
import { money } from '../../lib/format';

export type TemplateValue = string | number | null | undefined;
export type TemplateVars = Record<string, TemplateValue>;

export interface Rendered {
  text: string;
  /** Variables the template names that `vars` does not have (the server refuses these). */
  unknown: string[];
}

const OUTPUT = /\{\{(-?)([\s\S]*?)(-?)\}\}/g;
const FILTER = /\|\s*([A-Za-z_]\w*)\s*(?::\s*("[^"]*"|'[^']*'|[^|]*))?/g;
// Where `{{-` and `-}}` strip whitespace, marked while rendering: private-use characters, which no
// template or value means as text.
const LSTRIP = '\uE000';
const RSTRIP = '\uE001';

/** nil and "" are empty for Liquid's `default`. */
function isEmpty(value: TemplateValue): boolean {
  return value === null || value === undefined || value === '';
}

function literal(arg: string | undefined, vars: TemplateVars): TemplateValue {
  if (arg === undefined) return '';
  const a = arg.trim();
  if ((a.startsWith('"') && a.endsWith('"')) || (a.startsWith("'") && a.endsWith("'"))) return a.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(a)) return a;
  return a in vars ? vars[a] : a;
}

export function renderTemplate(template: string, vars: TemplateVars): Rendered {
  const unknown = new Set<string>();
  let out = template.replace(OUTPUT, (whole, lstrip: string, inner: string, rstrip: string) => {
    const name = /^\s*([A-Za-z_]\w*)/.exec(inner)?.[1];
    if (!name) return whole;
    if (!(name in vars)) {
      unknown.add(name);
      return whole;
    }
    let value: TemplateValue = vars[name];
    const filters = inner.slice(inner.indexOf(name) + name.length);
    for (const m of filters.matchAll(FILTER)) {
      const [, filter, arg] = m;
      const text = isEmpty(value) ? '' : String(value);
      switch (filter) {
        case 'default':
          if (isEmpty(value)) value = literal(arg, vars);
          break;
        case 'upcase':
          value = text.toUpperCase();
          break;
        case 'downcase':
          value = text.toLowerCase();
          break;
        case 'capitalize':
          value = text.charAt(0).toUpperCase() + text.slice(1);
          break;
        case 'strip':
          value = text.trim();
          break;
        default:
          break;
      }
    }
    return (lstrip ? LSTRIP : '') + (isEmpty(value) ? '' : String(value)) + (rstrip ? RSTRIP : '');
  });
  // `{{-` and `-}}` strip the whitespace before and after them.
  out = out.replace(/\s*\uE000/g, '').replace(/\uE001\s*/g, '');
  return { text: out, unknown: [...unknown] };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `3 Mar 2025`, in the viewer's zone. */
export function messageDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

function text(value: string | null | undefined): string | null {
  const t = value?.trim();
  return t ? t : null;
}

/** A customer's values for a message, as the server fills them in. */
export function customerVariables(c: Customer): TemplateVars {
  const name = text(c.name);
  return {
    first_name: name ? (name.split(/\s+/)[0] ?? null) : null,
    name,
    city: text(c.city),
    email: text(c.email),
    total_spend: money(c.total_spend),
    order_count: String(c.order_count),
    last_order_date: messageDate(c.last_order_at),
  };
}

/** A personalisation variable as GET /api/v1/campaigns/variables lists it. */
export type TemplateVariable = Schemas['Variable'];

/** The values of the variables' examples: a stand-in customer when the audience has none to show. */
export function exampleVariables(variables: TemplateVariable[]): TemplateVars {
  return Object.fromEntries(variables.map((v) => [v.name, v.example]));
}

/** What a variable falls back to when a customer has no value; null for those that always have one. */
const DEFAULTS: Record<string, string> = {
  first_name: 'there',
  name: 'there',
  city: 'your city',
  email: 'your inbox',
  last_order_date: 'a while ago',
};

/** The token a variable button inserts, and where its fallback text sits inside it (to select it). */
export function tokenFor(variable: string): { token: string; select: [number, number] | null } {
  const fallback = DEFAULTS[variable];
  if (fallback === undefined) return { token: `{{${variable}}}`, select: null };
  const head = `{{${variable} | default: "`;
  return { token: `${head}${fallback}"}}`, select: [head.length, head.length + fallback.length] };
}

/**
 * `text` with `token` put in place of the selection [start, end); returns the new text and the
 * selection to show after it (the token's fallback text, ready to be typed over, or the caret after it).
 */
export function insertToken(text: string, start: number, end: number, variable: string): { text: string; selection: [number, number] } {
  const { token, select } = tokenFor(variable);
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  const next = text.slice(0, from) + token + text.slice(to);
  const selection: [number, number] = select ? [from + select[0], from + select[1]] : [from + token.length, from + token.length];
  return { text: next, selection };
}

export const SMS_LIMIT = 160;
export const TEMPLATE_LIMIT = 2000;
