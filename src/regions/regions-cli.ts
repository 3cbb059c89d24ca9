import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { AuditEntry } from '../audit/audit-entry.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { UsageError } from '../common/errors.js';
import type { Env } from '../config/config.js';
import type { ImportReport } from '../csv/import-context.js';
import { RegionsService } from './regions.service.js';

/** What an import did beyond its rows (region sets, columns it did not read, empty lines), in lines a person reads. */
export function reportLines(report: ImportReport): string[] {
  const lines: string[] = [];
  if (report.sets?.length) lines.push(`region sets: ${report.sets.join(', ')}`);
  for (const e of report.editions ?? []) {
    lines.push(`${e.set} against ${e.comparedWith}: ${e.unchanged} unchanged, ${e.changedCount} changed`);
    for (const c of e.changed.slice(0, 10)) lines.push(`  ${c.code}: ${c.why}`);
    if (e.changedCount > 10) lines.push(`  … and ${e.changedCount - 10} more`);
  }
  for (const c of report.current ?? []) {
    const { byPostcode, sameDistrict, unassigned, moved } = c.contacts;
    lines.push(
      `current ${c.level} set: ${c.to}${c.from ? ` (was ${c.from})` : ''}` +
        (byPostcode + sameDistrict + unassigned
          ? `; contacts moved ${moved}: placed by postal code ${byPostcode}, kept in an unchanged district ${sameDistrict}, left without a region ${unassigned}`
          : ''),
    );
  }
  for (const c of report.ignoredColumns ?? [])
    lines.push(`${c.consentLike ? 'NOTE ' : ''}"${c.column}" ignored: ${c.reason}`);
  if (report.skippedLines?.length)
    lines.push(
      `empty lines skipped: ${report.skippedLines.slice(0, 20).join(', ')}${report.skippedLines.length > 20 ? ', …' : ''}`,
    );
  return lines;
}

const USAGE =
  'regions sets | regions current <set> [--allow-unassigned] | regions compare <from-set> <to-set> --feature KEY [--json]';

/** `regions`: list the sets, choose the current one of a level, compare two editions of a feature. */
export async function regionsCommand(dataSource: DataSource, env: Env, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      feature: { type: 'string' },
      'from-date': { type: 'string' },
      'to-date': { type: 'string' },
      json: { type: 'boolean' },
      'allow-unassigned': { type: 'boolean' },
    },
  });
  const service = new RegionsService(dataSource, new AuditService(dataSource.getRepository(AuditEntry)), env);
  const [action, ...rest] = positionals;
  const print = (value: unknown, lines: () => string[]) =>
    console.log(values.json ? JSON.stringify(value) : lines().join('\n'));
  switch (action) {
    case 'sets': {
      const sets = await service.sets();
      print(sets, () =>
        sets.map(
          (s) =>
            `${s.current ? '*' : ' '} ${s.key.padEnd(24)} ${String(s.regions).padStart(6)} regions  ` +
            `${String(s.postcodes).padStart(6)} postal codes  days ${s.dates.slice(0, 4).join(', ')}${s.dates.length > 4 ? ' …' : ''}`,
        ),
      );
      return 0;
    }
    case 'current': {
      if (!rest[0]) throw new UsageError(USAGE);
      const result = await service.chooseCurrent(rest[0], null, values['allow-unassigned'] ?? false);
      print(result, () =>
        result.change
          ? reportLines({ current: [result.change] })
          : [`${result.current} already was the current ${result.level} set; it is now kept as chosen`],
      );
      return 0;
    }
    case 'compare': {
      if (rest.length < 2 || !values.feature) throw new UsageError(USAGE);
      const result = await service.compare({
        from: rest[0],
        to: rest[1],
        feature: values.feature,
        fromDate: values['from-date'],
        toDate: values['to-date'],
      });
      print(result, () => [
        `${result.feature}: ${result.from.set} (${result.from.date ?? 'no day'}) against ${result.to.set} (${result.to.date ?? 'no day'})`,
        `${result.unchangedCount} regions kept their boundaries, ${result.changedCount} changed (not compared)`,
        ...result.unchanged.map(
          (u) =>
            `  ${u.code.padStart(4)} ${u.name.padEnd(40)} ${String(u.from ?? '–').padStart(10)} ${String(u.to ?? '–').padStart(10)}`,
        ),
        ...result.changed.slice(0, 20).map((c) => `  ${c.code.padStart(4)} changed: ${c.why}`),
      ]);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}
