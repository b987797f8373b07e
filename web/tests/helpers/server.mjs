// A real `albumen serve` on a fresh data directory and a free port, with the built web app.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const python = process.env.ALBUMEN_PYTHON ?? join(repoRoot, '.venv/bin/python');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

export async function startServer({ timeoutMs = 120_000 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'albumen-web-'));
  const port = await freePort();
  const logPath = join(dataDir, 'server.log');
  const log = openSync(logPath, 'a');
  const env = { ...process.env, IMMICH_LOG_LEVEL: 'log' };
  delete env.DB_URL;
  delete env.DB_HOSTNAME;
  const child = spawn(python, ['-m', 'albumen.cli', 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  let exited = null;
  child.on('exit', (code) => (exited = code));
  while (Date.now() - started < timeoutMs) {
    if (exited !== null) throw new Error(`albumen serve exited with ${exited}:\n${readFileSync(logPath, 'utf8')}`);
    try {
      const response = await fetch(`${url}/api/server/ping`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  const index = await fetch(`${url}/photos`).then((response) => response.text());
  if (!index.includes('/_app/immutable/')) {
    await stop();
    throw new Error('albumen serve is not serving the web app: run ./scripts/build-web first');
  }

  async function stop() {
    if (exited === null) {
      child.kill('SIGTERM');
      await new Promise((done) => {
        const timer = setTimeout(() => (child.kill('SIGKILL'), done()), 30_000);
        child.on('exit', () => (clearTimeout(timer), done()));
      });
    }
    // The embedded PostgreSQL normally stops with the server; make sure of it before deleting.
    spawnSync(python, ['-c', 'import sys\nfrom embedded_postgres import EmbeddedPostgres\nEmbeddedPostgres(sys.argv[1]).stop()', join(dataDir, 'postgres')], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    rmSync(dataDir, { recursive: true, force: true });
  }

  return { url, dataDir, logPath, stop, log: () => readFileSync(logPath, 'utf8') };
}
