import type { Customer } from '../../api/types';
import { customerVariables, exampleVariables, insertToken, messageDate, renderTemplate, tokenFor } from './template';

const ASHA: Customer = {
  external_id: 'C1',
  name: '  Asha  Verma ',
  email: null,
  phone: '+919876543210',
  city: 'Pune',
  attributes: {},
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
  total_spend: 124500.5,
  order_count: 3,
  avg_order_value: 41500,
  first_order_at: null,
  last_order_at: '2025-03-03T12:00:00Z',
};

describe('renderTemplate', () => {
  const vars = customerVariables(ASHA);

  it('fills variables as the server does, with ₹ grouped the Indian way', () => {
    expect(
      renderTemplate(
        'Hi {{first_name | default: "there"}} from {{ city }}! You spent {{total_spend}} over {{order_count}} orders.',
        vars,
      ),
    ).toEqual({ text: 'Hi Asha from Pune! You spent ₹1,24,500.50 over 3 orders.', unknown: [] });
  });

  it('falls back to the default for a missing value, and to nothing without one', () => {
    expect(renderTemplate('Write to {{email | default: "us"}}{{email}}.', vars).text).toBe('Write to us.');
    expect(renderTemplate("Hi {{ first_name | default: 'friend' }}", { first_name: '' }).text).toBe('Hi friend');
    expect(renderTemplate('Hi {{first_name|default:"x"}}', { first_name: null }).text).toBe('Hi x');
    expect(renderTemplate('{{order_count | default: "none"}}', { order_count: 0 }).text).toBe('0');
  });

  it('applies the simple text filters', () => {
    expect(renderTemplate('{{city | upcase}} {{city | downcase}} {{name | capitalize}}', { city: 'Pune', name: 'asha' }).text).toBe(
      'PUNE pune Asha',
    );
    expect(renderTemplate('{{ city | default: "your city" | upcase }}', { city: null }).text).toBe('YOUR CITY');
  });

  it('names unknown variables and leaves them visible', () => {
    expect(renderTemplate('Hi {{frist_name}}, use {{coupon}}', vars)).toEqual({
      text: 'Hi {{frist_name}}, use {{coupon}}',
      unknown: ['frist_name', 'coupon'],
    });
  });

  it('leaves text without tokens and Liquid tags alone', () => {
    expect(renderTemplate('50% off {% if city %}today{% endif %} {{ }}', vars).text).toBe('50% off {% if city %}today{% endif %} {{ }}');
  });

  it('strips whitespace around {{- and -}}', () => {
    expect(renderTemplate('Hi   {{- city -}}   !', { city: 'Pune' }).text).toBe('HiPune!');
  });
});

describe('customerVariables', () => {
  it('reads the first name, trims, and leaves missing values empty', () => {
    const v = customerVariables(ASHA);
    expect(v.first_name).toBe('Asha');
    expect(v.name).toBe('Asha  Verma');
    expect(v.email).toBeNull();
    expect(v.total_spend).toBe('₹1,24,500.50');
    expect(v.last_order_date).toMatch(/^3 Mar 2025$/);
    expect(customerVariables({ ...ASHA, total_spend: 124500, last_order_at: null })).toMatchObject({
      total_spend: '₹1,24,500',
      last_order_date: null,
    });
  });

  it('formats message dates as day, short month, year', () => {
    expect(messageDate(null)).toBeNull();
    expect(messageDate('nonsense')).toBeNull();
    expect(messageDate('2025-09-15T12:00:00Z')).toBe('15 Sep 2025');
  });

  it('stands in the examples when there is no customer to show', () => {
    expect(exampleVariables([{ name: 'city', description: 'x', example: 'Pune' }])).toEqual({ city: 'Pune' });
  });
});

describe('insertToken', () => {
  it('inserts a token with a fallback at the caret and selects the fallback', () => {
    const { text, selection } = insertToken('Hi !', 3, 3, 'first_name');
    expect(text).toBe('Hi {{first_name | default: "there"}}!');
    expect(text.slice(...selection)).toBe('there');
  });

  it('replaces a selection, and puts the caret after a token without fallback', () => {
    const { text, selection } = insertToken('You spent X so far', 10, 11, 'total_spend');
    expect(text).toBe('You spent {{total_spend}} so far');
    expect(selection).toEqual([25, 25]);
  });

  it('clamps a caret outside the text', () => {
    expect(insertToken('ab', 10, 12, 'order_count').text).toBe('ab{{order_count}}');
  });

  it('writes tokens the renderer reads back', () => {
    expect(renderTemplate(tokenFor('city').token, { city: null }).text).toBe('your city');
  });
});
