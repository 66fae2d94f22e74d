/**
 * For tests that follow a value across stacks: synth replaces each `${producer.output}` param with a
 * placeholder of the right shape, so a value found in a consumer's template can be traced back to
 * the producer's output and the resource behind it.
 */

import { composeReferences, readCompose } from '@game-platform/resources/compose';
import { placeholderFor } from '@game-platform/resources/placeholders';
import type { Template, TemplateResource } from '@game-platform/resources/template';
import { loadStageProfile } from '@game-platform/shared/profiles';

export interface ParamSource {
  param: string;
  producer: string;
  output: string;
  /** The resource the producer's output names with `Ref` or `Fn::GetAtt`, if it does. */
  resource?: { logicalId: string } & TemplateResource;
}

const logicalIdOf = (value: unknown): string | undefined => {
  if (!value || typeof value !== 'object') return undefined;
  const intrinsic = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof intrinsic.Ref === 'string') return intrinsic.Ref;
  if (Array.isArray(intrinsic['Fn::GetAtt'])) return String(intrinsic['Fn::GetAtt'][0]);
  return undefined;
};

/** Placeholder value -> where it comes from, for every compose param of `consumer` in `stage`. */
export const composeParamSources = (
  stage: string,
  consumer: string,
  templates: Record<string, Template>,
): Map<string, ParamSource> => {
  const profile = loadStageProfile(stage);
  const sources = new Map<string, ParamSource>();
  for (const reference of composeReferences(readCompose())) {
    if (reference.consumer !== consumer) continue;
    const placeholder = placeholderFor({ profile, producer: reference.producer, output: reference.output });
    if (!('value' in placeholder)) continue;
    const declared = templates[reference.producer]?.Outputs?.[reference.output];
    const logicalId = logicalIdOf(declared?.Value);
    const resource = logicalId ? templates[reference.producer]?.Resources[logicalId] : undefined;
    sources.set(placeholder.value, {
      param: reference.param,
      producer: reference.producer,
      output: reference.output,
      ...(logicalId && resource ? { resource: { logicalId, ...resource } } : {}),
    });
  }
  return sources;
};
