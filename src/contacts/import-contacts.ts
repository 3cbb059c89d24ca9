import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { readCsv } from '../csv/csv-reader.js';
import { RowErrors, Stopwatch, type ImportContext, type ImportCounts } from '../csv/import-context.js';
import { AttributeTypes, parseContactRow, type ContactRow } from './contact-row.js';
import { contactsReading, unreadColumns, type RowContext } from './contact-columns.js';

/** One COPY text-format field: backslash escapes, \N for null. */
function copyField(value: string | number | boolean | Date | null): string {
  if (value === null) return '\\N';
  if (value instanceof Date) return value.toISOString();
  const s = String(value);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/** The staging table's columns, in the order `copyLine` writes them, with their types. */
const STAGE: [string, string][] = [
  ['line', 'int PRIMARY KEY'],
  ['external_id', 'text'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['email', 'text'],
  ['phone', 'text'],
  ['phone_landline', 'boolean'],
  ['postal_code', 'text'],
  ['region_code', 'text'],
  ['language', 'text'],
  ['time_zone', 'text'],
  ['attributes', 'jsonb'],
  /** Each attribute value as a number in both conventions ({"rent": {"de": 3.5, "en": null}}), where it is one. */
  ['attribute_numbers', 'jsonb'],
  ['email_consent', 'boolean'],
  ['sms_consent', 'boolean'],
  ['consent_at', 'timestamptz'],
  ['email_confirmed_at', 'timestamptz'],
  ['sms_confirmed_at', 'timestamptz'],
  ['consent_source', 'text'],
  ['consent_ip', 'inet'],
  ['consent_user_agent', 'text'],
  ['consent_text_version', 'text'],
];
const STAGE_COLUMNS = STAGE.map(([name]) => name);

/**
 * The contact's columns a file sets: the one list the merge is written from. A value the file leaves empty keeps
 * the stored one; new contacts get the defaults. Attributes are merged, key by key.
 */
const CONTACT_COLUMNS = [
  'external_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'phone_landline',
  'postal_code',
  'region_id',
  'language',
  'time_zone',
];
const DEFAULTS: Record<string, string> = {
  language: `'de'`,
  time_zone: `'Europe/Berlin'`,
  phone_landline: 'false',
};
const merged = (c: string) => `COALESCE(r.${c}, c.${c})`;

function copyLine(line: number, r: ContactRow, numbers: Record<string, unknown>): string {
  return (
    [
      line,
      r.externalId,
      r.firstName,
      r.lastName,
      r.email,
      r.phone,
      r.phone ? r.landline : null,
      r.postalCode,
      r.regionCode,
      r.language,
      r.timeZone,
      Object.keys(r.attributes).length ? JSON.stringify(r.attributes) : '{}',
      Object.keys(numbers).length ? JSON.stringify(numbers) : '{}',
      r.emailConsent,
      r.smsConsent,
      r.consentAt,
      r.emailConfirmedAt,
      r.smsConfirmedAt,
      r.consentSource,
      r.consentIp,
      r.consentUserAgent,
      r.consentTextVersion,
    ]
      .map(copyField)
      .join('\t') + '\n'
  );
}

/**
 * Contacts: rows are checked in JS as they stream in and copied into a temporary staging table; then a few
 * set-based statements find in-file duplicates, match existing contacts (external id, else email, else phone),
 * insert, update and record consent events. All in one transaction: a rejected file writes nothing.
 */
export async function importContacts(ctx: ImportContext): Promise<ImportCounts> {
  const errors = new RowErrors();
  const warnings = new RowErrors();
  const clock = new Stopwatch();
  const runner = ctx.dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  let read = 0;
  let feed: PassThrough | undefined;
  let copied: Promise<void> | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL synchronous_commit = off`);
    // Room for the sorts and hashes of the merge below, so they stay out of temp files.
    await client.query(`SET LOCAL work_mem = '128MB'`);
    await client.query(
      `CREATE TEMP TABLE stage (${STAGE.map(([name, type]) => `${name} ${type}`).join(', ')}) ON COMMIT DROP`,
    );
    const copy = client.query(copyFrom(`COPY stage (${STAGE_COLUMNS.join(', ')}) FROM STDIN`));
    const input = new PassThrough({ highWaterMark: 1024 * 1024 });
    feed = input;
    copied = pipeline(input, copy);
    let rowContext: RowContext | undefined;
    let types: AttributeTypes | undefined;
    let buffered = '';
    const flush = (): Promise<void> | undefined => {
      const ok = input.write(buffered);
      buffered = '';
      return ok ? undefined : once(input, 'drain').then(() => undefined);
    };

    const reading = contactsReading(ctx.options);
    const { skipped, skippedLines } = await readCsv(
      ctx.path,
      {
        encoding: ctx.options.encoding,
        maxLineBytes: ctx.options.maxLineBytes,
        isHeader: reading.isHeader,
        expectedHeader: reading.expectedHeader,
        explainNoHeader: reading.explainNoHeader,
        onHeader: (header, sniffed, preamble) => {
          rowContext = reading.layout(header, sniffed, preamble);
          types = new AttributeTypes(sniffed.delimiter);
        },
      },
      ({ line, cells, problem }) => {
        read++;
        if (read % 50_000 === 0) ctx.onProgress?.(read);
        if (problem) return errors.add(line, problem);
        const { row, errors: fieldErrors, warnings: fieldWarnings } = parseContactRow(cells, rowContext!);
        for (const e of fieldErrors) errors.add(line, e.reason, e.column, e.value);
        if (!row) return;
        for (const w of fieldWarnings) warnings.add(line, w.reason, w.column, w.value);
        const numbers: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(row.attributes))
          numbers[key] = types!.see(key, String(value));
        buffered += copyLine(line, row, numbers);
        if (buffered.length > 64 * 1024) return flush();
      },
    );
    input.end(buffered);
    await copied;
    ctx.onProgress?.(read);

    // An attr_ column is a number column only when every value in it is one: decided now that all are read.
    const numeric = [...types!.numeric()];
    if (numeric.length)
      await client.query(
        `UPDATE stage SET attributes = attributes || (
           SELECT jsonb_object_agg(n.key, n.value -> c.style) FROM jsonb_each(attribute_numbers) n
           JOIN jsonb_to_recordset($1::jsonb) AS c(key text, style text) ON c.key = n.key)
         WHERE attribute_numbers ?| $2`,
        [JSON.stringify(numeric.map(([key, style]) => ({ key, style }))), numeric.map(([key]) => key)],
      );
    clock.lap('read');
    const { header, columns } = rowContext!;
    const named = (field: 'regionCode' | 'postalCode') =>
      columns.fields[field] === undefined ? undefined : header[columns.fields[field]];
    const counts = await merge(
      client,
      ctx,
      errors,
      warnings,
      { region: named('regionCode'), postalCode: named('postalCode') },
      clock,
    );
    await client.query('COMMIT');
    clock.lap('commit');
    return {
      read,
      skipped,
      ...counts,
      rejected: errors.rejectedRows,
      errors: errors.sorted(),
      warnings: warnings.rejectedRows,
      warningList: warnings.sorted(),
      timings: clock.laps,
      report: { ignoredColumns: unreadColumns(columns), skippedLines },
    };
  } catch (e) {
    // A COPY in progress must be aborted (CopyFail) before the connection takes another statement.
    feed?.destroy(e instanceof Error ? e : new Error(String(e)));
    await copied?.catch(() => undefined);
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await runner.release();
  }
}

/** Adds the lines a statement returns (line, reason, column, value) to a collector of errors or warnings. */
async function collectLines(client: PoolClient, errors: RowErrors, sql: string, params: unknown[] = []) {
  const { rows } = await client.query<{
    line: number;
    reason: string;
    column: string | null;
    value?: string;
  }>(sql, params);
  for (const r of rows) errors.add(r.line, r.reason, r.column ?? undefined, r.value ?? undefined);
}

async function merge(
  client: PoolClient,
  ctx: ImportContext,
  errors: RowErrors,
  warnings: RowErrors,
  columns: { region?: string; postalCode?: string },
  clock: Stopwatch,
) {
  const level = ctx.options.regionLevel ?? 'constituency';
  const purpose = ctx.options.purpose ?? 'campaign-news';

  // The same person twice in one file: keep the first, report the later line with both line numbers.
  await collectLines(
    client,
    errors,
    `WITH keys AS (
       SELECT line, 'external id' AS kind, external_id AS k FROM stage WHERE external_id IS NOT NULL
       UNION ALL SELECT line, 'email', email FROM stage WHERE email IS NOT NULL
       UNION ALL SELECT line, 'phone', phone FROM stage WHERE phone IS NOT NULL AND external_id IS NULL AND email IS NULL
     ), firsts AS (
       SELECT line, kind, min(line) OVER (PARTITION BY kind, k) AS first FROM keys
     ), dups AS (
       SELECT DISTINCT ON (line) line, kind, first FROM firsts WHERE first < line ORDER BY line, first
     ), gone AS (DELETE FROM stage s USING dups d WHERE s.line = d.line RETURNING d.*)
     SELECT line, 'duplicate of line ' || first || ' (same ' || kind || ')' AS reason, kind AS column FROM gone`,
  );

  // An erased person stays erased: their address comes back only if they sign up again themselves.
  await collectLines(
    client,
    errors,
    `WITH gone AS (
       DELETE FROM stage s WHERE EXISTS (SELECT 1 FROM suppressions)
         AND EXISTS (SELECT 1 FROM suppressions x WHERE x.hash IN (suppression_hash(s.email), suppression_hash(s.phone)))
       RETURNING s.line)
     SELECT line, 'this person asked to be erased; their email or phone is suppressed' AS reason, NULL AS column FROM gone`,
  );

  clock.lap('dedupe');
  await client.query(
    `CREATE TEMP TABLE resolved ON COMMIT DROP AS
     SELECT s.*,
       COALESCE(rc.id, pc.region_id) AS region_id,
       COALESCE(cx.id, ce.id, cp.id, gen_random_uuid()) AS contact_id,
       (cx.id IS NULL AND ce.id IS NULL AND cp.id IS NULL) AS is_new,
       CASE
         WHEN cx.id IS NOT NULL AND ce.id IS NOT NULL AND ce.id <> cx.id
           THEN 'email already belongs to another contact (its external id is the value)'
         WHEN cx.id IS NULL AND ce.external_id IS NOT NULL AND s.external_id IS NOT NULL
           THEN 'email already belongs to the contact whose external id is the value'
       END AS problem,
       COALESCE(ce.external_id, 'none') AS problem_value,
       CASE
         WHEN s.region_code IS NOT NULL AND rc.id IS NULL THEN 'region'
         WHEN s.region_code IS NULL AND s.postal_code IS NOT NULL AND pc.region_id IS NULL AND cur.has_postcodes
           THEN 'postal_code'
       END AS unplaced
     FROM stage s
     LEFT JOIN (SELECT l.current_set_id, EXISTS (SELECT 1 FROM postcodes p WHERE p.set_id = l.current_set_id) AS has_postcodes
                FROM region_levels l WHERE l.level = $1) cur ON true
     LEFT JOIN regions rc ON rc.set_id = cur.current_set_id AND rc.code = s.region_code
     LEFT JOIN postcodes pc ON s.region_code IS NULL AND pc.set_id = cur.current_set_id AND pc.postcode = s.postal_code
     LEFT JOIN contacts cx ON cx.external_id = s.external_id
     LEFT JOIN contacts ce ON ce.email = s.email
     LEFT JOIN LATERAL (
       SELECT c.id FROM contacts c
       WHERE s.email IS NULL AND s.external_id IS NULL AND c.phone = s.phone ORDER BY c.created_at LIMIT 1
     ) cp ON true`,
    [level],
  );
  await collectLines(
    client,
    errors,
    `WITH gone AS (DELETE FROM resolved WHERE problem IS NOT NULL RETURNING line, problem, problem_value)
     SELECT line, problem AS reason, 'email' AS column, problem_value AS value FROM gone`,
  );
  // A code or postal code that names no region of the current set: the contact is kept without a region.
  await collectLines(
    client,
    warnings,
    `SELECT line, CASE unplaced WHEN 'region' THEN 'unknown ' || $1 || ': the contact is kept without a region'
         ELSE 'postal code not in the postcode table: the contact is kept without a region' END AS reason,
       CASE unplaced WHEN 'region' THEN $2 ELSE $3 END AS column,
       CASE unplaced WHEN 'region' THEN region_code ELSE postal_code END AS value
     FROM resolved WHERE unplaced IS NOT NULL`,
    [level, columns.region ?? 'region', columns.postalCode ?? 'postal_code'],
  );
  // Two rows reaching one stored contact by different keys would update it twice.
  await collectLines(
    client,
    errors,
    `WITH firsts AS (SELECT line, min(line) OVER (PARTITION BY contact_id) AS first FROM resolved WHERE NOT is_new),
     gone AS (DELETE FROM resolved r USING firsts f WHERE r.line = f.line AND f.first < f.line RETURNING f.*)
     SELECT line, 'matches the same contact as line ' || first AS reason, NULL AS column FROM gone`,
  );

  clock.lap('match');
  const inserted = await client.query(
    `INSERT INTO contacts (id, ${CONTACT_COLUMNS.join(', ')}, attributes, source)
     SELECT contact_id, ${CONTACT_COLUMNS.map((c) => (DEFAULTS[c] ? `COALESCE(${c}, ${DEFAULTS[c]})` : c)).join(', ')},
       attributes, $1
     FROM resolved WHERE is_new
     ORDER BY contact_id`,
    [ctx.options.source ?? null],
  );
  clock.lap('insert');
  await client.query(`CREATE TEMP TABLE touched (id uuid) ON COMMIT DROP`);
  await client.query(
    `WITH changed AS (
       UPDATE contacts c SET ${CONTACT_COLUMNS.map((c) => `${c} = ${merged(c)}`).join(', ')},
         attributes = c.attributes || r.attributes, updated_at = now()
       FROM resolved r
       WHERE NOT r.is_new AND c.id = r.contact_id
         AND (${CONTACT_COLUMNS.map((c) => `c.${c}`).join(', ')}, c.attributes)
           IS DISTINCT FROM (${CONTACT_COLUMNS.map(merged).join(', ')}, c.attributes || r.attributes)
       RETURNING c.id)
     INSERT INTO touched SELECT id FROM changed`,
  );

  clock.lap('update');
  // Consent: an event only where the file changes the current state, so a second run records nothing. An explicit
  // "no" is recorded as withdrawn even for a new contact: the refusal is evidence too.
  // Email counts as confirmed only with proof of the confirmation (its time and the IP it came from).
  await client.query(
    `WITH stated AS (
       SELECT r.contact_id, r.line, r.is_new, ch.channel, ch.given, ch.confirmed_at, r.consent_at, r.consent_ip,
         r.consent_user_agent, r.consent_text_version, r.consent_source,
         CASE WHEN NOT ch.given THEN 'withdrawn'
              WHEN ch.confirmed_at IS NOT NULL AND (ch.channel = 'sms' OR r.consent_ip IS NOT NULL) THEN 'confirmed'
              ELSE 'requested' END AS action
       FROM resolved r
       CROSS JOIN LATERAL (VALUES ('email', r.email_consent, r.email_confirmed_at), ('sms', r.sms_consent, r.sms_confirmed_at))
         AS ch(channel, given, confirmed_at)
       WHERE ch.given IS NOT NULL
     ), decided AS (
       SELECT s.*, CASE s.action WHEN 'confirmed' THEN s.confirmed_at ELSE COALESCE(s.consent_at, now()) END AS occurred_at,
         cs.status AS current, cs.occurred_at AS changed_at
       FROM stated s
       LEFT JOIN consent_current cs ON NOT s.is_new AND cs.contact_id = s.contact_id AND cs.channel = s.channel AND cs.purpose = $1
     ), events AS (
       INSERT INTO consent_events (contact_id, channel, purpose, action, source, occurred_at, ip, user_agent, text_version,
         import_job_id, import_file, import_line, details)
       SELECT contact_id, channel, $1, action, 'import', occurred_at, consent_ip, consent_user_agent, consent_text_version,
         $2, $3, line, CASE WHEN consent_source IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('statedSource', consent_source) END
       FROM decided d
       WHERE CASE d.action
         WHEN 'withdrawn' THEN d.current IS DISTINCT FROM 'withdrawn'
         WHEN 'confirmed' THEN d.current IS NULL OR d.current = 'requested' OR (d.current = 'withdrawn' AND d.occurred_at > d.changed_at)
         ELSE d.current IS NULL OR (d.current = 'withdrawn' AND d.consent_at > d.changed_at) END
       ORDER BY contact_id, channel
       RETURNING contact_id
     )
     INSERT INTO touched SELECT contact_id FROM events`,
    [purpose, ctx.jobId, ctx.fileName],
  );
  clock.lap('consent');
  const { rows } = await client.query<{ existing: number; updated: number }>(
    `SELECT (SELECT count(*) FROM resolved WHERE NOT is_new)::int AS existing,
            (SELECT count(DISTINCT t.id) FROM touched t JOIN resolved r ON r.contact_id = t.id AND NOT r.is_new)::int AS updated`,
  );
  return {
    inserted: inserted.rowCount ?? 0,
    updated: rows[0].updated,
    unchanged: rows[0].existing - rows[0].updated,
  };
}
