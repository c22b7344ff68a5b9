const fs = require('node:fs');
const path = require('node:path');

/**
 * The end-of-run log scan: looks for every test secret (test/support/test-secrets.ts) in
 * every line the run's loggers and child processes wrote (test/support/log-capture.ts).
 * Plain JavaScript, since the summary reporter runs it outside jest's TypeScript
 * transform: the registry is read as text between its `begin`/`end` markers.
 */

const REGISTRY = path.join(__dirname, 'test-secrets.ts');

/** {literals: [{name, value}], patterns: [{name, regex}]} from the registry file. */
function loadRegistry(file = REGISTRY) {
  const text = fs.readFileSync(file, 'utf8');
  const block = (marker) => {
    const m = new RegExp(`// ${marker} begin\\n([\\s\\S]*?)// ${marker} end`).exec(text);
    if (!m) throw new Error(`${file}: no "${marker}" block`);
    return m[1].split('\n');
  };
  const literals = block('TEST_SECRETS').flatMap((line) => {
    const m = /^\s*(\w+): '((?:[^'\\]|\\.)*)',?\s*$/.exec(line);
    return m ? [{ name: m[1], value: m[2].replace(/\\(.)/g, '$1') }] : [];
  });
  const patterns = block('TEST_SECRET_PATTERNS').flatMap((line) => {
    const m = /^\s*(\w+): \/(.+)\/([a-z]*),?\s*$/.exec(line);
    return m ? [{ name: m[1], regex: new RegExp(m[2], m[3]) }] : [];
  });
  if (literals.length === 0) throw new Error(`${file}: the TEST_SECRETS block lists no secret`);
  return { literals, patterns };
}

/** Hides all but the last 4 characters: the report names the secret without repeating it. */
function hint(value) {
  return value.length <= 8 ? '…' : `…${value.slice(-4)}`;
}

/**
 * Scan every file in `dir`. Returns {files, lines, bytes, leaks: [{secret, hint, file, line}]}
 * with at most `maxLeaks` leaks listed (the count of all of them in `leakCount`).
 */
function scanLogs(dir, registry = loadRegistry(), maxLeaks = 50) {
  const result = { files: 0, lines: 0, bytes: 0, leaks: [], leakCount: 0 };
  if (!dir || !fs.existsSync(dir)) return result;
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const text = fs.readFileSync(file, 'utf8');
    result.files += 1;
    result.bytes += fs.statSync(file).size;
    const lines = text.split('\n');
    result.lines += lines.length;
    // Most files hold no secret: one search per secret over the whole text first, lines only on a hit.
    const found = [
      ...registry.literals.filter((s) => text.includes(s.value)).map((s) => ({ name: s.name, hint: hint(s.value), hit: (l) => l.includes(s.value) })),
      ...registry.patterns.filter((p) => p.regex.test(text)).map((p) => ({ name: p.name, hint: `/${p.regex.source}/`, hit: (l) => p.regex.test(l) })),
    ];
    for (const secret of found) {
      lines.forEach((l, i) => {
        if (!secret.hit(l)) return;
        result.leakCount += 1;
        if (result.leaks.length < maxLeaks) result.leaks.push({ secret: secret.name, hint: secret.hint, file, line: i + 1 });
      });
    }
  }
  return result;
}

module.exports = { loadRegistry, scanLogs, hint };
