/**
 * `npm run bench -- SECTION` re-measures one standing section: its rows, and only its rows,
 * replace the old ones in BENCHMARKS.md's standing table.
 */
import { blockBody, mergeStanding } from '../../../bench/run';

const row = (benchmark: string, c: string, result: string) => ({ benchmark, case: c, result, target: '≤ 1', met: true });

const OLD = [
  'Measured by `npm run bench` (medians of repeated runs) on machine A.',
  '',
  '| benchmark | case | result (median) | target | met |',
  '|---|---|---|---|---|',
  '| threads | quiet | ×1.02 | ≤ 1 | yes |',
  '| threads | busy | ×1.03 | ≤ 1 | yes |',
  '| mask update | dab | 9 ms | ≤ 1 | yes |',
  '| mask update | whole | 48 ms | ≤ 1 | **no** |',
  '| fps | 512 | 140 FPS | ≤ 1 | yes |',
].join('\n');

describe('re-measuring one standing section', () => {
  test('its rows replace its old ones in place; the others and the first measurement line stay', () => {
    const body = mergeStanding(OLD, [row('mask update', 'dab', '3 ms'), row('mask update', 'whole', '9 ms')], ['mask update'], 'machine B');
    const lines = body.split('\n');
    expect(lines[0]).toBe('Measured by `npm run bench` (medians of repeated runs) on machine A.');
    expect(lines).toContain('Sections mask update re-measured on machine B.');
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| benchmark'));
    expect(rows).toEqual([
      '| threads | quiet | ×1.02 | ≤ 1 | yes |',
      '| threads | busy | ×1.03 | ≤ 1 | yes |',
      '| mask update | dab | 3 ms | ≤ 1 | yes |',
      '| mask update | whole | 9 ms | ≤ 1 | yes |',
      '| fps | 512 | 140 FPS | ≤ 1 | yes |',
    ]);
    // again: one note line, not two
    const twice = mergeStanding(body, [row('fps', '512', '150 FPS')], ['fps'], 'machine C');
    expect(twice.split('\n').filter((l) => l.startsWith('Sections '))).toEqual(['Sections fps re-measured on machine C.']);
    expect(twice).toContain('| mask update | whole | 9 ms |');
    expect(twice).toContain('| fps | 512 | 150 FPS |');
    expect(twice).not.toContain('140 FPS');
  });

  test('a benchmark new to the table is added at the end; no old table gives a fresh one', () => {
    const body = mergeStanding(OLD, [row('idle', '10 s', '0 frames')], ['idle'], 'B');
    expect(body.split('\n').filter((l) => l.startsWith('| ')).pop()).toBe('| idle | 10 s | 0 frames | ≤ 1 | yes |');
    expect(mergeStanding(null, [row('idle', '10 s', '0 frames')], ['idle'], 'B')).toContain('| idle | 10 s | 0 frames |');
  });

  test('the standing block is read between its markers', () => {
    expect(blockBody('x\n<!-- bench:standing -->\nA\nB\n<!-- /bench:standing -->\ny', 'standing')).toBe('A\nB');
    expect(blockBody('nothing here', 'standing')).toBeNull();
  });
});
