import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateCfnTypes, OUTPUT_PATH } from '../src/cfn-types/generate';

describe('generated CloudFormation types', () => {
  it('match the installed AWS resource specification (run `npm run cfn-types` after changing either)', async () => {
    expect(readFileSync(OUTPUT_PATH, 'utf8') === (await generateCfnTypes())).toBe(true);
  });
});
