import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..');

/** The import rules that keep the layout honest (scripts/eslint/boundaries.js), checked on sample code. */
describe('architecture boundaries (lint)', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result!.messages.filter((m) => m.ruleId === 'omnigate/boundaries').map((m) => m.message);
  };

  test.each([
    ['src/core/x.ts', "import { createWidgetChannel } from '../../channels/widget';", /core \(src\/\) must not import channels/],
    ['src/server/x.ts', "import { m } from '../../bots/faq/matcher';", /must not import bots/],
    ['src/x.ts', "export * from '../widget/src/loader';", /must not import widget/],
    ['channels/messenger/x.ts', "import { z } from '../zalo/parse';", /channel "messenger" must not import channel "zalo"/],
    ['bots/faq/x.ts', "import { a } from '../../channels/widget/protocol';", /bots must not import channels/],
    ['widget/src/x.ts', "import { a } from '../../src/core/message';", /browser widget may only import channels\/widget\/protocol/],
  ])('%s: %s is refused', async (file, code, message) => {
    expect(await lint(file, code)).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    ['channels/widget/x.ts', "import { a } from '../../src/core/message';"],
    ['widget/src/x.ts', "import type { WidgetMessage } from '../../channels/widget/protocol';"],
    ['app/x.ts', "import { a } from '../channels/widget'; import { b } from '../bots/faq/matcher';"],
    ['bots/faq/x.ts', "import type { Bot } from '../../src/core/bot';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
