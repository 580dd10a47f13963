import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

function sourceFiles(folder: string): string[] {
  return readdirSync(join(PACKAGE_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(PACKAGE_ROOT, folder, file));
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(?\s*'([^']+)'/g)].map((m) => (m[1] ?? m[2])!);
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function importsOutsideThePackage(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    specifiers(file)
      .filter((s) => s.startsWith('.'))
      .filter((s) => relative(PACKAGE_ROOT, resolve(dirname(file), s)).startsWith('..'))
      .map((s) => `${relative(PACKAGE_ROOT, file)}: ${s}`),
  );
}

function undeclaredPackages(files: readonly string[], declared: readonly string[]): string[] {
  const builtins = new Set(builtinModules);
  return [
    ...new Set(
      files
        .flatMap(specifiers)
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtins.has(s))
        .map(packageName)
        .filter((name) => !declared.includes(name)),
    ),
  ];
}

describe('the simulator package', () => {
  const src = sourceFiles('src');
  const tests = sourceFiles('test');
  const dependencies = Object.keys(manifest.dependencies ?? {});
  const devDependencies = Object.keys(manifest.devDependencies ?? {});

  it('imports nothing outside its own folder, the gateway included', () => {
    expect(src.length).toBeGreaterThan(30);
    expect(importsOutsideThePackage([...src, ...tests])).toEqual([]);
  });

  it('declares every package its sources import as a dependency', () => {
    expect(undeclaredPackages(src, dependencies)).toEqual([]);
  });

  it('declares every package its tests import as a dependency or devDependency', () => {
    expect(undeclaredPackages(tests, [...dependencies, ...devDependencies])).toEqual([]);
  });

  it('documents in its README every SIMULATOR_ variable it reads', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const read = new Set(readFileSync(join(PACKAGE_ROOT, 'src', 'options.ts'), 'utf8').match(/\bSIMULATOR_[A-Z_]+\b/g));
    expect(read.size).toBeGreaterThan(10);
    for (const name of read) expect(readme, name).toContain(`| \`${name}\` |`);
  });
});
