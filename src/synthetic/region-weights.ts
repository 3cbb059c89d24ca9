import { readCsv } from '../csv/csv-reader.js';
import { isRegionsHeader, regionLayout, type RegionLayout } from '../regions/region-rows.js';
import type { RegionWeight } from './synthetic-contacts.js';

/** District codes and populations from a regions file (official or generic layout), to spread contacts by. */
export async function regionWeights(path: string): Promise<RegionWeight[]> {
  let layout: RegionLayout | undefined;
  const weights: RegionWeight[] = [];
  await readCsv(
    path,
    {
      isHeader: isRegionsHeader,
      expectedHeader: 'a regions header',
      onHeader: (header, sniffed) => (layout = regionLayout(header, sniffed.delimiter)),
    },
    ({ cells }) => {
      const { row } = layout!.parse(cells);
      if (row && row.level === 'constituency') {
        weights.push({
          code: row.code,
          population: row.values.find((v) => v.key === 'population_k')?.value ?? 1,
        });
      }
    },
  );
  if (weights.length === 0) throw new Error(`${path} holds no districts to place contacts in`);
  return weights;
}
