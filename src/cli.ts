import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateStaffUserDto } from './auth/auth.dto.js';
import { AuthService } from './auth/auth.service.js';
import { generatePassword } from './auth/passwords.js';
import { ConfigError, loadConfig, type Env } from './config/config.js';
import { DataSource } from 'typeorm';
import { AppError, UsageError } from './common/errors.js';
import { matchesCommand, segmentCommand } from './segmentation/segmentation-cli.js';
import { regionsCommand, reportLines } from './regions/regions-cli.js';
import { waveCommand } from './waves/wave-cli.js';
import { runWorker, workerContext } from './worker.js';
import { IMPORT_KINDS, type ImportKind } from './imports/import-job.entity.js';
import { importFile, importOptions } from './imports/import-runner.js';
import { toDto } from './imports/imports.dto.js';
import { parseMapping } from './imports/imports.service.js';
import { ConfirmationService } from './messaging/confirmation.service.js';
import type { Encoding } from './csv/sniff.js';
import { regionWeights } from './synthetic/region-weights.js';
import { syntheticContacts } from './synthetic/synthetic-contacts.js';
import { syntheticGeometry } from './synthetic/synthetic-geometry.js';
import { syntheticPostcodes, syntheticRegions } from './synthetic/synthetic-regions.js';

const USAGE = `Usage: npm run cli -- <command>

  import <regions|results|contacts|postcodes|geometry> <file> [--json] [--edition 2025] [--purpose P] [--source S] [--encoding E] [--mapping file.json] [--code-property WKR_NR] [--make-current [--allow-unassigned]] [--send-confirmations]
  regions sets | regions current <set> [--allow-unassigned] | regions compare <from-set> <to-set> --feature KEY [--from-date D] [--to-date D] [--json]
  user create-admin --email E [--name N] [--password P]     (a password is generated when none is given)
  user create --email E --role admin|strategist|staff [--name N] [--password P]
  user reset-second-factor --email E                        (removes the user's second factor; ends their sessions)
  generate --contacts N [--seed S] [--regions file] [--out file]
  generate --samples                                          (rewrites data-samples/)
  segment [--set constituency/2025 | --level constituency] [--as-of 2023-12-31] [--features k1,k2,… | --preset name] [--k 3-10] [--seed 42] [--restarts 5] [--json]
  matches <runId> [--json]
  wave create --as <staff email> --channel email|sms [--purpose P] [--run R --segments s1,s2] [--template KEY] [--at ISO] [--name N]
  wave launch|send <waveId> --as <staff email> [--json]
  wave preview|status <waveId> [--json]
  worker [--name N]                                           (dispatches waves until stopped)
  migrate`;

/** Every command that needs the database starts the same way: the worker's application context, not dispatching. */
async function open(env: Env) {
  const context = await workerContext(env, false, 'warn');
  return { dataSource: context.app.get(DataSource), app: context.app, close: context.close };
}

async function importCommand(env: Env, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      purpose: { type: 'string' },
      source: { type: 'string' },
      encoding: { type: 'string' },
      mapping: { type: 'string' },
      edition: { type: 'string' },
      'code-property': { type: 'string' },
      'send-confirmations': { type: 'boolean' },
      'make-current': { type: 'boolean' },
      'allow-unassigned': { type: 'boolean' },
    },
  });
  const [kind, file] = positionals;
  if (!IMPORT_KINDS.includes(kind as ImportKind) || !file)
    throw new UsageError(`import needs a kind (${IMPORT_KINDS.join(', ')}) and a file`);
  if (values['send-confirmations'] && kind !== 'contacts')
    throw new UsageError('--send-confirmations is for contacts imports only');
  const mapping = values.mapping ? parseMapping(await readFile(values.mapping, 'utf8')) : undefined;
  const db = await open(env);
  const interactive = process.stderr.isTTY && !values.json;
  const bar = interactive
    ? new SingleBar({ format: 'importing {bar} {value} rows', barsize: 30, stream: process.stderr })
    : undefined;
  bar?.start(0, 0);
  try {
    const request = {
      kind: kind as ImportKind,
      path: file,
      fileName: basename(file),
      options: importOptions(env, {
        mapping,
        purpose: values.purpose,
        source: values.source,
        encoding: values.encoding as Encoding | undefined,
        edition: values.edition,
        codeProperty: values['code-property'],
        makeCurrent: values['make-current'],
        allowUnassigned: values['allow-unassigned'],
      }),
      ...(kind === 'contacts' && {
        afterImport: async (jobId: string) => ({
          confirmations: await db.app
            .get(ConfirmationService)
            .forImport(jobId, values['send-confirmations'] === true, null),
        }),
      }),
    };
    const job = await importFile(db.dataSource, request, (read) => {
      bar?.setTotal(read);
      bar?.update(read);
    });
    bar?.stop();
    const summary = { ...toDto(job), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
    if (!values.json) {
      console.log(`${kind} import of ${file}: ${job.status}${job.reason ? ` (${job.reason})` : ''}`);
      console.log(
        `read ${job.read}, inserted ${job.inserted}, updated ${job.updated}, unchanged ${job.unchanged}, rejected ${job.rejected}, ` +
          `kept with a warning ${job.warnings}, empty lines skipped ${job.skipped} in ${summary.durationMs} ms`,
      );
      for (const [title, rows, count] of [
        ['rejected', job.errors, job.rejected],
        ['warnings', job.warningList, job.warnings],
      ] as const) {
        if (rows.length) console.log(`${title}:`);
        for (const e of rows.slice(0, 20))
          console.log(`  line ${e.line}${e.column ? `, ${e.column}` : ''}: ${e.reason}`);
        if (count > 20) console.log(`  … and ${count - 20} more (GET /imports/${job.id})`);
      }
      for (const line of reportLines(job.report)) console.log(line);
      if (job.confirmations) {
        const { email, sms, sent } = job.confirmations;
        console.log(
          sent
            ? `double opt-in: ${sent} confirmation request(s) sent`
            : `double opt-in: ${email} by email and ${sms} by SMS wait to be asked; nothing was sent ` +
                `(--send-confirmations sends them with the import)`,
        );
      }
    }
    console.log(values.json ? JSON.stringify(summary) : '');
    return job.status === 'completed' ? 0 : 1;
  } finally {
    await db.close();
  }
}

async function userCommand(env: Env, args: string[]) {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
    },
  });
  if (sub === 'reset-second-factor') {
    if (!values.email) throw new UsageError('user reset-second-factor needs --email');
    return withAuth(env, async (auth) => {
      const { sessionsRevoked } = await auth.resetSecondFactorFromCli(values.email!);
      console.log(
        `Removed the second factor of ${values.email!.trim().toLowerCase()}; ${sessionsRevoked} sessions ended`,
      );
    });
  }
  const role = sub === 'create-admin' ? 'admin' : values.role;
  if (!['create', 'create-admin'].includes(sub) || !values.email || !role) {
    throw new UsageError('user create-admin needs --email; user create needs --email and --role');
  }
  const password = values.password ?? generatePassword();
  const email = values.email.trim().toLowerCase();
  // The same rules as an admin creating the account on the screen: one DTO, checked the same way.
  const dto = plainToInstance(CreateStaffUserDto, { name: values.name ?? email, email, role, password });
  const problems = validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {}));
  if (problems.length) throw new UsageError(problems.join('; '));
  return withAuth(env, async (auth) => {
    await auth.createUser(dto, null, { via: 'cli' });
    console.log(`Created ${role} ${email}${values.password ? '' : ` with the password ${password}`}`);
  });
}

/** Runs a staff-account command through the service the API uses; its refusals are printed, exit code 1. */
async function withAuth(env: Env, command: (auth: AuthService) => Promise<void>) {
  const db = await open(env);
  try {
    await command(db.app.get(AuthService));
    return 0;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    console.error(e.message);
    return 1;
  } finally {
    await db.close();
  }
}

async function writeLines(path: string, lines: Iterable<string>) {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let chunk = '';
  for (const line of lines) {
    chunk += line + '\n';
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

export async function writeSamples(dir: string) {
  const { csv, regions } = syntheticRegions();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'regions.csv'), csv);
  await writeFile(
    join(dir, 'postcodes.csv'),
    [
      'plz;wahlkreis',
      ...regions.flatMap((r) => syntheticPostcodes(r.code).map((p) => `${p};${r.code}`)),
    ].join('\n') + '\n',
  );
  await writeLines(
    join(dir, 'contacts.csv'),
    syntheticContacts(
      500,
      1,
      regions.map((r) => ({ code: r.code, population: r.populationK })),
    ),
  );
  await writeFile(join(dir, 'geometry.geojson'), syntheticGeometry(regions));
}

async function generateCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      contacts: { type: 'string' },
      seed: { type: 'string' },
      regions: { type: 'string' },
      out: { type: 'string' },
      samples: { type: 'boolean' },
    },
  });
  if (values.samples) {
    await writeSamples('data-samples');
    console.error('Wrote data-samples/regions.csv, postcodes.csv and contacts.csv');
    return 0;
  }
  const count = Number(values.contacts);
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError('generate needs --contacts N (a positive whole number)');
  const regions = await regionWeights(values.regions ?? 'data-samples/regions.csv');
  const lines = syntheticContacts(count, Number(values.seed ?? 1), regions);
  if (values.out) {
    await writeLines(values.out, lines);
    console.error(`Wrote ${count} synthetic contacts to ${values.out}`);
  } else {
    for (const line of lines) if (!process.stdout.write(line + '\n')) await once(process.stdout, 'drain');
  }
  return 0;
}

/** node:util's parseArgs refuses an unknown or malformed option with one of these codes. */
const isParseArgsError = (e: unknown) => /^ERR_PARSE_ARGS_/.test(String((e as { code?: unknown }).code));

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'generate') return generateCommand(args);
  const env = loadConfig();
  switch (command) {
    case 'import':
      return importCommand(env, args);
    case 'user':
      return userCommand(env, args);
    case 'segment':
    case 'regions':
    case 'matches': {
      const db = await open(env);
      try {
        if (command === 'regions') return await regionsCommand(db.dataSource, env, args);
        return command === 'segment'
          ? await segmentCommand(db.dataSource, env, args)
          : await matchesCommand(db.dataSource, args, env);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        console.error(e.message);
        return 1;
      } finally {
        await db.close();
      }
    }
    case 'wave':
      try {
        return await waveCommand(env, args, (dispatch) => workerContext(env, dispatch, 'warn'));
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        console.error(e.message);
        return 1;
      }
    case 'worker':
      return runWorker(env, args);
    case 'migrate': {
      const db = await open(env);
      await db.close();
      console.log('Migrations are up to date');
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || isParseArgsError(e)) console.error(`${(e as Error).message}\n\n${USAGE}`);
    else if (e instanceof ConfigError) console.error(e.message);
    else console.error(e);
    process.exit(2);
  },
);
