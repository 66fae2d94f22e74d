/**
 * PLATFORM.TEMPLATE.1: no `${...}` outside `Fn::Sub`. CloudFormation substitutes `${...}` only in the
 * first argument of `Fn::Sub`; anywhere else the text is deployed as written, and linters (cfn-lint
 * E1029) report it as an error. Such text is either an intrinsic that was meant (a `sub()` missing in
 * the TypeScript), or a framework variable (`${param:...}`, `${self:...}`) that was never resolved, or
 * documentation that looks like one (say `<region>` instead).
 */
import {
  type Finding,
  type PlatformRule,
  platformFinding,
  type Template,
} from '@game-platform/resources/template';

const PLACEHOLDER = /\$\{[^}]*\}/;

interface Stray {
  /** Where in the template: `Resources.X.Properties.Description`, `Outputs.y.Description`. */
  path: string;
  text: string;
}

/** Every string holding `${...}` that is not the template of an `Fn::Sub`. */
export const strayPlaceholders = (value: unknown, path: string): Stray[] => {
  if (typeof value === 'string') return PLACEHOLDER.test(value) ? [{ path, text: value }] : [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => strayPlaceholders(item, `${path}[${index}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, nested]) => {
    if (key !== 'Fn::Sub') return strayPlaceholders(nested, `${path}.${key}`);
    // `Fn::Sub: "text"` or `Fn::Sub: ["text", { Var: value }]`: the text is substituted, the values are not.
    if (typeof nested === 'string') return [];
    if (Array.isArray(nested)) return strayPlaceholders(nested[1], `${path}.Fn::Sub[1]`);
    return strayPlaceholders(nested, `${path}.Fn::Sub`);
  });
};

/** The resource a path is in, for the finding: `Resources.X...` -> `X`, `Outputs.y...` -> `Outputs.y`. */
const resourceOf = (path: string): string => {
  const [section, name] = path.split('.');
  return section === 'Resources' && name ? name : [section, name].filter(Boolean).join('.');
};

const excerpt = (text: string) => {
  const at = text.search(PLACEHOLDER);
  const start = Math.max(0, at - 20);
  return `${start > 0 ? '…' : ''}${text.slice(start, at + 60)}${at + 60 < text.length ? '…' : ''}`;
};

export const noPlaceholderOutsideSub: PlatformRule = {
  id: 'PLATFORM.TEMPLATE.1',
  description: 'No "${...}" outside Fn::Sub: CloudFormation would deploy it as written',
  check: ({ templates }) =>
    Object.entries(templates).flatMap(([service, template]: [string, Template]): Finding[] =>
      Object.entries(template)
        .flatMap(([section, value]) => strayPlaceholders(value, section))
        .map(({ path, text }) =>
          platformFinding(
            'PLATFORM.TEMPLATE.1',
            service,
            resourceOf(path),
            `${path} holds ${JSON.stringify(excerpt(text))} outside Fn::Sub, so CloudFormation deploys the "\${...}" as written; wrap the value in Fn::Sub (sub() in resources/), resolve the variable, or write the text without "\${" (e.g. <region>)`,
          ),
        ),
    ),
};
