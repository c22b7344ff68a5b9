import express, { type Router } from 'express';
import type { ApiRouter } from '../../src/api/api-router';
import { GatewayError } from '../../src/core/errors';

/**
 * A TEST STAND-IN for the FAQ endpoints (`/faq`, `/faq/import`, `/faq/export`,
 * `/faq/unanswered`), in memory, shaped as the inbox expects them. The browser test
 * mounts it only when the gateway under test answers 404 for GET /api/v1/faq, so the
 * FAQ screen can be exercised before the real routes exist; with them, it is unused.
 */
export interface FakeFaqEntry {
  id: number;
  question: string;
  variants: string[];
  answer: string;
  lang: string;
  inboxId: number | null;
}

export function fakeFaqRouter(api: ApiRouter, seed: Omit<FakeFaqEntry, 'id'>[] = []): Router {
  const r = express.Router();
  let seq = 0;
  const entries: FakeFaqEntry[] = seed.map((e) => ({ ...e, id: ++seq }));
  const unanswered = [
    { question: 'Shop có giao hàng ra Phú Quốc không?', action: 'handoff', reason: 'low_confidence', at: new Date(Date.now() - 3_600_000).toISOString(), conversationId: null },
    { question: 'Cho mình xuất hóa đơn VAT được không?', action: 'handoff', reason: 'no_match', at: new Date(Date.now() - 86_400_000).toISOString(), conversationId: null },
  ];

  const check = (b: Partial<FakeFaqEntry>, where: string): Omit<FakeFaqEntry, 'id'> => {
    if (typeof b.question !== 'string' || !b.question.trim()) throw new GatewayError('GW_ERR_VALIDATION', `${where}: question is required`);
    if (typeof b.answer !== 'string' || !b.answer.trim()) throw new GatewayError('GW_ERR_VALIDATION', `${where}: answer is required`);
    return {
      question: b.question.trim(),
      variants: Array.isArray(b.variants) ? b.variants.map(String) : [],
      answer: b.answer.trim(),
      lang: b.lang === 'en' ? 'en' : 'vi',
      inboxId: typeof b.inboxId === 'number' ? b.inboxId : null,
    };
  };
  const find = (id: string) => {
    const e = entries.find((x) => String(x.id) === id);
    if (!e) throw new GatewayError('GW_ERR_NOT_FOUND', 'FAQ entry not found');
    return e;
  };

  r.get('/faq', api.requireAgent(), (_req, res) => void res.json({ items: entries }));
  r.get('/faq/unanswered', api.requireAgent(), (_req, res) => void res.json({ items: unanswered }));
  r.get('/faq/export', api.requireAgent(), (req, res) => {
    if (req.query.format === 'csv') {
      res.type('text/csv').send(['question,variants,answer,lang', ...entries.map((e) => [e.question, e.variants.join('|'), e.answer, e.lang].map((v) => `"${v.replace(/"/g, '""')}"`).join(','))].join('\n'));
    } else res.json(entries);
  });
  r.post('/faq', api.requireAgent('admin'), express.json(), (req, res) => {
    const e = { ...check(req.body ?? {}, 'body'), id: ++seq };
    entries.push(e);
    res.status(201).json(e);
  });
  r.patch('/faq/:id', api.requireAgent('admin'), express.json(), (req, res) => {
    const e = find(String(req.params.id));
    Object.assign(e, check({ ...e, ...(req.body ?? {}) }, 'body'));
    res.json(e);
  });
  r.delete('/faq/:id', api.requireAgent('admin'), (req, res) => {
    entries.splice(entries.indexOf(find(String(req.params.id))), 1);
    res.status(204).end();
  });
  // JSON bodies arrive parsed (the API router parses JSON); CSV as text.
  r.post('/faq/import', api.requireAgent('admin'), express.text({ type: 'text/csv' }), (req, res) => {
    let parsed: Omit<FakeFaqEntry, 'id'>[];
    if (req.is('text/csv')) {
      const lines = String(req.body ?? '').split(/\r?\n/).filter((l) => l.trim());
      parsed = lines.slice(1).map((line, i) => {
        const [question, variants, answer, lang] = line.split(',');
        return check({ question, variants: (variants ?? '').split('|').filter(Boolean), answer, lang }, `line ${i + 2}`);
      });
    } else {
      const json: unknown = req.body;
      if (!Array.isArray(json)) throw new GatewayError('GW_ERR_VALIDATION', 'expected an array of FAQ entries');
      parsed = json.map((e, i) => check((e ?? {}) as Partial<FakeFaqEntry>, `entry ${i + 1}`));
    }
    for (const e of parsed) entries.push({ ...e, id: ++seq });
    res.json({ imported: parsed.length });
  });
  return r;
}
