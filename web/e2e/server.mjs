// Starts a real `minicrm serve` on a fresh SQLite database for the browser tests, and reads the
// one-time sign-in link it prints.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** `webDir`: a built UI to serve instead of the one in the binary (else the caller's MINICRM_WEB_DIR, if any). */
export async function startServer({ binary, webDir }) {
  const dir = mkdtempSync(join(tmpdir(), 'minicrm-e2e-'));
  const [port, vendorPort] = [await freePort(), await freePort()];
  const env = { ...process.env };
  // The embedded default: SQLite and the database queue, whatever the calling shell names.
  delete env.MINICRM_AMQP_URL;
  delete env.DATABASE_URL;
  const child = spawn(resolve(binary), ['serve'], {
    env: {
      ...env,
      DATABASE_URL: `sqlite://${join(dir, 'minicrm.db')}`,
      MINICRM_BIND: `127.0.0.1:${port}`,
      MINICRM_VENDOR_BIND: `127.0.0.1:${vendorPort}`,
      ...(webDir ? { MINICRM_WEB_DIR: resolve(webDir) } : {}),
      MINICRM_VENDOR_LATENCY_MS: '100-600',
      MINICRM_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const link = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no sign-in link within 60 s; output: ${out}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/(http:\/\/\S+\/auth\/link\?token=\S+)/);
      if (found) {
        clearTimeout(timer);
        ok(found[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`minicrm exited with ${code}: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    link,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          ok();
        }, 15_000);
        child.on('exit', () => {
          clearTimeout(t);
          ok();
        });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deterministic demo data as CSV: customers across cities, orders over the last 120 days. */
export function demoCsv(customers = 400, orders = 1600) {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cities = ['Mumbai', 'Pune', 'Delhi', 'Bengaluru', 'Chennai', 'Jaipur'];
  const first = ['Asha', 'Ravi', 'Meera', 'Arjun', 'Zoya', 'Kabir', 'Isha', 'Vikram', 'Neha', 'Rohan'];
  const last = ['Rao', 'Kumar', 'Shah', 'Iyer', 'Khan', 'Singh', 'Patel', 'Nair'];
  const rows = ['external_id,name,email,phone,city,tier'];
  for (let i = 1; i <= customers; i++) {
    const name = `${first[i % first.length]} ${last[(i * 7) % last.length]}`;
    const email = i % 9 === 0 ? '' : `${name.toLowerCase().replace(' ', '.')}${i}@example.com`;
    const phone = i % 11 === 0 ? '' : `98${String(10000000 + i * 7919).slice(0, 8)}`;
    const tier = ['gold', 'silver', 'bronze'][i % 3];
    rows.push(`C${i},${name},${email},${phone},${cities[i % cities.length]},${tier}`);
  }
  // Two rows the import must refuse, with their reasons.
  rows.push('C-bad-1,,nobody@example.com,,Pune,gold');
  rows.push('C-bad-2,Bad Email,not-an-email,,Pune,gold');
  const orderRows = ['external_id,customer_external_id,amount,ordered_at,status'];
  const now = Date.now();
  for (let i = 1; i <= orders; i++) {
    const customer = 1 + Math.floor(rand() * customers * 0.8);
    const daysAgo = Math.floor(rand() * 120);
    const hour = 9 + Math.floor(rand() * 13);
    const at = new Date(now - daysAgo * 86_400_000);
    at.setUTCHours(hour - 5, 30, 0, 0);
    const amount = (200 + Math.floor(rand() * 6000)).toFixed(2);
    orderRows.push(`O${i},C${customer},${amount},${at.toISOString()},completed`);
  }
  return { customers: rows.join('\n') + '\n', orders: orderRows.join('\n') + '\n' };
}
