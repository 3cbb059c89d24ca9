import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ROLES, type Role } from './roles.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { UI_LANGUAGES, type UiLanguage } from './staff-user.entity.js';

export const SESSION_KINDS = ['token', 'cookie'] as const;

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

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;
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

  @ApiProperty()
  expiresAt: Date | null;
}

export class StaffUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: UI_LANGUAGES, description: 'The web app’s language for this user' })
  language: UiLanguage;
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
