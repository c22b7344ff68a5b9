// PGlite's `./nodefs` subpath export: its types, which "moduleResolution": "node" (CommonJS)
// does not look up through `exports`. (A tsconfig `paths` entry would do for tsc, but tsx
// follows `paths` at run time too and would load the .d.ts.)
declare module '@electric-sql/pglite/nodefs' {
  export { NodeFS } from '@electric-sql/pglite/dist/fs/nodefs';
}
