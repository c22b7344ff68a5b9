import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { analyze } from './analyze';
import { hasDiacritics, isVietnameseSyllable, tokenize } from './normalize';

/**
 * Optional cross-language matching: an English question against Vietnamese entries.
 * Off unless a local model directory is configured; nothing is ever downloaded.
 *
 * Model directory layout (either file; `vectors.json` wins when both exist):
 *  - `vectors.json`: `{ "dim": 300, "vectors": { "giao": [...], "delivery": [...] } }`
 *  - `vectors.txt`: word2vec/fastText text format, one `word v1 v2 … vdim` per line,
 *    optionally preceded by a `count dim` header line. Aligned multilingual vectors
 *    (e.g. fastText "aligned word vectors" for vi and en, concatenated into one file)
 *    put "giao hàng" and "delivery" close together, which is what makes this useful.
 * Words are looked up as typed (lower case, NFC, with diacritics) and then folded. A
 * text's vector is the mean of its known non-stop-word vectors, L2-normalised.
 */
export interface EmbeddingProvider {
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Averaged word vectors over a word → vector table. */
export class WordVectorProvider implements EmbeddingProvider {
  constructor(
    private readonly dim: number,
    private readonly vectors: ReadonlyMap<string, Float32Array>,
  ) {}

  embedOne(text: string): Float32Array {
    const sum = new Float32Array(this.dim);
    for (const t of analyze(text)) {
      if (t.stop) continue;
      const v = this.vectors.get(t.text) ?? this.vectors.get(t.folded);
      if (!v) continue;
      for (let i = 0; i < this.dim; i++) sum[i]! += v[i]!;
    }
    return normalise(sum);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** Cosine of two vectors (0 when either is the zero vector). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * The provider for a model directory, or null when no directory is configured. A
 * configured directory that is missing or malformed is an error (a typo in the setting
 * must not silently turn the feature off).
 */
export async function loadEmbeddingProvider(dir: string | undefined): Promise<EmbeddingProvider | null> {
  if (dir === undefined || dir.trim() === '') return null;
  const json = path.join(dir, 'vectors.json');
  const txt = path.join(dir, 'vectors.txt');
  if (fs.existsSync(json)) return readJsonModel(json);
  if (fs.existsSync(txt)) return readTextModel(txt);
  throw new Error(`embedding model directory ${dir}: neither vectors.json nor vectors.txt found`);
}

function readJsonModel(file: string): WordVectorProvider {
  const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: expected an object`);
  const { dim, vectors } = raw as { dim?: unknown; vectors?: unknown };
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim <= 0) throw new Error(`${file}: "dim" must be a positive integer`);
  if (typeof vectors !== 'object' || vectors === null) throw new Error(`${file}: "vectors" must be an object of word → number[]`);
  const table = new Map<string, Float32Array>();
  for (const [word, v] of Object.entries(vectors)) {
    if (!Array.isArray(v) || v.length !== dim || !v.every((x) => typeof x === 'number')) throw new Error(`${file}: vector of "${word}" must have ${dim} numbers`);
    table.set(word.normalize('NFC').toLowerCase(), Float32Array.from(v as number[]));
  }
  return new WordVectorProvider(dim, table);
}

async function readTextModel(file: string): Promise<WordVectorProvider> {
  const table = new Map<string, Float32Array>();
  let dim = 0;
  let lineNo = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) continue;
    if (lineNo === 1 && parts.length === 2 && /^\d+$/.test(parts[0]!) && /^\d+$/.test(parts[1]!)) {
      dim = Number(parts[1]);
      continue;
    }
    const values = parts.slice(1).map(Number);
    if (dim === 0) dim = values.length;
    if (values.length !== dim || values.some((x) => !Number.isFinite(x))) throw new Error(`${file}:${lineNo}: expected a word and ${dim} numbers`);
    table.set(parts[0]!.normalize('NFC').toLowerCase(), Float32Array.from(values));
  }
  if (dim === 0) throw new Error(`${file}: no vectors`);
  return new WordVectorProvider(dim, table);
}

/** Mostly English words and no Vietnamese diacritics: worth a cross-language look. */
export function looksEnglish(text: string): boolean {
  if (hasDiacritics(text)) return false;
  const tokens = tokenize(text).filter((t) => !/^\d+$/.test(t));
  if (tokens.length === 0) return false;
  const english = tokens.filter((t) => !isVietnameseSyllable(t) || EN_FUNCTION_WORDS.has(t)).length;
  return english / tokens.length >= 0.6;
}

/** English words that happen to be well-formed Vietnamese syllables. */
const EN_FUNCTION_WORDS = new Set(['do', 'you', 'can', 'i', 'a', 'to', 'the', 'is', 'my', 'me', 'how', 'much', 'long', 'on', 'in', 'it', 'an', 'at', 'no', 'yet', 'pay', 'buy', 'get', 'open', 'time', 'have', 'any', 'one', 'we', 'up', 'use', 'take', 'come', 'home']);
