import { attachChart, type ChartOption, palette } from '../charts';
import { fmt, h, hubUrl, table } from '../ui';

/** ModelVerse and DataVerse share their picture: organizations as boxes, their repos inside. */
export interface TreemapOrganization {
  organization: string;
  value: number;
  repos: { id: string; value: number }[];
}

export interface Ranking {
  snapshotId: string;
  metric: string;
  total: number;
  totalRepos: number;
  top: { organization: string; value: number; share: number; repos: number }[];
  others: { value?: number; share?: number; repos?: number; organizations?: number } | null;
}

export const metrics: [string, string][] = [
  ['downloads', 'Downloads (30 days)'],
  ['downloadsAllTime', 'Downloads (all time)'],
  ['likes', 'Likes'],
  ['count', 'Number of repos'],
];

export const orgTypes: [string, string][] = [
  ['', 'any'],
  ['company', 'company'],
  ['university', 'university'],
  ['research-institute', 'research institute'],
  ['non-profit', 'non-profit'],
  ['individual', 'individual'],
  ['community', 'community'],
];

/** The treemap; a click on a repo opens its Hub page. */
export function treemap(
  container: HTMLElement,
  organizations: TreemapOrganization[],
  repoType: 'model' | 'dataset',
  onLeave: (cleanup: () => void) => void,
): HTMLElement {
  const option: ChartOption = {
    series: [
      {
        type: 'treemap',
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        top: 0,
        bottom: 0,
        left: 0,
        right: 0,
        leafDepth: 2,
        levels: [
          {
            itemStyle: { borderColor: '#fff', borderWidth: 3, gapWidth: 3 },
            upperLabel: { show: true, height: 22, color: '#111', fontWeight: 'bold' },
          },
          { itemStyle: { borderColor: '#fff', borderWidth: 1, gapWidth: 1 }, colorAlpha: [0.55, 1] },
        ],
        label: { show: true, formatter: (p: { name: string }) => p.name.split('/').pop() ?? p.name, overflow: 'truncate' },
        upperLabel: { show: true },
        data: organizations.map((o, i) => ({
          name: o.organization,
          value: o.value,
          itemStyle: { color: palette[i % palette.length] },
          children: o.repos.map((r) => ({ name: r.id, value: r.value })),
        })),
      },
    ],
  };
  const signature = organizations.map((o) => `${o.organization}=${o.value}`).join(',');
  return attachChart(container, option, signature, onLeave, (params) => {
    const name = params.name ?? '';
    if (name.includes('/')) window.open(hubUrl(name, repoType), '_blank', 'noopener');
  });
}

/** Totals and the top organizations with their share; "others" is everyone below the top K. */
export function rankingPanel(body: HTMLElement, ranking: Ranking, unit: string, metricLabel: string): void {
  body.append(
    h(
      'div',
      { class: 'stats' },
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'value', 'data-testid': 'total' }, fmt.short(ranking.total)),
        h('span', { class: 'label' }, `total ${metricLabel.toLowerCase()}`),
      ),
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'value', 'data-testid': 'total-repos' }, fmt.count(ranking.totalRepos)),
        h('span', { class: 'label' }, unit),
      ),
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'value' }, fmt.share(ranking.top.reduce((sum, t) => sum + t.share, 0))),
        h('span', { class: 'label' }, `share of the top ${ranking.top.length}`),
      ),
    ),
    table(
      ranking.top,
      [
        { label: '#', cell: (_, i) => i + 1, numeric: true },
        {
          label: 'organization',
          cell: (t) =>
            h(
              'a',
              { href: `https://huggingface.co/${t.organization}`, target: '_blank', rel: 'noopener', 'data-org': t.organization },
              t.organization,
            ),
        },
        { label: metricLabel.toLowerCase(), cell: (t) => fmt.short(t.value), numeric: true },
        { label: 'share', cell: (t) => fmt.share(t.share), numeric: true },
        { label: unit, cell: (t) => fmt.count(t.repos), numeric: true },
      ],
      'ranking',
    ),
    ranking.others
      ? h(
          'p',
          { class: 'muted' },
          `Others: ${fmt.short(ranking.others.value)} (${fmt.share(ranking.others.share)}), ${fmt.count(ranking.others.repos)} ${unit}`,
        )
      : '',
  );
}
