import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { SecondFactorService } from './second-factor.service.js';
import { SessionCookies } from './session-cookie.js';
import { StaffToken } from './staff-token.entity.js';
import { StaffUser } from './staff-user.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([StaffUser, StaffToken])],
  controllers: [AuthController],
  providers: [AuthService, SecondFactorService, SessionCookies, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
