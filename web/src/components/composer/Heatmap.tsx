// When an audience orders: a day × hour grid (Monday first), each cell shaded by its share of the
// busiest hour. A plain table, so that a screen reader reads day, hour and count; the count of each
// cell is in its text (visually hidden) and its tooltip.

import { Box, Text, VisuallyHidden } from '@mantine/core';
import { number } from '../../lib/format';

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** 0..1 of the busiest cell. */
export function intensities(histogram: number[][]): number[][] {
  const max = Math.max(0, ...histogram.flat());
  return histogram.map((row) => row.map((v) => (max > 0 ? v / max : 0)));
}

export interface HeatmapProps {
  histogram: number[][];
  /** The zone the hours are in (`Asia/Kolkata`). */
  timezone: string;
  /** Cells to ring: the recommended slots. */
  marked?: { day: number; hour: number }[];
}

export function Heatmap({ histogram, timezone, marked = [] }: HeatmapProps) {
  const shades = intensities(histogram);
  const isMarked = (d: number, h: number) => marked.some((m) => m.day === d && m.hour === h);
  return (
    <Box style={{ overflowX: 'auto' }}>
      <table style={{ width: '100%', minWidth: 320, borderCollapse: 'separate', borderSpacing: 2, tableLayout: 'fixed' }}>
        <caption style={{ captionSide: 'bottom', textAlign: 'left' }}>
          <Text size="xs" c="dimmed" mt={4}>
            Orders by day and hour ({timezone}); darker is busier, ringed cells are the recommended slots.
          </Text>
        </caption>
        <thead>
          <tr>
            <th style={{ width: 34 }}>
              <VisuallyHidden>Day</VisuallyHidden>
            </th>
            {Array.from({ length: 24 }, (_, h) => (
              <th key={h} scope="col" style={{ fontWeight: 400, padding: 0 }}>
                {h % 6 === 0 ? (
                  <Text size="10px" c="dimmed" ta="left" style={{ whiteSpace: 'nowrap' }}>
                    {h}h
                  </Text>
                ) : null}
                <VisuallyHidden>{hourLabel(h)}</VisuallyHidden>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {histogram.map((row, d) => (
            <tr key={d}>
              <th scope="row" style={{ fontWeight: 500, textAlign: 'left', padding: 0 }}>
                <Text size="xs">{(DAYS[d] ?? '').slice(0, 3)}</Text>
                <VisuallyHidden>{(DAYS[d] ?? '').slice(3)}</VisuallyHidden>
              </th>
              {row.map((count, h) => {
                const share = Math.round((shades[d]?.[h] ?? 0) * 100);
                const ring = isMarked(d, h);
                return (
                  <td
                    key={h}
                    title={`${DAYS[d]} ${hourLabel(h)}–${hourLabel((h + 1) % 24)}: ${number(count)} orders${ring ? ' (recommended)' : ''}`}
                    style={{
                      height: 18,
                      padding: 0,
                      borderRadius: 3,
                      background:
                        count > 0
                          ? `color-mix(in srgb, var(--mantine-color-indigo-7) ${Math.max(8, share)}%, var(--mantine-color-gray-0))`
                          : 'var(--mantine-color-gray-1)',
                      outline: ring ? '2px solid var(--mantine-color-orange-6)' : undefined,
                      outlineOffset: ring ? -1 : undefined,
                    }}
                    data-testid={`heat-${d}-${h}`}
                  >
                    <VisuallyHidden>
                      {number(count)} orders{ring ? ', recommended' : ''}
                    </VisuallyHidden>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Box>
  );
}
