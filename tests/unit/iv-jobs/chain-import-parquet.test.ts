import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { getOptionChain } from '../../../src/storage/option-chains';
import { parquetTableToCsvText } from '../../../src/storage/sources/parquet-table-text';
import { checksumColumns } from '../../../src/engine/core/hash';
import { putChainUpload } from '../../../src/storage/option-chains';
import type { QeDb } from '../../../src/storage/db';
import { computeHost, fixtureText, stage } from './helpers';

const ID = 'XYZ|2024-03-15';

/** The fixture's rows as typed Parquet columns: dates as midnight timestamps, numbers as DOUBLE. */
function fixtureAsParquet(keepRow: (cells: string[]) => boolean): { bytes: Uint8Array; csv: string } {
  const [header, ...lines] = fixtureText().trim().split('\n');
  const rows = lines.map((l) => l.split(',')).filter(keepRow);
  const names = header.split(',');
  const col = (name: string) => rows.map((r) => r[names.indexOf(name)]);
  const num = (name: string) => col(name).map((v) => (v === '' ? null : Number(v)));
  const date = (name: string) => col(name).map((v) => new Date(`${v}T00:00:00Z`));
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'QuoteDate', data: date('QuoteDate'), type: 'TIMESTAMP' },
      { name: 'Symbol', data: col('Symbol'), type: 'STRING' },
      { name: 'Expiration', data: date('Expiration'), type: 'TIMESTAMP' },
      { name: 'Strike', data: num('Strike'), type: 'DOUBLE' },
      { name: 'Type', data: col('Type'), type: 'STRING' },
      { name: 'Bid', data: num('Bid'), type: 'DOUBLE' },
      { name: 'Ask', data: num('Ask'), type: 'DOUBLE' },
      { name: 'Last', data: num('Last'), type: 'DOUBLE' },
      { name: 'Underlying', data: num('Underlying'), type: 'DOUBLE' },
      { name: 'Rate', data: num('Rate'), type: 'DOUBLE' },
      { name: 'DividendYield', data: num('DividendYield'), type: 'DOUBLE' },
    ],
  });
  return { bytes: new Uint8Array(buf), csv: [header, ...rows.map((r) => r.join(','))].join('\n') };
}

async function stageBytes(db: QeDb, name: string, bytes: Uint8Array) {
  return putChainUpload(db, {
    id: `chain-upload-${checksumColumns({ bytes }).slice(0, 24)}`,
    name,
    size: bytes.byteLength,
    checksum: checksumColumns({ bytes }),
    createdAt: '2024-06-01T12:00:00.000Z',
    bytes: bytes.slice().buffer,
  });
}

describe('option-chain import from Parquet', () => {
  // every row whose Strike is numeric (Parquet columns are typed: "abc" cannot be a DOUBLE)
  const numericStrike = (cells: string[]) => cells[3] !== 'abc';

  it('converts typed columns to the CSV the chain parser reads (dates, nulls, numbers)', async () => {
    const { bytes } = fixtureAsParquet(numericStrike);
    const text = await parquetTableToCsvText(bytes, 'chain.parquet');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('QuoteDate,Symbol,Expiration,Strike,Type,Bid,Ask,Last,Underlying,Rate,DividendYield');
    expect(lines[1]).toBe('2024-03-15,XYZ,2024-04-19,80,C,19.9387,20.3415,20.14,100,0.03,0.01');
    expect(lines.at(-1)).toBe('2024-03-15,XYZ,2024-05-17,107.5,C,,,,100,0.03,0.01');
  });

  it('stores the same chain (rows, codes, implied vols, SVI fit) as the equivalent CSV', async () => {
    const { bytes, csv } = fixtureAsParquet(numericStrike);
    const a = await computeHost();
    await a.run('iv_chain_import', { uploadId: (await stageBytes(a.db, 'chain.parquet', bytes)).id, fileName: 'chain.parquet' });
    const fromParquet = await getOptionChain(a.db, ID);
    const b = await computeHost();
    await b.run('iv_chain_import', { uploadId: (await stage(b.db, 'chain.csv', csv)).id, fileName: 'chain.csv' });
    const fromCsv = await getOptionChain(b.db, ID);
    expect(fromParquet.rows).toBe(113);
    expect(fromParquet.ok).toBe(fromCsv.ok);
    expect(fromParquet.failures.map((f) => [f.line, f.code])).toEqual(fromCsv.failures.map((f) => [f.line, f.code]));
    expect(Array.from(fromParquet.quotes.iv)).toEqual(Array.from(fromCsv.quotes.iv));
    expect(fromParquet.fit?.slices.map((s) => s.rmseIv)).toEqual(fromCsv.fit?.slices.map((s) => s.rmseIv));
  });

  it('refuses a file that only looks like Parquet, naming it', async () => {
    const junk = new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(parquetTableToCsvText(junk, 'broken.parquet')).rejects.toThrow(/broken\.parquet.*not a readable Parquet file/);
  });
});
