import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { INT8_OID, NUMERIC_OID, toWire, type WorkerReply, type WorkerRequest } from './pglite-wire';
import { durablePGlite, isDataDirectory, syncTree } from './pglite-durable';

/**
 * The embedded database's own thread (started by pglite-thread.ts): PGlite executes each
 * query synchronously in WebAssembly, so on the gateway's thread every query — a message's,
 * the report rollups' — held up the sockets and pushes around it. Here it runs beside them.
 * One request at a time, in the order sent: the pool (pglite-pool.ts) already hands the
 * one connection out to one caller at a time.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('pglite-worker runs as a worker thread');
  const { dir } = workerData as { dir: string };
  const durable = durablePGlite(dir);
  let pg: PGlite;
  try {
    const created = !isDataDirectory(dir);
    pg = await PGlite.create({
      ...durable.options,
      parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
    });
    if (created) syncTree(dir);
  } catch (err) {
    port.postMessage({ id: 0, error: toWire(err) } satisfies WorkerReply);
    return;
  }
  port.postMessage({ id: 0, rows: [], affectedRows: 0 } satisfies WorkerReply);
  let queue = Promise.resolve();
  port.on('message', (req: WorkerRequest) => {
    queue = queue.then(async () => {
      try {
        if (req.op === 'close') {
          await pg.exec('CHECKPOINT');
          await pg.close();
          port.postMessage({ id: req.id, rows: [], affectedRows: 0 } satisfies WorkerReply);
          port.close();
          return;
        }
        const result = await pg.query(req.sql, req.params);
        port.postMessage({ id: req.id, rows: result.rows, affectedRows: result.affectedRows ?? result.rows.length } satisfies WorkerReply);
      } catch (err) {
        port.postMessage({ id: req.id, error: toWire(err) } satisfies WorkerReply);
      }
      const failed = durable.failedFlush();
      // PostgreSQL stopped (a PANIC) and would leave every later query waiting: end the
      // thread, which fails them all with this error (pglite-thread.ts).
      if (failed) setImmediate(() => {
        throw new Error(`the embedded database could not flush its files to disk (${failed.message}) and stopped; restart the gateway once the disk is fixed`);
      });
    });
  });
}

void main();
