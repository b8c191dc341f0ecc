import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { readPlainRecords } from '../src/cost-table/cost-table.csv.js';

// The options cost-table.csv.ts gives csv-parse; the plain reader must agree with them exactly.
const viaCsvParse = (text: string): { row: number; cells: string[] }[] =>
  (parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as unknown as { record: string[]; info: { lines: number } }[]).map((p) => ({ row: p.info.lines, cells: p.record }));

const PIECES = ['model.0.act', 'relu', 'silu', '937.89', '-17.6936', '0', '', ' ', '  ', '\t', 'ms', 'a b', ',', ',', ',', '#', "'", 'é', '"', '\f', '\u00a0', '\r', '\n', '\n', '\r\n', '\r\n', '\n\n'];

type Rng = ReturnType<typeof xoroshiro128plus>;

function randomCsv(rng: Rng): string {
  const length = uniformInt(rng, 0, 40);
  let text = uniformInt(rng, 0, 9) === 0 ? '\ufeff' : '';
  for (let i = 0; i < length; i++) text += PIECES[uniformInt(rng, 0, PIECES.length - 1)]!;
  return text;
}

describe('plain CSV records', () => {
  it('agrees with csv-parse on every input it reads, and leaves the rest to csv-parse', () => {
    const rng = xoroshiro128plus(17);
    let read = 0;
    for (let i = 0; i < 5000; i++) {
      const text = randomCsv(rng);
      const plain = readPlainRecords(text);
      if (plain === undefined) continue;
      read++;
      expect(plain, JSON.stringify(text)).toEqual(viaCsvParse(text));
    }
    // Enough of the generated inputs take the plain path for the comparison to mean something.
    expect(read).toBeGreaterThan(500);
  });

  it('reads the example tables (LF and CRLF, with a BOM) as csv-parse does', () => {
    const text = readFileSync(new URL('../examples/yolov5nu-synthetic/latency.csv', import.meta.url), 'utf8');
    for (const variant of [text, `\ufeff${text.replaceAll('\n', '\r\n')}`]) {
      const plain = readPlainRecords(variant);
      expect(plain).toBeDefined();
      expect(plain).toEqual(viaCsvParse(variant));
    }
  });

  it('leaves quoted fields, mixed line endings and non-ASCII text to csv-parse', () => {
    for (const text of ['a,"b,c"\n', 'a,b\r\n1,2\n', 'a,b\n1,2\r\n', 'layer,delta\nmodel.0.act,−1\n', 'a,b\n  \n1,2\n', 'a\r1\r']) expect(readPlainRecords(text), JSON.stringify(text)).toBeUndefined();
  });
});
