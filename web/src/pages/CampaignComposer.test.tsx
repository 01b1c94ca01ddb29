import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, problem, renderAt } from '../components/rules/fakeApi';
import { customer, FIELDS, SEGMENT } from '../components/rules/fixtures';
import { ADMIN, VIEWER } from '../test-utils';
import { CampaignComposer } from './CampaignComposer';

const VARIABLES = {
  variables: [
    { name: 'first_name', description: "the first word of the customer's name", example: 'Asha' },
    { name: 'city', description: "the customer's city", example: 'Pune' },
    { name: 'total_spend', description: "completed orders' total", example: '₹12,450' },
  ],
};

const VARIANTS = {
  objective: 'festive_sale',
  variants: [
    { angle: 'Personal', message: 'Hi {{first_name | default: "there"}}, the festive season is here!', max_chars: 90 },
    { angle: 'Offer-led', message: 'Hi {{first_name | default: "there"}}, 40% off in {{city | default: "your city"}}!', max_chars: 84 },
    { angle: 'Urgent', message: '{{first_name | default: "Hey"}}! 48 hours left.', max_chars: 60 },
  ],
  provider: 'local',
  fallback: null,
};

const SEND_TIME = {
  recommended: [
    { day: 'sunday', hour: 21, share: 0.025, next_at: '2026-11-29T21:00:00+05:30' },
    { day: 'thursday', hour: 20, share: 0.024, next_at: '2026-12-03T20:00:00+05:30' },
  ],
  histogram: Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d === 6 && h === 21 ? 40 : h))),
  confidence: 0.75,
  basis: 'audience',
  explanation: 'From 892 orders of this audience: Sunday around 21:00 is the busiest hour of the week.',
  orders: 892,
  timezone: 'Asia/Kolkata',
};

function routes(extra: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'GET /api/v1/segments': () => ({ items: [SEGMENT], next_cursor: null }),
    'GET /api/v1/segments/fields': () => ({ fields: FIELDS }),
    'GET /api/v1/campaigns/variables': () => VARIABLES,
    'POST /api/v1/segments/preview': () => ({ count: 1234, sample: [customer('Asha Verma', { city: 'Pune' })] }),
    'POST /api/v1/ai/messages': () => VARIANTS,
    'POST /api/v1/ai/send-time': () => SEND_TIME,
    'POST /api/v1/campaigns': (call) => ({
      id: 'cmp-1',
      status: 'scheduled',
      stats: { audience: 1234 },
      ...(call.body as object),
    }),
    ...extra,
  });
}

const open = (route = '/campaigns/new?segment=seg-1', me = ADMIN) =>
  renderAt(<CampaignComposer />, { path: '/campaigns/new', route, me });

describe('CampaignComposer', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fills the message from an AI variant, previews it for a customer of the audience, and launches', async () => {
    const calls = routes();
    open();
    const user = userEvent.setup();

    // The preselected segment and its live audience.
    expect(await screen.findByText('1,234')).toBeInTheDocument();
    expect(screen.getByText('for Asha Verma')).toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Diwali');
    await user.type(screen.getByRole('combobox', { name: 'Objective' }), 'festive sale');
    await user.click(screen.getByRole('button', { name: 'Write three variants' }));

    const offer = await screen.findByRole('article', { name: 'Offer-led variant' });
    expect(screen.getAllByRole('article')).toHaveLength(3);
    await user.click(within(offer).getByRole('button', { name: 'Use the Offer-led variant' }));

    expect(screen.getByRole('textbox', { name: /^Message/ })).toHaveValue(VARIANTS.variants[1]!.message);
    expect(screen.getByTestId('preview-body')).toHaveTextContent('Hi Asha, 40% off in Pune!');
    expect(screen.getByText('Preview: 25 / 160 characters')).toBeInTheDocument();

    // The variants were asked for this objective, channel and audience.
    expect(calls.find((c) => c.url === '/api/v1/ai/messages')?.body).toEqual({
      objective: 'festive sale',
      channel: 'sms',
      rules: SEGMENT.rules,
    });

    await user.click(screen.getByRole('button', { name: 'Launch campaign' }));
    expect(await screen.findByTestId('location')).toHaveTextContent('/campaigns/cmp-1');
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/v1/campaigns')?.body).toEqual({
      name: 'Diwali',
      segment_id: 'seg-1',
      channel: 'sms',
      message: VARIANTS.variants[1]!.message,
      objective: 'festive sale',
    });
  });

  it('inserts a personalisation token at the caret', async () => {
    routes();
    open();
    const message = await screen.findByRole('textbox', { name: /^Message/ });
    fireEvent.change(message, { target: { value: 'Hi !' } });
    (message as HTMLTextAreaElement).setSelectionRange(3, 3);
    fireEvent.click(await screen.findByRole('button', { name: 'Insert first name' }));
    expect(message).toHaveValue('Hi {{first_name | default: "there"}}!');
    await waitFor(() => expect(screen.getByTestId('preview-body')).toHaveTextContent('Hi Asha!'));
  });

  it('asks for a subject for e-mail, and shows the server’s problems on their fields', async () => {
    const calls = routes({
      'POST /api/v1/campaigns': () =>
        problem(422, 'message: unknown variable', {
          field: 'message',
          errors: [
            {
              field: 'message',
              pointer: '/message',
              reason: "unknown variable 'coupon'; known: first_name, name, city, total_spend, order_count, last_order_date, email",
            },
          ],
        }),
    });
    open();
    const user = userEvent.setup();
    await screen.findByText('1,234');
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Welcome mail');
    await user.click(screen.getByRole('radio', { name: 'E-mail' }));
    fireEvent.change(screen.getByRole('textbox', { name: /^Message/ }), { target: { value: 'Use {{coupon}} today' } });
    expect(screen.getByText(/Not a personalisation variable: \{\{coupon\}\}/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Launch campaign' }));
    expect(await screen.findByText('An e-mail needs a subject.')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/campaigns')).toBe(false);

    fireEvent.change(screen.getByRole('textbox', { name: /^Subject/ }), { target: { value: 'Hello {{first_name}}' } });
    expect(screen.getByTestId('preview-subject')).toHaveTextContent('Hello Asha');
    await user.click(screen.getByRole('button', { name: 'Launch campaign' }));
    expect(await screen.findByText(/unknown variable 'coupon'/)).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /^Message/ })).toHaveAttribute('aria-invalid', 'true');
    const sent = calls.find((c) => c.method === 'POST' && c.url === '/api/v1/campaigns')?.body;
    expect(sent).toMatchObject({ channel: 'email', subject: 'Hello {{first_name}}' });
  });

  it('recommends a send time from the audience and sends at the chosen slot', async () => {
    const calls = routes();
    open();
    const user = userEvent.setup();
    await screen.findByText('1,234');
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Weekend');
    fireEvent.change(screen.getByRole('textbox', { name: /^Message/ }), { target: { value: 'Hi {{first_name}}' } });
    await user.click(screen.getByRole('radio', { name: 'Recommended' }));

    expect(await screen.findByText(/Sunday around 21:00 is the busiest hour/)).toBeInTheDocument();
    expect(screen.getByText('75.0 %')).toBeInTheDocument();
    expect(screen.getByTestId('heat-6-21')).toHaveAttribute('title', 'Sunday 21:00–22:00: 40 orders (recommended)');
    expect(calls.find((c) => c.url === '/api/v1/ai/send-time')?.body).toEqual({ segment_id: 'seg-1' });

    await user.click(screen.getByRole('button', { name: 'Schedule campaign' }));
    expect(await screen.findByText('Pick one of the recommended slots.')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: /Thursday, 20:00/ }));
    await user.click(screen.getByRole('button', { name: 'Schedule campaign' }));
    await screen.findByTestId('location');
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/v1/campaigns')?.body).toMatchObject({
      send_at: '2026-12-03T20:00:00+05:30',
    });
  });

  it('shows a viewer a read-only notice instead of the composer', async () => {
    routes();
    open('/campaigns/new', VIEWER);
    expect(await screen.findByText('Read-only')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Launch/ })).not.toBeInTheDocument();
  });
});
