import { UsageError } from '../common/errors.js';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { AuditEntry } from '../audit/audit-entry.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { loadConfig, type Env } from '../config/config.js';
import { ensureDefaultTemplates } from '../templates/templates.service.js';
import { MatchesService } from './matches.service.js';
import { SegmentationService } from './segmentation.service.js';

const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** `segment`: one run with readable tables, or with --json one JSON line at the end. */
export async function segmentCommand(dataSource: DataSource, env: Env, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      level: { type: 'string' },
      set: { type: 'string' },
      'as-of': { type: 'string' },
      features: { type: 'string' },
      preset: { type: 'string' },
      k: { type: 'string' },
      seed: { type: 'string' },
      restarts: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const service = new SegmentationService(
    dataSource,
    new AuditService(dataSource.getRepository(AuditEntry)),
    env,
  );
  const run = await service.create(
    {
      level: values.level,
      set: values.set,
      asOf: values['as-of'],
      features: values.features?.split(',').map((f) => f.trim()),
      preset: values.preset,
      k: values.k,
      seed: values.seed === undefined ? undefined : Number(values.seed),
      restarts: values.restarts === undefined ? undefined : Number(values.restarts),
    },
    null,
  );
  const segments = run.segments.map((s) => ({
    id: s.id,
    label: s.label,
    size: s.size,
    inhabitants: s.inhabitants,
    contacts: s.contacts,
    topFeatures: s.distinguishing.map(({ key, value, z }) => ({ key, value, z })),
    regions: s.regions.map(({ code, name }) => ({ code, name })),
  }));
  if (values.json) {
    console.log(
      JSON.stringify({
        id: run.id,
        regionSet: run.regionSet,
        featureDates: run.featureDates,
        k: run.k,
        kTable: run.kTable,
        stability: run.stability,
        silhouette: run.silhouette,
        silhouetteNoise: run.silhouetteNoise,
        nearTies: run.nearTies,
        segments,
      }),
    );
    return 0;
  }
  console.log(`Run ${run.id}: ${run.rows} regions of ${run.regionSet ?? run.level}`);
  console.log(
    `features ${run.features.map((key) => `${key} (${run.featureDates[key] ?? 'no day'})`).join(', ')}`,
  );
  const ties = run.nearTies ?? [];
  console.log('\n   k     inertia  silhouette');
  for (const row of run.kTable) {
    const mark = row.k === run.k ? '*' : ties.includes(row.k) ? '~' : ' ';
    console.log(
      `${mark}${String(row.k).padStart(3)}${fixed(row.inertia, 1).padStart(12)}${fixed(row.silhouette, 3).padStart(12)}`,
    );
  }
  console.log(`\nchosen k = ${run.k}, stability (mean ARI over re-seeded runs) ${fixed(run.stability, 3)}`);
  if (ties.length) {
    const finer = ties.filter((k) => k > run.k);
    console.log(
      `near ties (~): k = ${ties.join(', ')} lie within noise of the chosen k (silhouette ± ${fixed(run.silhouetteNoise ?? 0, 3)})` +
        (finer.length
          ? `; for finer segments run again with the same options and --k ${finer[finer.length - 1]} --seed ${run.seed}`
          : ''),
    );
  }
  console.log('');
  for (const s of segments) {
    console.log(`Segment ${s.id.slice(0, 8)}: ${s.label.en} / ${s.label.de}`);
    console.log(`  ${s.size} regions, ${s.inhabitants ?? '?'} inhabitants, ${s.contacts} contacts`);
    console.log(
      `  sets it apart: ${s.topFeatures.map((f) => `${f.key} ${fixed(f.value)} (${f.z >= 0 ? '+' : ''}${fixed(f.z)} σ)`).join(', ')}`,
    );
    console.log(
      `  e.g. ${s.regions
        .slice(0, 5)
        .map((r) => r.name)
        .join('; ')}${s.regions.length > 5 ? ' …' : ''}`,
    );
  }
  return 0;
}

/** `matches <runId>`: per segment the ranked templates with their reasons and the decision, if any. */
export async function matchesCommand(
  dataSource: DataSource,
  args: string[],
  env: Env = loadConfig(),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' } },
  });
  const [runId] = positionals;
  if (!runId) throw new UsageError('matches needs a run id (see npm run cli -- segment)');
  await ensureDefaultTemplates(dataSource.manager);
  const matrix = await new MatchesService(
    dataSource,
    new AuditService(dataSource.getRepository(AuditEntry)),
    env,
  ).matrix(runId);
  if (values.json) {
    console.log(
      JSON.stringify({
        runId,
        minScore: matrix.minScore,
        segments: matrix.segments.map((s) => ({
          segmentId: s.segmentId,
          label: s.label,
          approved: s.decision?.templateKey ?? null,
          proposed: s.proposed,
          noClearMatch: s.noClearMatch,
          needsHandChoice: s.needsHandChoice,
          ranked: s.ranked.map(({ template, score, reasons }) => ({ template, score, reasons })),
        })),
      }),
    );
    return 0;
  }
  for (const s of matrix.segments) {
    console.log(`\nSegment ${s.segmentId.slice(0, 8)}: ${s.name ?? s.label.en}`);
    console.log(`  decision: ${decisionText(s, matrix.minScore)}`);
    for (const r of s.ranked.slice(0, 5)) {
      const why = r.reasons
        .slice(0, 3)
        .map(
          (x) =>
            `${x.key} ${fixed(x.value)} (${x.z >= 0 ? '+' : ''}${fixed(x.z)} σ) → ${x.contribution >= 0 ? '+' : ''}${fixed(x.contribution)}`,
        )
        .join('; ');
      console.log(`  ${r.template.padEnd(10)} ${fixed(r.score).padStart(6)}  ${why}`);
    }
  }
  return 0;
}

type MatrixSegment = Awaited<ReturnType<MatchesService['matrix']>>['segments'][number];

/** What `matches` says of a segment's decision: the choice, the proposal, or that there is no clear match. */
function decisionText(s: MatrixSegment, minScore: number): string {
  const best = s.ranked[0];
  const unclear = `no clear match (the best, ${best?.template ?? 'none'}, scores ${fixed(best?.score ?? NaN)} < ${fixed(minScore)})`;
  const d = s.decision;
  if (!d)
    return `none yet; ${s.noClearMatch ? `${unclear}: choose a template by hand` : `proposed ${s.proposed}`}`;
  const choice = `${d.templateKey} (v${d.templateVersion}${d.overridden ? ', chosen by hand' : ''})`;
  // An approval given while the proposal was clear (or under a lower MATCH_MIN_SCORE) no longer stands.
  return s.needsHandChoice
    ? `${choice}, but now ${unclear}: waves over approved matches skip it until a template is chosen by hand`
    : choice;
}
