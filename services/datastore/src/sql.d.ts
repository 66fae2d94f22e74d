/** SQL files imported as text: esbuild's `text` loader in the bundle, `sqlAsText` in vitest. */
declare module '*.sql' {
  const text: string;
  export default text;
}
