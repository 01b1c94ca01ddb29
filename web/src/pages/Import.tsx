// Import customers or orders from a CSV file: the upload with its progress, then the rows being
// persisted, and every row that was refused with its line, field and reason.

import { Alert, Anchor, Badge, Button, Card, Code, FileInput, Group, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconFileTypeCsv } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, csrf, type Problem } from '../api/client';
import type { Page, Schemas } from '../api/types';
import { useSession } from '../auth/session';
import { Empty, ErrorState } from '../components/States';
import { dateTime, number } from '../lib/format';

/** An import and its progress; `errors` holds the first of its `errors_total` row errors. */
export type ImportRecord = Schemas['ImportOut'];

const COLUMNS = {
  customers: 'external_id, name, email, phone, city, created_at, updated_at — any other column becomes an attribute',
  orders: 'external_id, customer_external_id, amount, currency, status, ordered_at',
};

/** Share of the valid rows that are persisted, 0..100. */
export function persistedPercent(r: ImportRecord): number {
  if (r.rows_valid === 0) return r.status === 'completed' || r.status === 'accepted' ? 100 : 0;
  return Math.min(100, Math.round((r.persisted * 100) / r.rows_valid));
}

/** Uploads with progress (fetch cannot report upload progress). */
function upload(file: File, kind: string, onProgress: (pct: number) => void): Promise<ImportRecord> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/imports?kind=${kind}&name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', 'application/json');
    const token = csrf();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded * 100) / e.total));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportRecord);
      else reject(new ApiError(xhr.status, body as Problem | null, `${xhr.status} ${xhr.statusText}`));
    };
    xhr.onerror = () => reject(new Error('The upload failed: the server could not be reached.'));
    xhr.send(file);
  });
}

function ImportProgress({ id }: { id: string }) {
  const record = useQuery({
    queryKey: ['import', id],
    queryFn: () => api.get<ImportRecord>(`/api/v1/imports/${id}`),
    refetchInterval: (q) => (q.state.data?.status === 'completed' || q.state.data?.status === 'failed' ? false : 1000),
  });
  if (record.isError) return <ErrorState error={record.error} retry={() => void record.refetch()} />;
  const r = record.data;
  if (!r) return null;
  const pct = persistedPercent(r);
  const errors = r.errors ?? [];
  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Text fw={600}>
            {r.name ?? 'Import'} · {r.kind}
          </Text>
          <Badge color={r.status === 'completed' ? 'green' : r.status === 'failed' ? 'red' : 'blue'}>{r.status}</Badge>
        </Group>
        <div>
          <Text size="sm" mb={4}>
            Persisted {number(r.persisted)} of {number(r.rows_valid)} valid rows
          </Text>
          <Progress value={pct} aria-label="Rows persisted" animated={pct < 100} />
        </div>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Text size="sm">Rows: {number(r.rows_total)}</Text>
          <Text size="sm">Valid: {number(r.rows_valid)}</Text>
          <Text size="sm" c={r.rows_rejected ? 'red' : undefined}>
            Refused: {number(r.rows_rejected)}
          </Text>
          <Text size="sm">Pending: {number(r.pending)}</Text>
        </SimpleGrid>
        {errors.length > 0 && (
          <>
            <Text fw={600} size="sm">
              Rows that failed and why
            </Text>
            <Table.ScrollContainer minWidth={420}>
              <Table striped aria-label="Rows that failed">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Line</Table.Th>
                    <Table.Th>Field</Table.Th>
                    <Table.Th>Reason</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {errors.map((e, i) => (
                    <Table.Tr key={`${e.line}-${i}`}>
                      <Table.Td>{e.line}</Table.Td>
                      <Table.Td>{e.field ?? '—'}</Table.Td>
                      <Table.Td>{e.reason}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {r.errors_total > errors.length && (
              <Text size="xs" c="dimmed">
                The first {number(errors.length)} of {number(r.errors_total)} problems are shown.
              </Text>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}

export function Import() {
  const { can } = useSession();
  const client = useQueryClient();
  const [kind, setKind] = useState<'customers' | 'orders'>('customers');
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const history = useQuery({ queryKey: ['imports'], queryFn: () => api.get<Page<ImportRecord>>('/api/v1/imports?limit=10') });

  if (!can('ingest')) {
    return (
      <Alert title="Import needs the ingest permission" color="yellow">
        Your role can read customers but not import them. Ask an admin.
      </Alert>
    );
  }
  const start = async () => {
    if (!file) return;
    setError(null);
    setUploading(0);
    try {
      const record = await upload(file, kind, setUploading);
      setCurrent(record.id);
      setFile(null);
      void client.invalidateQueries({ queryKey: ['imports'] });
    } catch (e) {
      setError(e);
    } finally {
      setUploading(null);
    }
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        Import
      </Title>
      <Card withBorder>
        <Stack>
          <SegmentedControl
            aria-label="What the file holds"
            value={kind}
            onChange={setKind}
            data={[
              { label: 'Customers', value: 'customers' },
              { label: 'Orders', value: 'orders' },
            ]}
          />
          <Text size="sm">
            A CSV file with a header row. Columns: <Code>{COLUMNS[kind]}</Code>. Import customers before their orders.
          </Text>
          <FileInput
            label="CSV file"
            placeholder="Choose a .csv file"
            accept=".csv,text/csv"
            leftSection={<IconFileTypeCsv size={18} aria-hidden />}
            value={file}
            onChange={setFile}
            clearable
          />
          {uploading !== null && <Progress value={uploading} aria-label="Upload" striped animated />}
          {error !== null && <ErrorState error={error} />}
          <Group>
            <Button onClick={() => void start()} disabled={!file} loading={uploading !== null}>
              Import {kind}
            </Button>
          </Group>
        </Stack>
      </Card>
      {current && <ImportProgress id={current} />}
      <Title order={2} size="h4">
        Earlier imports
      </Title>
      {history.isError && !(history.error instanceof ApiError && history.error.status === 404) && (
        <ErrorState error={history.error} retry={() => void history.refetch()} />
      )}
      {history.data && history.data.items.length === 0 && <Empty title="No imports yet" />}
      {history.data && history.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>File</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Valid</Table.Th>
                <Table.Th ta="right">Refused</Table.Th>
                <Table.Th>When</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.data.items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Anchor component="button" onClick={() => setCurrent(r.id)}>
                      {r.name ?? r.id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{r.kind}</Table.Td>
                  <Table.Td>{r.status}</Table.Td>
                  <Table.Td ta="right">{number(r.rows_valid)}</Table.Td>
                  <Table.Td ta="right">{number(r.rows_rejected)}</Table.Td>
                  <Table.Td>{dateTime(r.created_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
