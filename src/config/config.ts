import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** Local hours `from`–`to` in which a channel sends nothing (21–8 wraps midnight). */
export interface QuietHours {
  from: number;
  to: number;
}

/** At most `messages` campaign messages per contact in `days` days, across channels. */
export interface FrequencyCap {
  messages: number;
  days: number;
}

/** Every setting the service reads from the environment, validated once at boot. */
export class Env {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = '.data';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

  /** A line of an uploaded file longer than this is rejected with its line number while the file streams. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MAX_LINE_BYTES = 64 * 1024;

  @Matches(/^[A-Z]{2}$/, { message: 'DEFAULT_COUNTRY must be an ISO 3166 alpha-2 code such as DE' })
  DEFAULT_COUNTRY = 'DE';

  @IsString()
  @MinLength(1)
  CONTACT_REGION_LEVEL = 'constituency';

  @IsString()
  @MinLength(1)
  DEFAULT_CONSENT_PURPOSE = 'campaign-news';

  @Transform(toInt)
  @IsInt()
  @Min(60)
  SESSION_TTL_SECONDS = 12 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_ATTEMPTS_PER_MINUTE = 10;

  /**
   * How costly a staff password's argon2id hash is: `production` (64 MiB, three passes), or `test`, cheap, for the
   * test suite only. Hashes of either cost verify under both.
   */
  @IsIn(['production', 'test'])
  PASSWORD_HASH_COST: 'production' | 'test' = 'production';

  /**
   * The roles that must sign in with a second factor (a TOTP code from an authenticator app), comma-separated, or
   * `none`. Staff of these roles who have none are led through its enrolment at their next sign-in; anyone may enrol
   * voluntarily. API keys never ask for one.
   */
  @Matches(/^none$|^(admin|strategist|staff)(,(admin|strategist|staff))*$/, {
    message: 'MFA_REQUIRED_ROLES must be roles (admin, strategist, staff), comma-separated, or none',
  })
  MFA_REQUIRED_ROLES = 'admin';

  /** Keys that encrypt the stored TOTP secrets and sign sign-in challenges, as `id:secret` pairs (secret ≥ 32
   * characters), comma-separated; the first encrypts, all decrypt. Empty: a key generated once and kept in the database. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+:[^,:]{32,}(,[A-Za-z0-9_-]+:[^,:]{32,})*$/, {
    message: 'MFA_KEYS must be id:secret pairs with secrets of at least 32 characters',
  })
  MFA_KEYS: string | undefined = undefined;

  /** Consent purposes supporters can hold, comma-separated. */
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, { message: 'CONSENT_PURPOSES must be comma-separated keys' })
  CONSENT_PURPOSES = 'campaign-news,event-reminders,election-day';

  /** Version of the consent text the public sign-up form shows (recorded with every consent it collects). */
  @IsString()
  @MinLength(1)
  CONSENT_TEXT_VERSION = 'signup-2026-01';

  /** The address supporters reach the public pages and webhooks at; links in messages start with it. */
  @IsOptional()
  @Matches(/^https?:\/\/[^/]+(\/.*)?$/, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL: string | undefined = undefined;

  /** The built web app (Vite's output, served at /app); default web/dist of this installation. */
  @IsOptional()
  @IsString()
  WEB_APP_DIR: string | undefined = undefined;

  /** Who is sending: shown on pages, in HELP replies and as the mail sender's name. */
  @IsString()
  @MinLength(1)
  SENDER_NAME = 'Kampagne';

  /** Link signing keys as `id:secret` pairs (secret ≥ 32 characters), comma-separated; the first signs, all verify.
   * Empty: a key generated once and kept in the database. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+:[^,:]{32,}(,[A-Za-z0-9_-]+:[^,:]{32,})*$/, {
    message: 'LINK_KEYS must be id:secret pairs with secrets of at least 32 characters',
  })
  LINK_KEYS: string | undefined = undefined;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LINK_TTL_DAYS = 90;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  PUBLIC_REQUESTS_PER_MINUTE = 30;

  /** smtp(s)://user:pass@host:port; empty: emails are written as .eml files to OUTBOX_DIR. */
  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL: string | undefined = undefined;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'kampagne@example.org';

  @IsOptional()
  @IsString()
  DKIM_DOMAIN: string | undefined = undefined;

  @IsOptional()
  @IsString()
  DKIM_SELECTOR: string | undefined = undefined;

  /** Path of the PEM private key for DKIM signing. */
  @IsOptional()
  @IsString()
  DKIM_PRIVATE_KEY_FILE: string | undefined = undefined;

  /** Where emails (.eml) and SMS (sms.jsonl) go when no provider is configured; default DATA_DIR/outbox. */
  @IsOptional()
  @IsString()
  OUTBOX_DIR: string | undefined = undefined;

  @IsOptional()
  @Matches(/^AC[0-9a-fA-F]{32}$/, {
    message: 'TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits',
  })
  TWILIO_ACCOUNT_SID: string | undefined = undefined;

  @IsOptional()
  @IsString()
  TWILIO_AUTH_TOKEN: string | undefined = undefined;

  /** Sender number (E.164) or alphanumeric sender id. */
  @IsOptional()
  @IsString()
  TWILIO_FROM: string | undefined = undefined;

  @IsOptional()
  @Matches(/^MG[0-9a-fA-F]{32}$/, {
    message: 'TWILIO_MESSAGING_SERVICE_SID must look like MG followed by 32 hex digits',
  })
  TWILIO_MESSAGING_SERVICE_SID: string | undefined = undefined;

  /** A Twilio-compatible API at another address (a regional edge, a proxy, a local test server). */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'TWILIO_API_URL must be an http(s) URL' })
  TWILIO_API_URL: string | undefined = undefined;

  /** Which email driver sends (`channels/drivers/`): `smtp` (needs SMTP_URL) or `outbox`; unset: smtp when SMTP_URL is set. */
  @IsOptional()
  @IsIn(['smtp', 'outbox'])
  EMAIL_PROVIDER: 'smtp' | 'outbox' | undefined = undefined;

  /**
   * Which SMS provider sends, by its name in `channels/sms-providers.ts`: `twilio` (needs TWILIO_ACCOUNT_SID),
   * `outbox`, or one added there; unset: twilio when TWILIO_ACCOUNT_SID is set.
   */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'SMS_PROVIDER must be a provider name such as twilio or outbox' })
  SMS_PROVIDER: string | undefined = undefined;

  /** Messages per second per channel, shared by every worker (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  EMAIL_PER_SECOND = 100;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SMS_PER_SECOND = 20;

  /** Messages in flight per worker process and provider; for email also the SMTP connections it opens. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  EMAIL_CONCURRENCY = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  SMS_CONCURRENCY = 10;

  /** Local hours `from-to` in which nothing goes out on the channel (deferred, not dropped), or `off`. */
  @Matches(/^off$|^([01]?\d|2[0-3])-([01]?\d|2[0-3])$/, {
    message: 'QUIET_HOURS_SMS must look like 21-8, or be off',
  })
  QUIET_HOURS_SMS = '21-8';

  @Matches(/^off$|^([01]?\d|2[0-3])-([01]?\d|2[0-3])$/, {
    message: 'QUIET_HOURS_EMAIL must look like 22-7, or be off',
  })
  QUIET_HOURS_EMAIL = 'off';

  /** At most N messages per contact in D days, across channels (`N/D`), or `off`. */
  @Matches(/^off$|^\d+\/\d+$/, { message: 'FREQUENCY_CAP must look like 3/7 (messages/days), or be off' })
  FREQUENCY_CAP = '3/7';

  /** For the SMS cost estimate in a preview. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @Min(0)
  SMS_PRICE_PER_SEGMENT = 0.08;

  /**
   * A segment's best template is proposed only when it scores at least this; below it the segment has "no clear
   * match" and a strategist chooses by hand. The score is Σ weight × z over the template's features, and the default
   * templates' weights add up to 1 in absolute value, so a score reads as standard deviations: how far, on average
   * over the features the template cares about, the segment's regions lie from the average region in the direction
   * the template looks for. 0.2 is Cohen's conventional "small" effect, the least difference usually worth naming;
   * below it a segment is on those features about as average as any region, and the template fits it no better
   * than it fits everyone.
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'MATCH_MIN_SCORE must be a number' })
  @Min(0)
  MATCH_MIN_SCORE = 0.2;

  /**
   * A wave that would reach more people than this needs the approval of a strategist or admin other than its
   * creator before it can be launched, and its approver may not launch it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  APPROVAL_THRESHOLD = 1000;

  /**
   * Per cent by which the audience at launch may exceed the `final` count its approver saw: more growth than this
   * needs a new approval (contacts keep arriving between an approval and a launch).
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'APPROVAL_TOLERANCE must be a number' })
  @Min(0)
  APPROVAL_TOLERANCE = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  SEND_MAX_ATTEMPTS = 6;

  /** First retry after about this many seconds, doubling with jitter. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RETRY_BASE_SECONDS = 30;

  /** A worker that has not finished a claimed message within this many seconds is presumed dead. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  LEASE_SECONDS = 60;

  /** A stable name for this worker: after a crash it takes back its own rows at once instead of after the lease. */
  @IsOptional()
  @Matches(/^[\w.:-]{1,100}$/, { message: 'WORKER_NAME must be a short name such as worker-1' })
  WORKER_NAME: string | undefined = undefined;

  /** Whether the API process also dispatches waves (`false` when separate `worker` processes do it). */
  @IsIn(['true', 'false'])
  DISPATCH_IN_API: 'true' | 'false' = 'true';

  @IsIn(['error', 'warn', 'log', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' = 'log';

  /** FREQUENCY_CAP and QUIET_HOURS_*, parsed once when the configuration is loaded. */
  frequencyCap: FrequencyCap | null = null;
  quietHours: { email: QuietHours | null; sms: QuietHours | null } = { email: null, sms: null };
}

const parseQuietHours = (text: string): QuietHours | null => {
  if (text === 'off') return null;
  const [from, to] = text.split('-').map(Number);
  return { from, to };
};

const parseFrequencyCap = (text: string): FrequencyCap | null => {
  if (text === 'off') return null;
  const [messages, days] = text.split('/').map(Number);
  return { messages, days };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map(
      (message) => `${e.property}: ${message} (got ${JSON.stringify(e.value)})`,
    ),
  );
}

/** Reads and validates the environment; throws a ConfigError listing every problem at once. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Env {
  const known = Object.keys(new Env()).filter((k) => /^[A-Z_]+$/.test(k));
  const relevant = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => (known.includes(k) || k === 'DATABASE_URL') && v !== ''),
  );
  const env = plainToInstance(Env, relevant);
  const problems = describe(validateSync(env, { forbidUnknownValues: false }));
  const purposes = env.CONSENT_PURPOSES.split(',');
  if (!purposes.includes(env.DEFAULT_CONSENT_PURPOSE))
    problems.push(`DEFAULT_CONSENT_PURPOSE: must be one of CONSENT_PURPOSES (${purposes.join(', ')})`);
  if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_AUTH_TOKEN)
    problems.push('TWILIO_AUTH_TOKEN: required with TWILIO_ACCOUNT_SID');
  if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_FROM && !env.TWILIO_MESSAGING_SERVICE_SID)
    problems.push('TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID: one is required with TWILIO_ACCOUNT_SID');
  if (env.EMAIL_PROVIDER === 'smtp' && !env.SMTP_URL)
    problems.push('SMTP_URL: required with EMAIL_PROVIDER=smtp');
  if (env.SMS_PROVIDER === 'twilio' && !env.TWILIO_ACCOUNT_SID)
    problems.push('TWILIO_ACCOUNT_SID: required with SMS_PROVIDER=twilio');
  if (env.DKIM_DOMAIN && !(env.DKIM_SELECTOR && env.DKIM_PRIVATE_KEY_FILE))
    problems.push('DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE: both are required with DKIM_DOMAIN');
  if (problems.length > 0) throw new ConfigError(problems);
  env.frequencyCap = parseFrequencyCap(env.FREQUENCY_CAP);
  env.quietHours = {
    email: parseQuietHours(env.QUIET_HOURS_EMAIL),
    sms: parseQuietHours(env.QUIET_HOURS_SMS),
  };
  return env;
}

/** The roles MFA_REQUIRED_ROLES names (none: an empty list). */
export const mfaRequiredRoles = (env: Env): string[] =>
  env.MFA_REQUIRED_ROLES === 'none' ? [] : env.MFA_REQUIRED_ROLES.split(',');

export const consentPurposes = (env: Env): string[] => env.CONSENT_PURPOSES.split(',');

/** The purpose a new event reminder is sent for unless staff choose another: event reminders, when the service has that purpose, else the default one. */
export const eventReminderPurpose = (env: Env): string =>
  consentPurposes(env).includes('event-reminders') ? 'event-reminders' : env.DEFAULT_CONSENT_PURPOSE;

export const publicUrl = (env: Env): string =>
  (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, '');

export const outboxDir = (env: Env): string => env.OUTBOX_DIR ?? `${env.DATA_DIR}/outbox`;
