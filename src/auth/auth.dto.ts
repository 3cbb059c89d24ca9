import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { StaffRefDto } from '../common/api-docs.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';
import { ROLES, type Role } from '../common/roles.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { UI_LANGUAGES, type UiLanguage } from './staff-user.entity.js';

export const SESSION_KINDS = ['token', 'cookie'] as const;

/** A staff password as every form that sets one checks it. */
const IsStaffPassword = () =>
  applyDecorators(IsString(), MinLength(MIN_PASSWORD_LENGTH), MaxLength(MAX_PASSWORD_LENGTH));

export class LoginDto {
  @ApiProperty({ example: 'admin@example.org' })
  @IsEmail()
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;

  @ApiPropertyOptional({
    enum: SESSION_KINDS,
    default: 'token',
    description:
      '`token`: the token comes back in the body, for scripts. `cookie`: for browsers; the token is set as the ' +
      `HttpOnly cookie \`${SESSION_COOKIE}\` and is not in the body, so no page script ever holds it ` +
      "(the request must come from the service's own pages: Sec-Fetch-Site, Origin and Referer are checked)",
  })
  @IsOptional()
  @IsIn(SESSION_KINDS)
  session?: (typeof SESSION_KINDS)[number];
}

export class TokenDto {
  @ApiProperty({ description: 'Opaque; send as `Authorization: Bearer <token>`', example: 'vs_s_…' })
  token: string;

  @ApiProperty({ type: Date, description: 'When the token stops working' })
  expiresAt: Date;

  @ApiProperty({ enum: ROLES })
  role: Role;
}

/** The answer to a cookie login: the token itself is only in the Set-Cookie header. */
export class CookieSessionDto {
  @ApiProperty({ enum: ['cookie'], description: 'The session is in the cookie, not in this body' })
  session: 'cookie';

  @ApiProperty({ type: Date, description: 'When the session (and its cookie) ends' })
  expiresAt: Date;

  @ApiProperty({ enum: ROLES })
  role: Role;
}

/** The password was right and a second factor is needed: no session yet. */
export class SignInChallengeDto {
  @ApiProperty({
    enum: ['code', 'enrol'],
    description:
      '`code`: send a code from the authenticator app (or a recovery code) to POST /auth/login/second-factor. ' +
      '`enrol`: the role needs a second factor and the user has none: POST /auth/login/enrolment shows the QR ' +
      'code, then the first code goes to POST /auth/login/second-factor',
  })
  secondFactor: 'code' | 'enrol';

  @ApiProperty({ description: 'Signed and short-lived; it proves the password, nothing more' })
  challenge: string;

  @ApiProperty({ type: Date, description: 'When the challenge stops working: sign in again' })
  expiresAt: Date;
}

const SessionKind = () =>
  applyDecorators(
    ApiPropertyOptional({
      enum: SESSION_KINDS,
      default: 'token',
      description: 'As for POST /auth/login: the token in the body, or (`cookie`) in the HttpOnly cookie',
    }),
    IsOptional(),
    IsIn(SESSION_KINDS),
  );

export class SecondFactorSignInDto {
  @ApiProperty({ description: 'The challenge POST /auth/login answered' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  challenge: string;

  @ApiProperty({
    description:
      'The 6-digit code of the authenticator app, or one of the recovery codes (each works once); while ' +
      'enrolling, the first code of the new factor',
    example: '123456',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code: string;

  @SessionKind()
  session?: (typeof SESSION_KINDS)[number];
}

export class SecondFactorChallengeDto {
  @ApiProperty({ description: 'The challenge POST /auth/login answered with `secondFactor: "enrol"`' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  challenge: string;
}

/** A new second factor to set up in an authenticator app; kept pending until its first code confirms it. */
export class EnrolmentDto {
  @ApiProperty({
    description: 'The TOTP secret (base32) to type in by hand; shown while enrolling, never again',
  })
  secret: string;

  @ApiProperty({ description: 'The same as an `otpauth://totp/…` address' })
  otpauthUri: string;

  @ApiProperty({ description: 'The address as a QR code: an SVG image as a `data:` URL' })
  qrCode: string;
}

export class SecondFactorCodeDto {
  @ApiProperty({ description: 'The first 6-digit code the authenticator app shows', example: '123456' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description:
      'Ten recovery codes, each good for one sign-in without the app: shown this once, stored hashed',
  })
  recoveryCodes: string[];
}

/** A token sign-in completed by the second factor; when it set up the factor, with the recovery codes. */
export class SecondFactorTokenDto extends TokenDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'Only when this sign-in set up the second factor: shown once',
  })
  recoveryCodes?: string[];
}

export class SecondFactorCookieSessionDto extends CookieSessionDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'Only when this sign-in set up the second factor: shown once',
  })
  recoveryCodes?: string[];
}

export class SecondFactorStatusDto {
  @ApiProperty({ description: 'Whether the user signs in with a second factor' }) enabled: boolean;
  @ApiProperty({ type: Date, nullable: true }) enabledAt: Date | null;
  @ApiProperty({ description: 'Whether the user’s role needs one (MFA_REQUIRED_ROLES)' }) required: boolean;
  @ApiProperty({ type: 'integer', description: 'Recovery codes not yet used' }) recoveryCodesLeft: number;
}

export class SecondFactorResetDto {
  @ApiProperty({ type: 'integer', description: 'The user’s sessions ended by the reset' })
  sessionsRevoked: number;
}

export class UpdateMeDto {
  @ApiProperty({ enum: UI_LANGUAGES, description: 'The web app’s language for this user' })
  @IsIn(UI_LANGUAGES)
  language: UiLanguage;
}

export class CreateStaffUserDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty()
  @IsEmail()
  email: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH })
  @IsStaffPassword()
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;
}

/** What an admin changes on a staff account; fields left out stay as they are. */
export class UpdateStaffUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, description: 'Takes effect with the user’s next request' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    description:
      'true: the user can no longer sign in, their sessions are ended and their API keys stop working; ' +
      'false: enabled again (with a new login; API keys work again)',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class ResetPasswordDto {
  @ApiPropertyOptional({
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    description: 'The new password; left out, the service chooses one and answers it once',
  })
  @IsOptional()
  @IsStaffPassword()
  password?: string;
}

export class PasswordResetDto {
  @ApiProperty({ description: 'Whether the service chose the password' }) generated: boolean;

  @ApiPropertyOptional({
    description: 'The chosen password, only when generated: shown this once, never stored',
  })
  password?: string;

  @ApiProperty({ type: 'integer', description: 'The user’s sessions ended by the reset' })
  sessionsRevoked: number;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'nightly contact sync' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    description: 'Days until the key expires; none = until revoked',
    minimum: 1,
    maximum: 3650,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

export class ApiKeyCreatedDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ description: 'Shown once; only its hash is stored' })
  token: string;

  @ApiProperty({ type: Date, nullable: true, description: 'null: until revoked' })
  expiresAt: Date | null;
}

/** An API key as the admins' list shows it: never its secret, which only its creator saw, once. */
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'nightly contact sync' }) name: string | null;
  @ApiProperty({ enum: ROLES, description: 'The role the key acts with: its creator’s' }) role: Role;
  @ApiProperty({ type: StaffRefDto, description: 'The admin who created it; the key acts as them' })
  createdBy: StaffRefDto;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) expiresAt: Date | null;
  @ApiProperty({ type: Date, nullable: true, description: 'Recorded to the minute' }) lastUsedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) revokedAt: Date | null;
  @ApiProperty({
    description: 'Whether it works now: not revoked, not expired, and its creator’s account not disabled',
  })
  active: boolean;
}

export class StaffUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: UI_LANGUAGES, description: 'The web app’s language for this user' })
  language: UiLanguage;
  @ApiProperty({ description: 'Whether the user signs in with a second factor (TOTP)' })
  secondFactor: boolean;
}

/** Who the request is signed in as, if anyone: the web app's first question, answered without a 401. */
export class CurrentSessionDto {
  @ApiProperty({
    type: StaffUserDto,
    nullable: true,
    description: 'null: not signed in (or the session ended)',
  })
  user: StaffUserDto | null;

  @ApiProperty({
    type: Date,
    nullable: true,
    description: 'When the session ends; null without one, or for an API key that never expires',
  })
  expiresAt: Date | null;
}

/** A staff account as the admins' list shows it. */
export class StaffAccountDto extends StaffUserDto {
  @ApiProperty({
    type: Date,
    nullable: true,
    description: 'Set when the account was disabled: it cannot sign in',
  })
  disabledAt: Date | null;

  @ApiProperty({ type: Date })
  createdAt: Date;
}
