// Distribution profiles: where each release's packages come from and how the package manager
// behaves. A repository entry says how to switch a host TO that release, so the same entry serves
// the upgrade (icehouse) and a rollback (havana: re-add the old source, OPS "Rolling Back").

import type { DistroId, DistroProfile, RepositoryDef } from './types.js';

/** Ubuntu Cloud Archive pockets for 12.04 (OPS: `apt-add-repository [-r] cloud-archive:<release>`). */
function cloudArchive(release: string, others: readonly string[]): RepositoryDef {
  return {
    description: `Ubuntu Cloud Archive ${release} pocket for 12.04 (cloud-archive:${release})`,
    remove: others.map((r) => `cloud-archive:${r}`),
    add: [`cloud-archive:${release}`],
    refresh: 'apt-get update',
  };
}

/**
 * RDO release packages. The Icehouse URL is the one OPS names; the Havana one is what RDOTEST
 * (upgrade_functions.sh) installs. Erasing the other release's package first keeps exactly one
 * RDO repository enabled.
 */
const RDO: Readonly<Record<string, RepositoryDef>> = {
  havana: {
    description: 'RDO Havana repository (rdo-release-havana package)',
    remove: ['rdo-release-icehouse'],
    add: ['http://rdo.fedorapeople.org/openstack-havana/rdo-release-havana.rpm'],
    refresh: 'yum makecache',
  },
  icehouse: {
    description: 'RDO Icehouse repository (rdo-release-icehouse package)',
    remove: ['rdo-release-havana'],
    add: [
      'https://repos.fedorapeople.org/repos/openstack/openstack-icehouse/rdo-release-icehouse-3.noarch.rpm',
    ],
    refresh: 'yum makecache',
  },
};

const RDO_NOTES: readonly string[] = [
  'New config files land as *.rpmnew; merge them after each package upgrade (OPS, RH5).',
  'Per-service upgrades use `yum -y upgrade <packages>`; RH5 globs `\\*<service>\\*`, stackhop lists packages.',
  'Packstack deployments of the Havana OVS plug-in may name the neutron database `ovs_neutron`, not ' +
    '`neutron` as the catalog assumes: check before the backup and the ML2 conversion.',
  'qpid is the usual RDO message broker; RDOTEST sets qpid_topology_version=2 on Havana computes for ' +
    'reasons the facts do not establish (facts §9), so stackhop does not.',
];

export const DISTROS_PROFILES: Readonly<Record<DistroId, DistroProfile>> = {
  'ubuntu-12.04-uca': {
    id: 'ubuntu-12.04-uca',
    family: 'ubuntu',
    title: 'Ubuntu 12.04 LTS with the Ubuntu Cloud Archive',
    packageManager: 'apt',
    initSystem: 'service',
    newConfigSuffix: '.dpkg-dist',
    repositories: {
      havana: cloudArchive('havana', ['icehouse']),
      icehouse: cloudArchive('icehouse', ['havana']),
    },
    notes: [
      'OPS runs 12.04 with the 3.11 (saucy) kernel for Icehouse.',
      "Reject the package manager's config-file prompts; new versions land as *.dpkg-dist (OPS).",
      'Disable unattended upgrades for the duration of the upgrade (OPS).',
    ],
  },
  'ubuntu-14.04': {
    id: 'ubuntu-14.04',
    family: 'ubuntu',
    title: 'Ubuntu 14.04 LTS (Icehouse in the main archive)',
    packageManager: 'apt',
    initSystem: 'service',
    newConfigSuffix: '.dpkg-dist',
    repositories: {
      havana: {
        description: 'Havana from an operator-provided source (Ubuntu ships no Havana for 14.04)',
        remove: [],
        add: [],
        refresh: 'apt-get update',
      },
      icehouse: {
        description: 'Icehouse from the Ubuntu 14.04 archive (trusty, trusty-updates)',
        remove: ['cloud-archive:havana'],
        add: [],
        refresh: 'apt-get update',
      },
    },
    notes: [
      'ASSUMPTION: Icehouse is the release of the 14.04 main archive, so the repository switch only ' +
        'removes a Havana cloud-archive entry; a Havana PPA or local mirror must be removed by the ' +
        'operator (or listed in a site override) before the switch.',
      "A rollback to Havana needs the operator's Havana source re-added and packages pinned (OPS " +
        '"Rolling Back a Failed Upgrade"); stackhop cannot name that source.',
      "Reject the package manager's config-file prompts; new versions land as *.dpkg-dist (OPS).",
    ],
  },
  'rhel-6-rdo': {
    id: 'rhel-6-rdo',
    family: 'rhel',
    title: 'Red Hat Enterprise Linux 6 with RDO',
    packageManager: 'yum',
    initSystem: 'service',
    newConfigSuffix: '.rpmnew',
    repositories: RDO,
    notes: RDO_NOTES,
  },
  'centos-6-rdo': {
    id: 'centos-6-rdo',
    family: 'rhel',
    title: 'CentOS 6 with RDO',
    packageManager: 'yum',
    initSystem: 'service',
    newConfigSuffix: '.rpmnew',
    repositories: RDO,
    notes: RDO_NOTES,
  },
  'debian-12': {
    id: 'debian-12',
    family: 'debian',
    title: 'Debian 12 (bookworm), OpenStack Zed from the Debian archive',
    packageManager: 'apt',
    initSystem: 'service',
    newConfigSuffix: '.dpkg-dist',
    repositories: {
      zed: {
        description:
          'Debian 12 archive: Zed is the release bookworm ships; point releases arrive through ' +
          'bookworm-security and bookworm-updates, which the host must already list',
        remove: [],
        add: [],
        refresh: 'apt-get update',
      },
    },
    notes: [
      "Debian's point releases differ only in the Debian revision (nova 2:26.2.2-1~deb12u4 → ~deb12u5): a " +
        'package counts as updated when it is at the candidate version of the configured repositories.',
      "Reject the package manager's config-file prompts; new versions land as *.dpkg-dist.",
    ],
  },
};
