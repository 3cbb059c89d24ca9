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
} from '../common/auth.decorators.js';
import {
  ApiKeyCreatedDto,
  ApiKeyDto,
  CookieSessionDto,
  CreateApiKeyDto,
  CurrentSessionDto,
  EnrolmentDto,
  RecoveryCodesDto,
  SecondFactorChallengeDto,
  SecondFactorCodeDto,
  SecondFactorCookieSessionDto,
  SecondFactorResetDto,
  SecondFactorSignInDto,
  SecondFactorStatusDto,
  SecondFactorTokenDto,
  SignInChallengeDto,
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
import { credentialOf } from './auth.guard.js';
import { AuthService, type SessionIssued } from './auth.service.js';
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
  @ApiExtraModels(TokenDto, CookieSessionDto, SignInChallengeDto)
  @ApiOkResponse({
    description:
      'Signed in: the token in the body, or with `session: "cookie"` only in the cookie. A user with a second ' +
      'factor, or whose role needs one, gets a challenge instead and no session yet',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TokenDto) },
        { $ref: getSchemaPath(CookieSessionDto) },
        { $ref: getSchemaPath(SignInChallengeDto) },
      ],
    },
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
    if (dto.session === 'cookie') this.cookies.assertOwnOrigin(req);
    const result = await this.auth.login(dto.email, dto.password);
    if ('challenge' in result) return result;
    return this.answerSession(dto.session, result, req, res);
  }

  @Post('auth/login/second-factor')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginRateLimitGuard)
  @ApiOperation({
    summary:
      'Complete a sign-in with the second factor: a code of the authenticator app or a recovery code (or, while ' +
      'enrolling, the first code of the new factor)',
  })
  @ApiExtraModels(SecondFactorTokenDto, SecondFactorCookieSessionDto)
  @ApiOkResponse({
    description:
      'Signed in, as POST /auth/login answers; when this set up the factor, with the ten recovery codes (shown once)',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(SecondFactorTokenDto) },
        { $ref: getSchemaPath(SecondFactorCookieSessionDto) },
      ],
    },
  })
  @ApiErrors(
    { 401: 'A wrong code, a used recovery code, or an expired challenge' },
    { 403: 'A cookie was asked for by a request from another site' },
    { 409: 'No QR code was asked for before the first code' },
    422,
  )
  @ApiTooManyRequestsResponse({
    description: 'Too many attempts from this address, or wrong codes for this account',
  })
  async secondFactorSignIn(
    @Body() dto: SecondFactorSignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (dto.session === 'cookie') this.cookies.assertOwnOrigin(req);
    const { recoveryCodes, ...session } = await this.auth.completeSignIn(dto.challenge, dto.code);
    return {
      ...this.answerSession(dto.session, session, req, res),
      ...(recoveryCodes ? { recoveryCodes } : {}),
    };
  }

  @Post('auth/login/enrolment')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginRateLimitGuard)
  @ApiOperation({
    summary:
      'Set up the second factor during sign-in (a role that needs one, a user who has none): the secret and its QR code',
  })
  @ApiOkResponse({
    type: EnrolmentDto,
    description: 'Scan it, then send its first code to POST /auth/login/second-factor',
  })
  @ApiErrors({ 401: 'An expired challenge, or one that is not for enrolment' }, 409, 422)
  @ApiTooManyRequestsResponse({ description: 'Too many attempts from this address' })
  enrolAtSignIn(@Body() dto: SecondFactorChallengeDto) {
    return this.auth.enrolAtSignIn(dto.challenge);
  }

  @Get('auth/session')
  @Public()
  @ApiOperation({
    summary: 'Who is signed in, if anyone: the current session (cookie or bearer token) or none, never a 401',
  })
  @ApiOkResponse({ type: CurrentSessionDto })
  async session(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<CurrentSessionDto> {
    const { via, token } = credentialOf(req, this.cookies);
    const found = token ? await this.auth.authenticate(token) : undefined;
    // An ended session's cookie is of no more use: the browser may drop it.
    if (!found && via === 'cookie' && token) this.cookies.clear(req, res);
    return found ? { user: found.staff, expiresAt: found.expiresAt } : { user: null, expiresAt: null };
  }

  @Get('auth/me/second-factor')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'The signed-in user’s second factor: on or off, needed by their role, recovery codes left',
  })
  @ApiOkResponse({ type: SecondFactorStatusDto })
  @ApiErrors(401)
  secondFactor(@CurrentStaff() staff: StaffPrincipal) {
    return this.auth.secondFactorOf(staff);
  }

  @Post('auth/me/second-factor')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Set up a second factor of one’s own accord: the secret and its QR code, confirmed by PUT with a code',
  })
  @ApiOkResponse({ type: EnrolmentDto })
  @ApiErrors(
    { 400: 'An API key is not a person’s sign-in' },
    401,
    { 403: 'Signed in with the cookie, but the request comes from another site' },
    { 409: 'A second factor is set up already' },
  )
  startEnrolment(@CurrentStaff() staff: StaffPrincipal, @CurrentCredential() credential: Credential) {
    return this.auth.startOwnEnrolment(staff, credential);
  }

  @Put('auth/me/second-factor')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Confirm the new second factor with its first code: from then on sign-in asks for a code',
  })
  @ApiOkResponse({ type: RecoveryCodesDto, description: 'The ten recovery codes, shown this once' })
  @ApiErrors(
    { 400: 'An API key is not a person’s sign-in' },
    { 401: 'Not signed in, or a wrong code' },
    { 403: 'Signed in with the cookie, but the request comes from another site' },
    { 409: 'No QR code was asked for, or a second factor is set up already' },
    422,
  )
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account' })
  confirmEnrolment(
    @CurrentStaff() staff: StaffPrincipal,
    @CurrentCredential() credential: Credential,
    @Body() dto: SecondFactorCodeDto,
  ) {
    return this.auth.confirmOwnEnrolment(staff, credential, dto.code);
  }

  private answerSession(
    kind: LoginDto['session'],
    session: SessionIssued,
    req: Request,
    res: Response,
  ): TokenDto | CookieSessionDto {
    if (kind !== 'cookie') return session;
    const { token, expiresAt, role } = session;
    this.cookies.set(req, res, token, expiresAt);
    return { session: 'cookie', expiresAt, role };
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

  @Delete('staff-users/:id/second-factor')
  @ApiBearerAuth()
  @Roles()
  @ApiOperation({
    summary:
      'Remove a staff user’s second factor and recovery codes (a lost phone); ends their sessions; audited',
  })
  @ApiOkResponse({ type: SecondFactorResetDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'The user has no second factor' })
  resetSecondFactor(
    @CurrentStaff() staff: StaffPrincipal,
    @CurrentCredential() credential: Credential,
    @Param('id', ParseUUIDPipe) id: string,
  ) {
    return this.auth.resetSecondFactor(id, staff, credential);
  }
}
