'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const boundaries = require('./scripts/eslint/boundaries');

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'widget/dist/**', 'inbox/dist/**', 'coverage/**', 'test-artifacts/**', 'bench/results*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { omnigate: { rules: { boundaries } } },
    rules: {
      'omnigate/boundaries': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.object.name='process'][object.property.name='env'][property.name='NODE_ENV']",
          message: 'No environment-specific branches in product code.',
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['widget/**/*.ts'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly' } },
  },
);
