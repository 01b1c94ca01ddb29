import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, problem, renderAt } from '../components/rules/fakeApi';
import { customer, FIELDS, SEGMENT } from '../components/rules/fixtures';
import { ADMIN, VIEWER } from '../test-utils';
import { SegmentEditor } from './SegmentEditor';

const AI_ANSWER = {
  rules: {
    combinator: 'and',
    rules: [
      { field: 'last_order_at', operator: 'older_than_days', value: 180 },
      { field: 'total_spend', operator: '>', value: 5000 },
      { field: 'city', operator: 'in', value: ['Mumbai', 'Pune'] },
    ],
  },
  explanation: ['last order more than 180 days ago', 'total spend over ₹5,000', 'city is Mumbai or Pune'],
  unrecognised: ['with purple hats'],
  provider: 'local',
  fallback: null,
};

const fields = () => ({ fields: FIELDS });
const preview = () => ({ count: 48213, sample: [customer('Asha Verma', { total_spend: 1245000 })] });

describe('SegmentEditor', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fills the builder from a sentence, says what it did not understand, and counts the audience', async () => {
    const calls = fakeApi({
      'GET /api/v1/segments/fields': fields,
      'POST /api/v1/ai/segment-rules': () => AI_ANSWER,
      'POST /api/v1/segments/preview': preview,
    });
    renderAt(<SegmentEditor />, { path: '/segments/new', route: '/segments/new', me: ADMIN });
    expect(await screen.findByText('No rules yet')).toBeInTheDocument();

    const user = userEvent.setup();
    await user.type(
      screen.getByRole('textbox', { name: /describe the audience/i }),
      "haven't shopped in 6 months, spent over 5k, Mumbai or Pune, with purple hats",
    );
    await user.click(screen.getByRole('button', { name: 'Build rules' }));

    // What was not understood, prominently; what was, line by line; and who answered.
    expect(await screen.findByText('Not understood — check the rules')).toBeInTheDocument();
    expect(screen.getByText('“with purple hats”')).toBeInTheDocument();
    expect(screen.getByText('total spend over ₹5,000')).toBeInTheDocument();
    expect(screen.getByText('local')).toBeInTheDocument();

    // The builder now holds the three rules, with their values in its editors.
    expect(screen.getByRole('textbox', { name: 'Last order: days' })).toHaveValue('180');
    expect(screen.getByRole('textbox', { name: 'Total spend value' })).toHaveValue('₹5,000');
    expect(screen.getByText('Mumbai')).toBeInTheDocument();
    expect(screen.getByText('Pune')).toBeInTheDocument();

    // The live count follows, once, for exactly those rules.
    expect(await screen.findByText('48,213')).toBeInTheDocument();
    expect(screen.getByText('₹12,45,000')).toBeInTheDocument();
    const previews = calls.filter((c) => c.url === '/api/v1/segments/preview');
    expect(previews).toHaveLength(1);
    expect(previews[0]?.body).toEqual({ rules: AI_ANSWER.rules });
  });

  it('shows a rules error next to the builder, naming the rule, instead of a count', async () => {
    fakeApi({
      'GET /api/v1/segments/*': () => SEGMENT,
      'GET /api/v1/segments/fields': fields,
      'POST /api/v1/segments/preview': () =>
        problem(422, '1 problem(s) with the rules', {
          errors: [{ pointer: '/rules/rules/1/value', reason: "'Atlantis' is not a city we know" }],
        }),
    });
    renderAt(<SegmentEditor />, { path: '/segments/:id', route: '/segments/seg-1', me: ADMIN });
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText(/Rule 2 \(City\)/)).toBeInTheDocument();
    expect(within(alert).getByText(/is not a city we know/)).toBeInTheDocument();
    expect(screen.getByText(/The rules need fixing/)).toBeInTheDocument();
  });

  it('puts a duplicate name on the name field, and saves then returns to the list', async () => {
    let attempt = 0;
    const calls = fakeApi({
      'GET /api/v1/segments/*': () => SEGMENT,
      'GET /api/v1/segments/fields': fields,
      'POST /api/v1/segments/preview': preview,
      'PUT /api/v1/segments/seg-1': (call) => {
        attempt += 1;
        return attempt === 1
          ? problem(409, "a segment named 'Lapsed' exists already")
          : { ...SEGMENT, ...(call.body as object), last_count: 48213 };
      },
    });
    renderAt(<SegmentEditor />, { path: '/segments/:id', route: '/segments/seg-1', me: ADMIN });
    const name = await screen.findByRole('textbox', { name: /^Name/ });
    expect(name).toHaveValue('Big spenders');
    expect(screen.getByRole('link', { name: /Use in a campaign/ })).toHaveAttribute('href', '/campaigns/new?segment=seg-1');

    fireEvent.change(name, { target: { value: 'Lapsed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText("a segment named 'Lapsed' exists already")).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');

    fireEvent.change(name, { target: { value: 'Lapsed big spenders' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByTestId('location')).toHaveTextContent('/segments');
    const put = calls.filter((c) => c.method === 'PUT').at(-1);
    expect(put?.body).toEqual({ name: 'Lapsed big spenders', description: SEGMENT.description, rules: SEGMENT.rules });
  });

  it('lets a viewer look but not change', async () => {
    fakeApi({
      'GET /api/v1/segments/*': () => SEGMENT,
      'GET /api/v1/segments/fields': fields,
      'POST /api/v1/segments/preview': preview,
    });
    renderAt(<SegmentEditor />, { path: '/segments/:id', route: '/segments/seg-1', me: VIEWER });
    expect(await screen.findByText('Read-only')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /^Name/ })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Build rules' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Save/ })).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByText('48,213')).toBeInTheDocument());
  });
});
