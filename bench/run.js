// npm run bench -- <name>: runs bench/<name>.js (the project is built first by the npm script).
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';

const name = process.argv[2];
const script = new URL(`./${name}.js`, import.meta.url);
if (!name || !existsSync(script)) {
  console.error(
    'usage: npm run bench -- <name>   (available: import, kmeans, wave-preview, email-throughput, sms-rate, wave-memory, long-line, wave-progress, web-matches)',
  );
  process.exit(2);
}
const child = spawn(process.execPath, [script.pathname, ...process.argv.slice(3)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
