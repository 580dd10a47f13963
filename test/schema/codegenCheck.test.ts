import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const script = join(root, 'scripts', 'codegen-check.mjs');

async function check(projectRoot: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, projectRoot]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run codegen:check', () => {
  let copy: string;

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'codegen-check-'));
    await cp(join(root, 'codegen.yml'), join(copy, 'codegen.yml'));
    await cp(join(root, 'schema'), join(copy, 'schema'), { recursive: true });
    await mkdir(join(copy, 'src'), { recursive: true });
    await cp(join(root, 'src', 'generated'), join(copy, 'src', 'generated'), { recursive: true });
  });

  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it('passes when src/generated matches the schema', async () => {
    const result = await check(copy);
    expect(result).toMatchObject({ code: 0, stdout: 'Generated code is up to date (src/generated/graphql.ts).\n' });
  });

  it('fails, naming the file, when the generated file was edited by hand', async () => {
    await appendFile(join(copy, 'src', 'generated', 'graphql.ts'), '\nexport const handEdit = 1;\n');
    const result = await check(copy);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Generated code is stale: src/generated/graphql.ts. Run `npm run codegen`');
  });
});
