import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { INT8_OID, NUMERIC_OID, toWire, type WorkerReply, type WorkerRequest } from './pglite-wire';

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
  let pg: PGlite;
  try {
    pg = await PGlite.create((workerData as { dir: string }).dir, {
      parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
    });
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
    });
  });
}

void main();
