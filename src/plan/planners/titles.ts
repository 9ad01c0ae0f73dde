// Phase titles a reviewer reads in the text view.

import type { ProjectName } from '../../catalog/types.js';

const TITLES: Record<ProjectName, string> = {
  keystone: 'Identity (keystone)',
  glance: 'Image (glance)',
  cinder: 'Block storage (cinder)',
  heat: 'Orchestration (heat)',
  ceilometer: 'Telemetry (ceilometer)',
  horizon: 'Dashboard (horizon)',
  nova: 'Compute (nova): controllers and compute nodes together',
  neutron: 'Networking (neutron): server, then agents',
  placement: 'Placement (placement)',
};

export function projectTitle(project: ProjectName): string {
  return TITLES[project];
}
