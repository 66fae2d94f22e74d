/**
 * Policy gate: AWS Control Tower proactive controls (the cfn-guard rules and the cfn-guard binary
 * shipped in `@cdklabs/cdk-validator-cfnguard`) run over every synthesized template. Every rule
 * runs; a rule whose resource type is absent from a template reports "not applicable".
 */
import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Finding } from '@game-platform/resources/template';

const require = createRequire(import.meta.url);
const packageRoot = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));

export const CONTROL_TOWER_RULES = join(packageRoot, 'rules', 'control-tower', 'cfn-guard');

const guardBinary = (): string => {
  const os = { linux: 'ubuntu', darwin: 'macos' }[process.platform as string];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string];
  if (!os || !arch)
    throw new Error(
      `cfn-guard is shipped for Linux and macOS on x64 and arm64, not ${process.platform}/${process.arch}`,
    );
  const binary = join(packageRoot, 'bin', os, arch, 'cfn-guard');
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    // npm does not always keep the executable bit of files inside packages.
    chmodSync(binary, 0o755);
  }
  return binary;
};

export interface GuardRuleResult {
  /** The template file the result is for. */
  file: string;
  /** cfn-guard's rule name, e.g. `s3_bucket_logging_enabled_check`. */
  ruleName: string;
  status: 'PASS' | 'FAIL' | 'SKIP';
  /** One entry per non-compliant resource: control id, logical id, message. */
  violations: Array<{ control: string; resource: string; message: string }>;
}

/** Parses cfn-guard's JSON output: a stream of JSON documents, one per (template, rule file). */
const parseGuardOutput = (text: string): Array<Record<string, unknown>> => {
  const documents: Array<Record<string, unknown>> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') {
      if (depth++ === 0) start = i;
    } else if (char === '}' && --depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
  }
  return documents;
};

/** Walks a non-compliance report for the resources it names and the control's message. */
const violationsOf = (report: unknown): Array<{ control: string; resource: string; message: string }> => {
  const resources = new Set<string>();
  const messages: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'path' && typeof value === 'string') {
          const match = /^\/Resources\/([^/]+)/.exec(value);
          if (match?.[1]) resources.add(match[1]);
        }
        if (key === 'custom_message' && typeof value === 'string' && value.includes('[CT.'))
          messages.push(value);
        walk(value);
      }
    }
  };
  walk(report);
  const text = messages[0] ?? '';
  const control = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1] ?? 'CT.UNKNOWN';
  const message = text
    .replace(/\s+/g, ' ')
    .replace(/\[CT\.[A-Z0-9]+\.PR\.\d+\]:\s*/, '')
    .trim();
  return [...(resources.size ? resources : new Set(['(template)']))].map((resource) => ({
    control,
    resource,
    message,
  }));
};

/** Runs every Control Tower rule over the given template files. */
export const runPolicyGate = async (
  templateFiles: string[],
  rulesDir = CONTROL_TOWER_RULES,
): Promise<GuardRuleResult[]> => {
  const args = [
    'validate',
    '--rules',
    rulesDir,
    '--output-format',
    'json',
    '--show-summary',
    'none',
    '--structured',
    ...templateFiles.flatMap((file) => ['--data', file]),
  ];
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(guardBinary(), args, { maxBuffer: 512 * 1024 * 1024 }));
  } catch (error) {
    // Exit code 19 means "some rule failed": the report is still on stdout.
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    if (failure.code !== 19 || !failure.stdout)
      throw new Error(`cfn-guard failed (exit ${failure.code}): ${failure.stderr ?? error}`);
    stdout = failure.stdout;
  }
  return parseGuardOutput(stdout).flatMap((document) => {
    const file = String(document.name);
    const status = String(document.status) as GuardRuleResult['status'];
    const notCompliant = (document.not_compliant as unknown[]) ?? [];
    const ruleNames = [
      ...notCompliant.map((entry) => String((entry as { Rule?: { name?: string } }).Rule?.name)),
      ...((document.compliant as string[]) ?? []),
      ...((document.not_applicable as string[]) ?? []),
    ];
    return [...new Set(ruleNames)].map((ruleName) => ({
      file,
      ruleName,
      status: notCompliant.some((entry) => (entry as { Rule?: { name?: string } }).Rule?.name === ruleName)
        ? 'FAIL'
        : ((document.compliant as string[]) ?? []).includes(ruleName)
          ? 'PASS'
          : status === 'FAIL'
            ? 'SKIP'
            : status,
      violations: notCompliant
        .filter((entry) => (entry as { Rule?: { name?: string } }).Rule?.name === ruleName)
        .flatMap(violationsOf),
    }));
  });
};

/** Policy-gate findings for one service's template. */
export const policyGateFindings = (service: string, results: GuardRuleResult[]): Finding[] =>
  results.flatMap((result) =>
    result.violations.map(({ control, resource, message }) => ({
      check: 'policy gate' as const,
      rule: control,
      service,
      resource,
      message,
    })),
  );
