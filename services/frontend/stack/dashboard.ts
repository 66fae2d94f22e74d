/**
 * The stage's dashboard `game-<stage>`, owned by the frontend stack. Why here: since the player edge,
 * the frontend is the stack compose deploys last (after the engine, whose load balancer its VPC
 * origin points at, and the firewall), so everything the dashboard shows exists when it is created.
 * The distribution is in this stack (`Ref`); the engine's cluster, service, load balancer and target
 * group arrive as compose params on the edge engine -> frontend that the VPC origin already needs,
 * and the database, queue and web ACL are named by their fixed names. Owned by the engine, as
 * before the player edge, it needed the distribution id (frontend -> engine) while the frontend
 * needed the load balancer (engine -> frontend): a cycle compose cannot deploy. A dashboard service
 * of its own would add a stack and a compose state entry to say the same thing.
 *
 * Sections in the order a request flows: the players' edge (and its web ACL, where the stage has
 * one), the engine, the events, the database. Every section comes from the same definitions its
 * stack deploys the alarms from.
 */

import { databaseSection } from '@game-platform/datastore/stack/monitoring';
import { type EngineResourceNames, engineSection } from '@game-platform/engine/stack/monitoring';
import { firewallSection } from '@game-platform/firewall/stack/monitoring';
import { eventsSection } from '@game-platform/integrations/stack/monitoring';
import { dashboard, type Resources, ref } from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { edgeSection } from './monitoring';
import { DISTRIBUTION } from './origin-access';

export interface StageDashboardOptions {
  profile: StageProfile;
  /** The engine's outputs naming its resources (compose params). */
  engine: EngineResourceNames;
}

export const stageDashboardResources = ({ profile, engine }: StageDashboardOptions): Resources => {
  const webAcl = firewallSection(profile);
  return {
    StageDashboard: dashboard({
      stage: profile.stage,
      sections: [
        edgeSection(ref(DISTRIBUTION)),
        ...(webAcl ? [webAcl] : []),
        engineSection({ stage: profile.stage, ...engine }),
        eventsSection(profile),
        databaseSection(profile),
      ],
    }),
  };
};
