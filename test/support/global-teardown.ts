import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { __omnigateCluster?: { stop(): void } }).__omnigateCluster;
  cluster?.stop();
  const stateFile = process.env.OMNIGATE_TEST_STATE;
  if (stateFile) fs.rmSync(stateFile, { force: true });
  const runTmp = process.env.OMNIGATE_TEST_TMP;
  if (runTmp) fs.rmSync(runTmp, { recursive: true, force: true });
}
