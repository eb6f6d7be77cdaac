import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'testdata/**',
      'demo-store/**',
      'coverage/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Readers run in browsers: only writers, the CLI, the build and scripts may touch Node's fs.
    files: ['src/**/*.ts'],
    ignores: [
      'src/**/*writer*.ts',
      'src/**/node*.ts',
      'src/cli/**',
      'src/tiling/**',
      'src/l7g/**',
      // imputation runs Java tools on files: Node-only
      'src/impute/**',
      'src/library/build*.ts',
      'src/core/atomicWrite.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'],
              message: 'readers must not import fs (they run in browsers)',
            },
          ],
        },
      ],
    },
  },
)
