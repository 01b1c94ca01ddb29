import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, problem, renderAt, reply } from '../components/rules/fakeApi';
import { SEGMENT } from '../components/rules/fixtures';
import { ADMIN, VIEWER } from '../test-utils';
import { Segments } from './Segments';

const OTHER = { ...SEGMENT, id: 'seg-2', name: 'Lapsed', description: null, last_count: 98765, created_by: 'user:ravi@example.com' };

describe('Segments', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists segments with their last count, and deletes one after a confirmation', async () => {
    let items = [SEGMENT, OTHER];
    const calls = fakeApi({
      'GET /api/v1/segments': () => ({ items, next_cursor: null }),
      'DELETE /api/v1/segments/*': (call) => {
        items = items.filter((s) => !call.url.endsWith(s.id));
        return reply(204);
      },
    });
    renderAt(<Segments />, { path: '/segments', route: '/segments', me: ADMIN });
    // A table on wide screens and cards on phones are both in the DOM; CSS shows one.
    expect((await screen.findAllByRole('link', { name: 'Big spenders' }))[0]).toHaveAttribute('href', '/segments/seg-1');
    expect(screen.getAllByText('98,765').length).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: /New segment/ })).toHaveAttribute('href', '/segments/new');

    const user = userEvent.setup();
    await user.click(screen.getAllByRole('button', { name: 'Actions for Lapsed' })[0]!);
    await user.click(await screen.findByRole('menuitem', { name: /Delete/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this segment?' });
    expect(within(dialog).getByText('Lapsed')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Delete segment' }));

    await waitFor(() => expect(screen.queryAllByRole('link', { name: 'Lapsed' })).toHaveLength(0));
    expect(calls.find((c) => c.method === 'DELETE')?.url).toBe('/api/v1/segments/seg-2');
  });

  it('keeps the dialog open with the reason when the segment cannot be deleted', async () => {
    fakeApi({
      'GET /api/v1/segments': () => ({ items: [SEGMENT], next_cursor: null }),
      'DELETE /api/v1/segments/*': () => problem(409, "segment 'seg-1' is the audience of a campaign and cannot be deleted"),
    });
    renderAt(<Segments />, { path: '/segments', route: '/segments', me: ADMIN });
    const user = userEvent.setup();
    await user.click((await screen.findAllByRole('button', { name: 'Actions for Big spenders' }))[0]!);
    await user.click(await screen.findByRole('menuitem', { name: /Delete/ }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete segment' }));
    expect(await within(dialog).findByText(/is the audience of a campaign/)).toBeInTheDocument();
  });

  it('says when there are none, and offers no changes to a viewer', async () => {
    fakeApi({ 'GET /api/v1/segments': () => ({ items: [], next_cursor: null }) });
    renderAt(<Segments />, { path: '/segments', route: '/segments', me: VIEWER });
    expect(await screen.findByText('No segments yet')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /New segment/ })).not.toBeInTheDocument();
  });
});
