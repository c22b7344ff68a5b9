import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromWire, type QueryResult, type WorkerReply, type WorkerRequest } from './pglite-wire';

/**
 * The embedded PGlite database on a thread of its own (pglite-worker.ts), seen from the
 * gateway's thread as a queryable object. Queries are answered in the order sent; a
 * crash of the thread fails every pending and later query (it is never restarted behind
 * the caller's back: the data directory's state would be unknown).
 */
export class PGliteThread {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: QueryResult) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref(); // idle: the thread alone keeps no process alive
      if ('error' in reply) p.reject(fromWire(reply.error));
      else p.resolve(reply);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded database's thread stopped (exit code ${code})`)));
  }

  /** Starts the thread and opens PGlite in `dir` there; rejects with PGlite's own error when it cannot. */
  static async open(dir: string): Promise<PGliteThread> {
    const worker = new Worker(path.join(__dirname, `pglite-worker${path.extname(__filename)}`), { workerData: { dir }, execArgv: workerExecArgv() });
    const thread = new PGliteThread(worker);
    try {
      await thread.request(0);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return thread;
  }

  query(sql: string, params: unknown[]): Promise<QueryResult> {
    const id = this.next++;
    return this.send({ id, op: 'query', sql, params });
  }

  /** Checkpoint and close PGlite, then end the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    await this.send({ id: this.next++, op: 'close' });
    await this.worker.terminate();
  }

  private send(req: WorkerRequest): Promise<QueryResult> {
    const answer = this.request(req.id);
    if (!this.failure) this.worker.postMessage(req);
    return answer;
  }

  private request(id: number): Promise<QueryResult> {
    if (this.failure) return Promise.reject(this.failure);
    this.worker.ref(); // an answer is awaited: the process waits for it
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
}

/**
 * The thread's Node options: none of the process's own (a worker refuses some, such as
 * --expose-gc, and needs none). Run from the TypeScript sources (tests, `tsx`), the
 * worker's file is TypeScript too and gets tsx's CommonJS hook (a worker does not take
 * over the parent's tsx loader). Built (`dist/`), it is JavaScript and needs nothing.
 */
function workerExecArgv(): string[] {
  return path.extname(__filename) === '.ts' ? ['--require', require.resolve('tsx/cjs')] : [];
}
