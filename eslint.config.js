import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      // Every SFC is TypeScript, so templates and scripts share the typed API contract.
      'vue/block-lang': ['error', { script: { lang: 'ts' } }],
      'vue/multi-word-component-names': 'off',
      // TypeScript already checks names in SFC scripts; core no-undef does not know DOM types.
      'no-undef': 'off',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Logs go through src/main/log.ts so they reach one file with one format.
      'no-console': 'error',
    },
  },
  {
    // Core modules must run under plain Node (CLI, tests, the worker), so only the thin
    // Electron shell may import electron.
    files: ['src/main/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src/main/index.ts and src/main/electron/ may import electron.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', 'electron'], message: 'The renderer reaches the main process only through the typed API in src/shared/api.ts.' }] },
      ],
    },
  },
  {
    // The CLI, benchmarks and the test harness talk to a terminal on purpose.
    files: ['src/main/cli.ts', 'src/main/cli/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['bin/**/*.js', '*.config.js'],
    languageOptions: { globals: globals.node },
  },
  prettier,
)
