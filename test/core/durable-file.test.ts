import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDirectoryDurably, writeFileDurably, writeFileDurablySync } from '../../src/core/durable-file';
import { recordingSync } from '../support/flushes';

/** Files the gateway writes next to its database (src/core/durable-file.ts, decision 0017). */
describe('durable files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-durable-file-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a file is flushed under a temporary name, then its directory once the name is in place', () => {
    const flushed: string[] = [];
    const file = path.join(dir, 'secret.key');
    writeFileDurablySync(file, 'khóa bí mật\n', { mode: 0o600 }, recordingSync(flushed));
    expect(fs.readFileSync(file, 'utf8')).toBe('khóa bí mật\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(flushed).toHaveLength(2);
    // The data was flushed under the temporary name (renamed since), then the directory.
    expect(path.dirname(flushed[0]!)).toBe(dir);
    expect(path.basename(flushed[0]!)).toMatch(/^\.secret\.key\..*\.tmp/);
    expect(flushed[1]).toBe(dir);
    expect(fs.readdirSync(dir)).toEqual(['secret.key']);
  });

  test('exclusive: an existing file is EEXIST and stays as it was, with no temporary file left', () => {
    const file = path.join(dir, 'secret.key');
    fs.writeFileSync(file, 'the first key\n');
    expect(() => writeFileDurablySync(file, 'a second key\n', { exclusive: true })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readFileSync(file, 'utf8')).toBe('the first key\n');
    expect(fs.readdirSync(dir)).toEqual(['secret.key']);
  });

  test('the asynchronous write replaces a file, or refuses to when exclusive, leaving nothing else behind', async () => {
    const file = path.join(dir, 'upload.json');
    await writeFileDurably(file, '{"name":"hóa đơn.pdf"}');
    await writeFileDurably(file, Buffer.from('{"name":"ảnh.png"}'));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"name":"ảnh.png"}');
    await expect(writeFileDurably(file, '{}', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fs.readdirSync(dir)).toEqual(['upload.json']);
  });

  test('a new directory tree has every new entry flushed in its parent; an existing one flushes nothing', () => {
    const flushed: string[] = [];
    const deep = path.join(dir, 'data', 'uploads');
    makeDirectoryDurably(deep, recordingSync(flushed));
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    expect(flushed.sort()).toEqual([dir, path.join(dir, 'data')]);
    flushed.length = 0;
    makeDirectoryDurably(deep, recordingSync(flushed));
    expect(flushed).toEqual([]);
  });
});
