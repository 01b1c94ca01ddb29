import { money, number, percent } from './format';

describe('format', () => {
  it('groups rupees the Indian way', () => {
    expect(money(1245000)).toBe('₹12,45,000');
    expect(money('1499.50')).toBe('₹1,499.50');
    expect(money(null)).toBe('—');
  });
  it('groups counts the Indian way', () => {
    expect(number(1234567)).toBe('12,34,567');
  });
  it('shows rates as percentages', () => {
    expect(percent(0.875)).toBe('87.5 %');
    expect(percent(79.8, false)).toBe('79.8 %');
  });
});
