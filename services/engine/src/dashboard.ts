/**
 * The stage's dashboard `game-<stage>`, owned by the engine stack. Why here: the engine deploys
 * last, so every other stack exists when the dashboard is created; it already receives the
 * database and queue through compose, and only the distribution id is added (`distributionId`, a
 * frontend output). Its own resources (cluster, service, and a load balancer when one is added)
 * are named with `Ref`/`GetAtt`, so a new engine resource with a section appears without any
 * new compose wiring. Nothing depends on the dashboard, so owning it adds no deploy edge but
 * frontend -> engine.
 *
 * Sections in the order a request flows: the players' edge, the engine, the events, the database.
 * Every section comes from the same definitions its stack deploys the alarms from.
 */

import { databaseSection } from '@game-platform/datastore/monitoring';
import { edgeSection } from '@game-platform/frontend/src/monitoring';
import { eventsSection } from '@game-platform/integrations/src/monitoring';
import { dashboard, type Resources } from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { engineSection } from './monitoring';

export interface StageDashboardOptions {
  profile: StageProfile;
  /** Frontend output `distributionId` (compose param). */
  distributionId: string;
  clusterId: string;
  serviceId: string;
  /** The engine stack's other resources: a load balancer among them gets a row of graphs. */
  engineResources: Resources;
}

export const stageDashboardResources = (options: StageDashboardOptions): Resources => {
  const { profile } = options;
  return {
    StageDashboard: dashboard({
      stage: profile.stage,
      sections: [
        edgeSection(options.distributionId),
        engineSection({
          stage: profile.stage,
          clusterId: options.clusterId,
          serviceId: options.serviceId,
          resources: options.engineResources,
        }),
        eventsSection(profile),
        databaseSection(profile),
      ],
    }),
  };
};
