/**
 * Imported Kalshi files → one batch for storage. Every file is parsed and checked before
 * anything is written (markets first, so quotes may refer to contracts of the same import or
 * of earlier ones); any error names its file, row and field and stores nothing.
 */
import { groupQuotes, KalshiInputError, type KalshiFileKind, parseMarketsFile, parseOutcomesFile, parseQuotesFile } from '../../engine/kalshi/files';
import type { EventContract, EventMarket, EventOutcome, MarketQuotes } from '../../engine/kalshi/types';
import type { KalshiBatch } from '../../storage/kalshi';

export interface KalshiFileInput {
  name: string;
  kind: KalshiFileKind;
  text: string;
}

export interface ParsedKalshiFiles {
  batch: KalshiBatch;
  warnings: string[];
}

export function parseKalshiFiles(files: readonly KalshiFileInput[], storedContracts: ReadonlyMap<string, string>): ParsedKalshiFiles {
  const order: KalshiFileKind[] = ['markets', 'quotes', 'outcomes'];
  const sorted = [...files].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const markets = new Map<string, EventMarket>();
  const contracts = new Map<string, EventContract>();
  const quotes: MarketQuotes[] = [];
  const outcomes: EventOutcome[] = [];
  const warnings: string[] = [];
  const contractMarket = new Map(storedContracts);
  for (const f of sorted) {
    if (f.kind === 'markets') {
      const p = parseMarketsFile(f.text, f.name);
      for (const m of p.markets) markets.set(m.market_id, m);
      for (const c of p.contracts) {
        const prev = contractMarket.get(c.contract_id);
        if (prev !== undefined && prev !== c.market_id) {
          throw new KalshiInputError(f.name, `contract ${c.contract_id}`, 'market_id', `already stored under market ${prev}; a contract belongs to one market`);
        }
        contractMarket.set(c.contract_id, c.market_id);
        contracts.set(c.contract_id, c);
      }
      const noType = p.markets.filter((m) => m.event_type === '').length;
      if (noType > 0) warnings.push(`${f.name}: ${noType} market(s) without event_type are grouped as UNKNOWN`);
    } else if (f.kind === 'quotes') {
      const rows = parseQuotesFile(f.text, f.name);
      // Two quote files for one market in one import: merge them in file order.
      for (const g of groupQuotes(rows, contractMarket, f.name)) quotes.push(g);
    } else {
      outcomes.push(...parseOutcomesFile(f.text, f.name));
    }
  }
  return { batch: { markets: [...markets.values()], contracts: [...contracts.values()], quotes, outcomes }, warnings };
}
