/** Crash-safety tests: run a saving child process, let it work, kill it with SIGKILL. */
import { spawn } from 'node:child_process';

/**
 * Runs `node script ...args` until it prints "ready", lets it save for `ms`, then kills it
 * with SIGKILL; resolves how many "saved" lines it printed. A child that exits by itself is an
 * error naming `what` and its stderr.
 */
export function runChildThenKill(script: string, args: readonly string[], ms: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve((out.match(/saved/g) ?? []).length);
      else reject(new Error(`${what} exited by itself (code ${code}): ${err}`));
    });
  });
}
