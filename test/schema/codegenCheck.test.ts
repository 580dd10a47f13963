import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const script = join(root, 'scripts', 'codegen-check.mjs');

/**
 * What codegen reads: its config, the schema, the plugin deriving enumValues with the wire values it derives them
 * from (package.json makes those ES modules), and the committed output.
 */
const CODEGEN_INPUTS = ['codegen.yml', 'package.json', 'schema', 'scripts/codegen-wire-enums.ts', 'src/schema/enums.ts', 'src/generated'];

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
  const copies: string[] = [];

  /** A copy of what codegen reads, with this repository's node_modules (codegen.yml `require`s tsx from there). */
  async function copyProject(): Promise<string> {
    const copy = await mkdtemp(join(tmpdir(), 'codegen-check-'));
    copies.push(copy);
    for (const path of CODEGEN_INPUTS) await cp(join(root, path), join(copy, path), { recursive: true });
    await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'junction');
    return copy;
  }

  afterEach(async () => {
    await Promise.all(copies.splice(0).map((copy) => rm(copy, { recursive: true, force: true })));
  });

  it('passes when src/generated matches the schema', async () => {
    const result = await check(await copyProject());
    expect(result).toMatchObject({ code: 0, stdout: 'Generated code is up to date (src/generated/graphql.ts).\n' });
  });

  it('fails, naming the file, when the generated file was edited by hand', async () => {
    const copy = await copyProject();
    await appendFile(join(copy, 'src', 'generated', 'graphql.ts'), '\nexport const handEdit = 1;\n');
    const result = await check(copy);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Generated code is stale: src/generated/graphql.ts. Run `npm run codegen`');
  });

  it('fails when a wire value changed in src/schema/enums.ts and src/generated was not regenerated', async () => {
    const copy = await copyProject();
    const enums = join(copy, 'src', 'schema', 'enums.ts');
    const source = await readFile(enums, 'utf8');
    expect(source).toContain("MAC_OS: 'macOS'");
    await writeFile(enums, source.replace("MAC_OS: 'macOS'", "MAC_OS: 'macOs'"));
    const result = await check(copy);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Generated code is stale: src/generated/graphql.ts. Run `npm run codegen`');
  });
});
