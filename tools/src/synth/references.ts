import type { ComposeReference } from '@game-platform/resources/compose';
import { placeholderKind } from '@game-platform/resources/placeholders';
import type { Finding, Template } from '@game-platform/resources/template';

/** The logical ids an output's value points at through `Ref`, `Fn::GetAtt` or `Fn::Sub`. */
const referencedLogicalIds = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencedLogicalIds);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [[key, argument]] = entries as [[string, unknown]];
      if (key === 'Ref' && typeof argument === 'string') return [argument];
      if (key === 'Fn::GetAtt' && Array.isArray(argument)) return [String(argument[0])];
    }
    return entries.flatMap(([, nested]) => referencedLogicalIds(nested));
  }
  return [];
};

/**
 * Every compose reference must name an output its producer's template declares, and the resources
 * behind that output must be of the type the placeholder assumed (a `...SecurityGroupId` that comes
 * from a subnet is a wiring mistake that placeholders would otherwise hide).
 */
export const checkReferences = (
  references: ComposeReference[],
  templates: Record<string, Template>,
): Finding[] => {
  const findings: Finding[] = [];
  for (const reference of references) {
    const { consumer, param, producer, output } = reference;
    const producerTemplate = templates[producer];
    const finding = (message: string): Finding => ({
      check: 'references',
      rule: 'COMPOSE.REF',
      service: consumer,
      resource: `param ${param}`,
      message,
    });
    if (!producerTemplate) {
      findings.push(
        finding(`\${${producer}.${output}}: service "${producer}" is not in serverless-compose.yml`),
      );
      continue;
    }
    const declared = producerTemplate.Outputs?.[output];
    if (!declared) {
      const available = Object.keys(producerTemplate.Outputs ?? {}).join(', ') || 'none';
      findings.push(
        finding(
          `\${${producer}.${output}}: service "${producer}" declares no output "${output}" (it declares: ${available}), so "${consumer}" cannot receive it`,
        ),
      );
      continue;
    }
    const kind = placeholderKind(output);
    if (!kind?.resourceTypes) continue;
    for (const logicalId of referencedLogicalIds(declared.Value)) {
      const type = producerTemplate.Resources[logicalId]?.Type;
      if (type && !kind.resourceTypes.includes(type)) {
        findings.push(
          finding(
            `\${${producer}.${output}}: the name says ${kind.description} but "${producer}" takes it from ${logicalId} (${type}); rename the output or fix its value`,
          ),
        );
      }
    }
  }
  return findings;
};
