import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors } from '../common/api-docs.js';
import {
  CurrentCredential,
  CurrentStaff,
  Public,
  Roles,
  type Credential,
  type StaffPrincipal,
} from './auth.decorators.js';
import {
  ApiKeyCreatedDto,
  ApiKeyDto,
  CookieSessionDto,
  CreateApiKeyDto,
  CreateStaffUserDto,
  LoginDto,
  PasswordResetDto,
  ResetPasswordDto,
  StaffAccountDto,
  StaffUserDto,
  TokenDto,
  UpdateMeDto,
  UpdateStaffUserDto,
} from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { LoginRateLimitGuard } from './login-rate-limit.guard.js';
import { SESSION_COOKIE, SessionCookies } from './session-cookie.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginRateLimitGuard)
  @ApiOperation({
    summary:
      'Sign in: a bearer token for scripts, or (`session: "cookie"`) an HttpOnly session cookie for browsers',
  })
  @ApiExtraModels(TokenDto, CookieSessionDto)
  @ApiOkResponse({
    description: 'Signed in: the token in the body, or with `session: "cookie"` only in the cookie',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenDto) }, { $ref: getSchemaPath(CookieSessionDto) }] },
    headers: {
      'Set-Cookie': {
        description: `With \`session: "cookie"\`: \`${SESSION_COOKIE}=<token>; Max-Age=…; Path=/; HttpOnly; SameSite=Strict\`, and \`Secure\` over https`,
        schema: { type: 'string' },
      },
    },
  })
  @ApiErrors(
    { 401: 'Wrong email or password' },
    { 403: 'A cookie was asked for by a request from another site' },
    422,
  )
  @ApiTooManyRequestsResponse({ description: 'Too many login attempts from this address' })
  async login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (dto.session !== 'cookie') return this.auth.login(dto.email, dto.password);
    this.cookies.assertOwnOrigin(req);
    const { token, expiresAt, role } = await this.auth.login(dto.email, dto.password);
    this.cookies.set(req, res, token, expiresAt);
    return { session: 'cookie', expiresAt, role } satisfies CookieSessionDto;
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Sign out: the session’s token stops working at once, and the session cookie is cleared',
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiErrors({ 400: 'An API key is not a session: revoke it with DELETE /auth/api-keys/{id}' }, 401, {
    403: 'Signed in with the cookie, but the request comes from another site',
  })
  async logout(
    @CurrentStaff() staff: StaffPrincipal,
    @CurrentCredential() credential: Credential,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.auth.logout(staff, credential);
    this.cookies.clear(req, res);
  }

  @Get('auth/me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who is signed in, with their role and the web app’s language' })
  @ApiOkResponse({ type: StaffUserDto })
  @ApiErrors(401)
  me(@CurrentStaff() staff: StaffPrincipal) {
    return staff;
  }

  @Put('auth/me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Keep the signed-in user’s own settings: the web app’s language (`de` or `en`)' })
  @ApiOkResponse({ type: StaffUserDto, description: 'The user, with the setting kept' })
  @ApiErrors(401, { 403: 'Signed in with the cookie, but the request comes from another site' }, 422)
  updateMe(@CurrentStaff() staff: StaffPrincipal, @Body() dto: UpdateMeDto) {
    return this.auth.updateMe(staff, dto.language);
  }

  @Get('auth/api-keys')
  @ApiBearerAuth()
  @Roles()
  @ApiOperation({ summary: 'List the API keys (never their secret), revoked ones included' })
  @ApiOkResponse({ type: [ApiKeyDto], description: 'Newest first' })
  @ApiErrors(401, 403)
  listApiKeys() {
    return this.auth.listApiKeys();
  }

  @Post('auth/api-keys')
  @ApiBearerAuth()
  @Roles()
  @ApiOperation({ summary: 'Create a long-lived API key for a script (shown once)' })
  @ApiCreatedResponse({ type: ApiKeyCreatedDto })
  @ApiErrors(401, 403, 422)
  createApiKey(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateApiKeyDto) {
    return this.auth.createApiKey(staff.id, dto.name, dto.expiresInDays, staff.id);
  }

  @Delete('auth/api-keys/:id')
  @ApiBearerAuth()
  @Roles()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(400, 401, 403, 404)
  revokeApiKey(@CurrentStaff() staff: StaffPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.auth.revokeApiKey(id, staff.id);
  }

  @Get('staff-users')
  @ApiBearerAuth()
  @Roles()
  @ApiOperation({ summary: 'List the staff users' })
  @ApiOkResponse({ type: [StaffAccountDto] })
  @ApiErrors(401, 403)
  listUsers() {
    return this.auth.listUsers();
  }

  @Post('staff-users')
  @ApiBearerAuth()
  @Roles()
  @ApiOperation({ summary: 'Create a staff user with a role' })
  @ApiCreatedResponse({ type: StaffUserDto })
  @ApiErrors(401, 403, 409, 422)
  createUser(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateStaffUserDto) {
    return this.auth.createUser(dto, staff.id);
  }

  @Patch('staff-users/:id')
  @ApiBearerAuth()
  @Roles()
  @ApiOperation({
    summary: 'Rename a staff user, change their role, or disable (ending their sessions) or enable them',
  })
  @ApiOkResponse({ type: StaffAccountDto })
  @ApiErrors(400, 401, 403, 404, 422, {
    409: 'An admin disabling their own account, or a change that would leave no active admin',
  })
  updateUser(
    @CurrentStaff() staff: StaffPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateStaffUserDto,
  ) {
    return this.auth.updateUser(id, dto, staff);
  }

  @Post('staff-users/:id/password')
  @ApiBearerAuth()
  @Roles()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Set a staff user’s password (given, or chosen by the service and shown once); ends their sessions',
  })
  @ApiOkResponse({ type: PasswordResetDto })
  @ApiErrors(400, 401, 403, 404, 422)
  resetPassword(
    @CurrentStaff() staff: StaffPrincipal,
    @CurrentCredential() credential: Credential,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResetPasswordDto,
  ) {
    return this.auth.resetPassword(id, dto.password, staff, credential);
  }
}
