import { screen } from '@testing-library/react';
import { mockFetch, renderPage } from '../test-utils';
import { Customers, customersQuery } from './Customers';

describe('customersQuery', () => {
  it('sends only the filters that are set', () => {
    expect(customersQuery({ q: ' asha ', city: '', minSpend: '', minOrders: '' }, null)).toBe(
      '/api/v1/customers?limit=25&q=asha',
    );
    expect(customersQuery({ q: '', city: 'Pune', minSpend: 5000, minOrders: 2 }, 'abc')).toBe(
      '/api/v1/customers?limit=25&city=Pune&min_spend=5000&min_orders=2&cursor=abc',
    );
  });
});

describe('Customers page', () => {
  it('lists customers with ₹ amounts grouped the Indian way', async () => {
    mockFetch({
      '/api/v1/customers': {
        items: [
          {
            external_id: 'C1', name: 'Asha Rao', email: 'asha@example.com', phone: '+919876543210', city: 'Pune',
            attributes: {}, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z',
            total_spend: 124500, order_count: 3, avg_order_value: 41500, first_order_at: null, last_order_at: null,
          },
        ],
        next_cursor: null,
      },
    });
    renderPage(<Customers />, { path: '/customers', route: '/customers' });
    expect(await screen.findByText('Asha Rao')).toBeInTheDocument();
    expect(screen.getByText('₹1,24,500')).toBeInTheDocument();
  });

  it('says so when nothing matches', async () => {
    mockFetch({ '/api/v1/customers': { items: [], next_cursor: null } });
    renderPage(<Customers />, { path: '/customers', route: '/customers' });
    expect(await screen.findByText('No customers match')).toBeInTheDocument();
  });
});
