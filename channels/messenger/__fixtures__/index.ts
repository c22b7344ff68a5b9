import fs from 'node:fs';
import path from 'node:path';

/** Test helpers: read a fixture of this folder, exactly as stored (see README.md for sources). */
export function fixtureBytes(name: string): Buffer {
  return fs.readFileSync(path.join(__dirname, name));
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureBytes(name).toString('utf8'));
}

/** Every JSON fixture in this folder. */
export function fixtureNames(): string[] {
  return fs.readdirSync(__dirname).filter((f) => f.endsWith('.json')).sort();
}
