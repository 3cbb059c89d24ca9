import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CurrentStaff, Public, Roles, type StaffPrincipal } from './auth.decorators.js';
import {
  ApiKeyCreatedDto,
  CreateApiKeyDto,
  CreateStaffUserDto,
  LoginDto,
  StaffUserDto,
  TokenDto,
} from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { LoginRateLimitGuard } from './login-rate-limit.guard.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginRateLimitGuard)
  @ApiOkResponse({ type: TokenDto })
  @ApiTooManyRequestsResponse({ description: 'Too many login attempts from this address' })
  login(@Body() dto: LoginDto) {
    return this.auth.login(dto.email, dto.password);
  }

  @Get('auth/me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: StaffUserDto })
  me(@CurrentStaff() staff: StaffPrincipal) {
    return staff;
  }

  @Post('auth/api-keys')
  @ApiBearerAuth()
  @Roles()
  @ApiCreatedResponse({ type: ApiKeyCreatedDto })
  createApiKey(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateApiKeyDto) {
    return this.auth.createApiKey(staff.id, dto.name, dto.expiresInDays, staff.id);
  }

  @Delete('auth/api-keys/:id')
  @ApiBearerAuth()
  @Roles()
  @HttpCode(204)
  revokeApiKey(@CurrentStaff() staff: StaffPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.auth.revokeApiKey(id, staff.id);
  }

  @Get('staff-users')
  @ApiBearerAuth()
  @Roles()
  @ApiOkResponse({ type: [StaffUserDto] })
  listUsers() {
    return this.auth.listUsers();
  }

  @Post('staff-users')
  @ApiBearerAuth()
  @Roles()
  @ApiCreatedResponse({ type: StaffUserDto })
  createUser(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateStaffUserDto) {
    return this.auth.createUser(dto, staff.id);
  }
}
