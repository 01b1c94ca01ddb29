// The value of one condition, edited as its field type and operator read it: a number of days for the
// relative date operators, two ends for `between`, a list of tags for `in` (with the catalogue's
// suggestions, such as the common cities), `{days, value}` for the order windows, ₹ amounts grouped the
// Indian way. Every input is labelled and works from the keyboard.

import { Autocomplete, Group, NumberInput, TagsInput, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import type { FullField, ValueEditorProps } from 'react-querybuilder';
import { innerKind, type CatalogueField, type FieldKind, valueShape } from './catalogue';
import { fromRqbOperator } from './convert';

dayjs.extend(customParseFormat);

/** A react-querybuilder field carrying its catalogue entry. */
export type BuilderField = FullField & { kind: FieldKind; spec: CatalogueField };

export function isBuilderField(field: unknown): field is BuilderField {
  return typeof field === 'object' && field !== null && 'kind' in field && 'spec' in field;
}

type Change = (value: unknown) => void;

interface ScalarProps {
  kind: FieldKind;
  value: unknown;
  onChange: Change;
  label: string;
  /** The field's label, for the labels of a window's days. */
  fieldLabel: string;
  disabled: boolean;
  suggestions: string[];
}

const numberValue = (v: unknown): number | string => (typeof v === 'number' || typeof v === 'string' ? v : '');

function NumberValue({ kind, value, onChange, label, disabled }: ScalarProps) {
  const money = kind === 'money';
  return (
    <NumberInput
      aria-label={label}
      value={numberValue(value)}
      onChange={(v) => onChange(v)}
      disabled={disabled}
      min={0}
      allowNegative={false}
      allowDecimal={money}
      decimalScale={money ? 2 : 0}
      prefix={money ? '₹' : undefined}
      thousandSeparator={money ? ',' : undefined}
      thousandsGroupStyle={money ? 'lakh' : undefined}
      placeholder={money ? '₹ amount' : 'number'}
      className="mcrm-rule-input"
      size="sm"
    />
  );
}

function DateValue({ value, onChange, label, disabled }: ScalarProps) {
  const text = typeof value === 'string' ? value : '';
  const parsed = text && dayjs(text).isValid() ? dayjs(text).format('YYYY-MM-DD') : null;
  return (
    <DateInput
      aria-label={label}
      value={parsed}
      onChange={(v) => onChange(v ?? '')}
      disabled={disabled}
      valueFormat="D MMM YYYY"
      placeholder="pick a date"
      clearable
      popoverProps={{ withinPortal: true }}
      className="mcrm-rule-input"
      size="sm"
    />
  );
}

function TextValue({ value, onChange, label, disabled, suggestions }: ScalarProps) {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  if (suggestions.length > 0) {
    return (
      <Autocomplete
        aria-label={label}
        value={text}
        onChange={onChange}
        data={suggestions}
        disabled={disabled}
        limit={20}
        placeholder="type or pick"
        className="mcrm-rule-input"
        size="sm"
      />
    );
  }
  return (
    <TextInput
      aria-label={label}
      value={text}
      onChange={(e) => onChange(e.currentTarget.value)}
      disabled={disabled}
      placeholder="text"
      className="mcrm-rule-input"
      size="sm"
    />
  );
}

function Scalar(props: ScalarProps) {
  if (props.kind === 'date') return <DateValue {...props} />;
  if (props.kind === 'count' || props.kind === 'money') return <NumberValue {...props} />;
  return <TextValue {...props} />;
}

/** `[low, high]`, or the `"low,high"` text the API also reads. */
function pairOf(value: unknown): [unknown, unknown] {
  if (Array.isArray(value)) return [value[0] ?? '', value[1] ?? ''];
  if (typeof value === 'string' && value.includes(',')) {
    const [low = '', high = ''] = value.split(',').map((s) => s.trim());
    return [low, high];
  }
  return [value ?? '', ''];
}

function PairValue(props: ScalarProps) {
  const [low, high] = pairOf(props.value);
  return (
    <Group gap={6} wrap="wrap" className="mcrm-rule-pair">
      <Scalar {...props} value={low} label={`${props.label}: from`} onChange={(v) => props.onChange([v, high])} />
      <Text size="sm" c="dimmed" aria-hidden>
        and
      </Text>
      <Scalar {...props} value={high} label={`${props.label}: to`} onChange={(v) => props.onChange([low, v])} />
    </Group>
  );
}

/** A list as tags; numbers stay numbers for counts and amounts. */
function ListValue({ kind, value, onChange, label, disabled, suggestions }: ScalarProps) {
  const tags = Array.isArray(value)
    ? value.map((v) => String(v))
    : typeof value === 'string' && value !== ''
      ? value.split(',').map((s) => s.trim()).filter(Boolean)
      : [];
  const numeric = kind === 'count' || kind === 'money';
  return (
    <TagsInput
      aria-label={label}
      value={tags}
      onChange={(next) => onChange(numeric ? next.map((t) => (/^\d+(\.\d+)?$/.test(t) ? Number(t) : t)) : next)}
      data={suggestions}
      disabled={disabled}
      placeholder={tags.length ? '' : suggestions.length ? 'type or pick, Enter to add' : 'type, Enter to add'}
      acceptValueOnBlur
      clearable
      limit={20}
      className="mcrm-rule-input mcrm-rule-list"
      size="sm"
    />
  );
}

function DaysValue({ value, onChange, label, disabled }: Pick<ScalarProps, 'value' | 'onChange' | 'label' | 'disabled'>) {
  return (
    <NumberInput
      aria-label={label}
      value={numberValue(value)}
      onChange={(v) => onChange(v)}
      disabled={disabled}
      min={1}
      max={36_500}
      allowDecimal={false}
      allowNegative={false}
      rightSection={
        <Text size="xs" c="dimmed" pr={6}>
          days
        </Text>
      }
      rightSectionWidth={44}
      w={120}
      size="sm"
    />
  );
}

function WindowValue(props: ScalarProps & { operator: string }) {
  const current = typeof props.value === 'object' && props.value !== null && !Array.isArray(props.value)
    ? (props.value as { days?: unknown; value?: unknown })
    : {};
  const inner = innerKind(props.kind);
  const set = (patch: { days?: unknown; value?: unknown }) => props.onChange({ days: current.days ?? '', value: current.value ?? '', ...patch });
  const innerProps: ScalarProps = { ...props, kind: inner, value: current.value ?? '', onChange: (v) => set({ value: v }) };
  return (
    <Group gap={6} wrap="wrap" className="mcrm-rule-window">
      {valueShape(inner, props.operator) === 'pair' ? <PairValue {...innerProps} /> : <Scalar {...innerProps} />}
      <Text size="sm" c="dimmed">
        in the last
      </Text>
      <DaysValue value={current.days ?? ''} onChange={(v) => set({ days: v })} label={`${props.fieldLabel}: number of days`} disabled={props.disabled} />
    </Group>
  );
}

/** react-querybuilder's value editor for our catalogue. */
export function RuleValueEditor(props: ValueEditorProps) {
  const { operator, disabled } = props;
  const fieldData: unknown = props.fieldData;
  const value: unknown = props.value;
  const handleOnChange: Change = (next) => props.handleOnChange(next);
  const field = isBuilderField(fieldData) ? fieldData : null;
  const kind: FieldKind = field?.kind ?? 'text';
  const apiOperator = fromRqbOperator(operator);
  const fieldLabel = field?.spec.label ?? props.field;
  const label = `${fieldLabel} value`;
  const suggestions = field?.spec.values?.map((v) => v.value) ?? [];
  const common: ScalarProps = { kind, value, onChange: handleOnChange, label, fieldLabel, disabled: !!disabled, suggestions };
  const shape = valueShape(kind, apiOperator);
  if (shape === 'none') return null;
  return (
    <div className={props.className} data-testid={props.testID}>
      {shape === 'days' ? (
        <DaysValue value={value} onChange={handleOnChange} label={`${fieldLabel}: days`} disabled={!!disabled} />
      ) : shape === 'pair' ? (
        <PairValue {...common} />
      ) : shape === 'list' ? (
        <ListValue {...common} />
      ) : shape === 'window' ? (
        <WindowValue {...common} operator={apiOperator} />
      ) : (
        <Scalar {...common} />
      )}
    </div>
  );
}
