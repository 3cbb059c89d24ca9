import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
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

  @IsIn(['error', 'warn', 'log', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' = 'log';
}

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
  const known = Object.keys(new Env());
  const relevant = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => (known.includes(k) || k === 'DATABASE_URL') && v !== ''),
  );
  const env = plainToInstance(Env, relevant);
  const problems = describe(validateSync(env, { forbidUnknownValues: false }));
  if (problems.length > 0) throw new ConfigError(problems);
  return env;
}
