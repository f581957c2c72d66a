/**
 * Runs fuzz cases in a child process, so that what would kill a process (a native crash, an
 * out-of-memory abort, an endless loop) is seen as a failed case, not as a dead test runner.
 * The child is restarted after a death and the next case goes on.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ENTRY = path.join(__dirname, 'child-entry.js');

export type ChildResult<T> =
  | { kind: 'value'; value: T; ms: number }
  | { kind: 'thrown'; error: string; ms: number }
  | { kind: 'died'; reason: string; ms: number }
  | { kind: 'hung'; ms: number };

export interface ChildRunnerOptions {
  /** V8 heap limit of the child, MB (an allocation storm ends there, not in the OOM killer) */
  maxOldSpaceMb?: number;
  /** a case taking longer is a hang: the child is killed and restarted */
  timeoutMs: number;
}

export class ChildRunner<P, T> {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;
  private stderr = '';
  /** children that died or hung (each was restarted) */
  restarts = 0;

  constructor(private readonly module: string, private readonly options: ChildRunnerOptions) {}

  private start(): Promise<void> {
    this.stderr = '';
    const child = fork(ENTRY, [this.module], {
      serialization: 'advanced',
      execArgv: [`--max-old-space-size=${this.options.maxOldSpaceMb ?? 1024}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.child = child;
    return new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (!m.ready) return;
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new Error(`fuzz child failed to start (code ${code}, signal ${signal}): ${this.stderr}`)));
    });
  }

  async call(payload: P): Promise<ChildResult<T>> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) this.ready = this.start();
    await this.ready;
    const child = this.child!;
    const id = ++this.nextId;
    const started = performance.now();
    return new Promise((resolve) => {
      const done = (r: ChildResult<T>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m: { id: number; value?: T; thrown?: string }) => {
        if (m.id !== id) return;
        const ms = performance.now() - started;
        done(m.thrown !== undefined ? { kind: 'thrown', error: m.thrown, ms } : { kind: 'value', value: m.value as T, ms });
      };
      const onExit = (code: number | null, signal: string | null) => {
        this.restarts++;
        this.child = undefined;
        done({ kind: 'died', reason: `exit code ${code}, signal ${signal}: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`, ms: performance.now() - started });
      };
      const timer = setTimeout(() => {
        this.restarts++;
        child.off('exit', onExit);
        child.kill('SIGKILL');
        this.child = undefined;
        done({ kind: 'hung', ms: performance.now() - started });
      }, this.options.timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ id, payload });
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
