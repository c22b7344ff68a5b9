'use strict';
/**
 * ESLint rule `omnigate/boundaries`: keeps the architecture's direction of imports.
 *  - src/ (the core) never imports channels/, bots/, widget/ or app/;
 *  - a channel never imports another channel (channels/<a> ↛ channels/<b>);
 *  - bots/ never import channels/ or widget/;
 *  - widget/ (browser code) imports only itself and channels/widget/protocol.
 * Only app/ (the composition root), test/ and scripts/ may see everything.
 */
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

function area(file) {
  const rel = path.relative(ROOT, file).split(path.sep);
  return { top: rel[0], sub: rel[1], rel: rel.join('/') };
}

function violation(from, to) {
  if (from.top === 'src' && ['channels', 'bots', 'widget', 'app'].includes(to.top)) return `the core (src/) must not import ${to.top}/`;
  if (from.top === 'channels' && to.top === 'channels' && from.sub !== to.sub) return `channel "${from.sub}" must not import channel "${to.sub}"`;
  if (from.top === 'channels' && ['bots', 'app'].includes(to.top)) return `a channel must not import ${to.top}/`;
  if (from.top === 'bots' && ['channels', 'widget', 'app'].includes(to.top)) return `bots must not import ${to.top}/`;
  if (from.top === 'widget' && to.top !== 'widget' && !/^channels\/widget\/protocol(\.ts)?$/.test(to.rel)) return 'the browser widget may only import channels/widget/protocol';
  return null;
}

module.exports = {
  meta: { type: 'problem', schema: [], messages: { boundary: '{{reason}} ({{source}})' } },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const from = area(file);
      const to = area(path.resolve(path.dirname(file), source));
      const reason = violation(from, to);
      if (reason) context.report({ node, messageId: 'boundary', data: { reason, source } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0].value);
      },
    };
  },
  violation,
};
