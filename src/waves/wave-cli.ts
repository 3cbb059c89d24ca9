import { UsageError } from '../common/errors.js';
import type { INestApplicationContext } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { parseArgs } from 'node:util';
import type { Env } from '../config/config.js';
import { DataSource } from 'typeorm';
import { WavePreview } from './wave-preview.js';
import { WaveViews } from './wave-views.js';
import { WavesService } from './waves.service.js';
import type { CreateWaveDto } from './waves.dto.js';

const done = (status: string) => ['completed', 'cancelled', 'paused'].includes(status);

/** Opens the worker's application context (dispatching or not); given by the entry point that runs the command. */
export type OpenContext = (
  dispatch: boolean,
) => Promise<{ app: INestApplicationContext; close(): Promise<void> }>;

/** The roles that may create and launch waves, as on the API (`POST /waves`, `POST /waves/:id/launch`). */
const SENDING_ROLES = ['admin', 'staff'];

/**
 * The staff user a command acts for (`--as <email>`): made and launched waves are theirs, audited as theirs, and
 * like any creator or launcher they may not approve what they made nor launch what they approved.
 */
async function actingFor(app: INestApplicationContext, email: string | undefined): Promise<string> {
  if (!email) throw new UsageError('name the staff user this acts for: --as <staff email>');
  const rows: { id: string; role: string; disabled_at: Date | null }[] = await app
    .get(DataSource)
    .query(`SELECT id, role, disabled_at FROM staff_users WHERE email = lower($1)`, [email.trim()]);
  const user = rows[0];
  if (!user) throw new UsageError(`no staff user with the email ${email}`);
  if (user.disabled_at) throw new UsageError(`the staff user ${email} is disabled`);
  if (!SENDING_ROLES.includes(user.role))
    throw new UsageError(
      `the staff user ${email} is a ${user.role}: waves are made and launched by staff or admins`,
    );
  return user.id;
}

/** `wave create|preview|launch|send|status …`. */
export async function waveCommand(env: Env, args: string[], open: OpenContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      name: { type: 'string' },
      channel: { type: 'string' },
      purpose: { type: 'string', default: env.DEFAULT_CONSENT_PURPOSE },
      run: { type: 'string' },
      segments: { type: 'string' },
      template: { type: 'string' },
      at: { type: 'string' },
      as: { type: 'string' },
    },
  });
  const [action, id] = positionals;
  const print = (value: unknown, table: () => void) =>
    values.json ? console.log(JSON.stringify(value)) : table();
  const { app, close } = await open(action === 'send');
  const waves = app.get(WavesService);
  try {
    switch (action) {
      case 'create': {
        const segmentIds = values.segments?.split(',').filter(Boolean);
        const dto: CreateWaveDto = {
          name: values.name ?? `wave ${new Date().toISOString()}`,
          channel: values.channel as 'email' | 'sms',
          purpose: values.purpose ?? env.DEFAULT_CONSENT_PURPOSE,
          audience: { runId: values.run, segmentIds },
          templateStrategy: values.template ? 'fixed' : 'approved',
          templateKey: values.template,
          scheduledAt: values.at ? new Date(values.at) : undefined,
        };
        if (dto.channel !== 'email' && dto.channel !== 'sms')
          throw new UsageError('--channel must be email or sms');
        const wave = await waves.create(dto, await actingFor(app, values.as));
        print(wave, () => console.log(`Wave ${wave.id} created (draft)`));
        return 0;
      }
      case 'preview': {
        const p = await app.get(WavePreview).preview(need(id));
        print(p, () => {
          console.log(`${p.wave.name} (${p.wave.channel}, ${p.wave.purpose}): audience ${p.audience}`);
          for (const s of p.steps)
            console.log(`  − ${s.reason.padEnd(18)} ${String(s.excluded).padStart(8)}  → ${s.remaining}`);
          console.log(`  = will receive ${p.final}`);
          if (p.approval.required)
            console.log(
              `  more than APPROVAL_THRESHOLD (${p.approval.threshold}): ` +
                (p.approval.at
                  ? `approved by ${p.approval.byName ?? p.approval.by}`
                  : 'needs an approval to launch'),
            );
          for (const g of p.groups)
            console.log(
              `    ${String(g.count).padStart(8)}  ${g.template}@${g.templateVersion} ${g.language}  ${g.segment ?? ''}`,
            );
          if (p.sms)
            console.log(`  SMS parts ${p.sms.segments}, estimated cost ${p.sms.estimatedCost.toFixed(2)}`);
          if (p.expectedDurationSeconds !== null)
            console.log(`  expected duration ${p.expectedDurationSeconds} s`);
        });
        return 0;
      }
      case 'launch': {
        const wave = await waves.launch(need(id), await actingFor(app, values.as));
        print(wave, () => console.log(`Wave ${wave.id}: ${wave.status}, ${wave.progress.total} ledger rows`));
        return 0;
      }
      case 'status': {
        const wave = await waves.get(need(id));
        print(wave, () =>
          console.log(`Wave ${wave.id}: ${wave.status} ${JSON.stringify(wave.progress.byStatus)}`),
        );
        return 0;
      }
      case 'send':
        return await send(app, need(id), Boolean(values.json), values.as);
      default:
        throw new UsageError('wave needs create, preview, launch, send or status');
    }
  } finally {
    await close();
  }
}

function need(id: string | undefined): string {
  if (!id) throw new UsageError('give the wave id');
  return id;
}

/** Launches a draft, then dispatches in this process with a progress bar until the wave is done or paused. */
async function send(
  app: INestApplicationContext,
  id: string,
  json: boolean,
  as: string | undefined,
): Promise<number> {
  const waves = app.get(WavesService);
  if ((await app.get(WaveViews).find(id)).status === 'draft')
    await waves.launch(id, await actingFor(app, as));
  const bar =
    process.stderr.isTTY && !json
      ? new SingleBar({
          format: 'sending {bar} {value}/{total} ({rate}/s)',
          barsize: 30,
          stream: process.stderr,
        })
      : undefined;
  let wave = await waves.get(id);
  bar?.start(wave.progress.total, 0, { rate: 0 });
  while (!done(wave.status)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    wave = await waves.get(id);
    bar?.setTotal(wave.progress.total);
    bar?.update(wave.progress.total - wave.progress.left, { rate: wave.progress.ratePerSecond });
  }
  bar?.stop();
  if (json) console.log(JSON.stringify(wave));
  else console.log(`Wave ${id}: ${wave.status} ${JSON.stringify(wave.progress.byStatus)}`);
  return 0;
}
