import { getJson, type Query } from '../api';
import { attachChart, palette } from '../charts';
import type { View } from '../router';
import { field, fmt, formState, h, hubLink, input, panel, select, table } from '../ui';
import { metrics, orgTypes, type Ranking, rankingPanel, treemap } from './verse';

interface DatasetRanking {
  snapshotId: string;
  metric: string;
  total: number;
  totalDatasets: number;
  top: { organization: string; value: number; share: number; datasets: number }[];
  others: { value?: number; share?: number; datasets?: number } | null;
}
interface Breakdown {
  by: string;
  metric: string;
  total: number;
  items: { key: string; value: number; datasets: number; share: number }[];
}
interface TopDataset {
  id: string;
  author: string;
  downloads: number;
  likes: number;
  taskCategories: string[];
  domains: string[];
  isBenchmark: boolean;
}

const breakdowns: [string, string][] = [
  ['taskCategory', 'task category'],
  ['domain', 'domain'],
  ['modality', 'modality'],
  ['license', 'license'],
  ['orgType', 'organization type'],
  ['sizeCategory', 'size'],
];

/** DataVerse: the datasets' organizations, their tasks and domains, and the benchmarks. */
export const dataVerseView: View = {
  path: '/dataverse',
  title: 'DataVerse',
  render(root, { params, signal, go, onLeave }) {
    const value = (key: string, fallback = '') => params.get(key) ?? fallback;
    const metric = value('metric', 'downloads');
    const by = value('by', 'taskCategory');
    const benchmark = value('benchmark');
    const metricLabel = metrics.find(([m]) => m === metric)?.[1] ?? metric;
    const form = h(
      'form',
      { class: 'filters', 'aria-label': 'DataVerse filters' },
      field('Metric', select('metric', metric, metrics)),
      field('Top K organizations', input('k', value('k', '20'), { type: 'number', min: 1, max: 500 })),
      field('Task category', input('taskCategory', value('taskCategory'), { placeholder: 'text-generation' })),
      field('Domain', input('domain', value('domain'), { placeholder: 'medical' })),
      field('Modality', input('modality', value('modality'), { placeholder: 'text' })),
      field('License', input('license', value('license'), { placeholder: 'mit' })),
      field('Organization type', select('orgType', value('orgType'), orgTypes)),
      field('Breakdown by', select('by', by, breakdowns)),
      field(
        'Top datasets',
        select('benchmark', benchmark, [
          ['', 'all'],
          ['true', 'benchmarks only'],
          ['false', 'no benchmarks'],
        ]),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
    );
    form.addEventListener('change', () => go(formState(form)));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      go(formState(form));
    });
    const query: Query = {
      metric,
      k: value('k', '20'),
      taskCategory: value('taskCategory'),
      domain: value('domain'),
      modality: value('modality'),
      license: value('license'),
      orgType: value('orgType'),
    };

    root.append(
      h('h1', {}, 'DataVerse'),
      h('p', { class: 'lead' }, 'Which organizations publish the datasets people use, sized by ', h('strong', {}, metricLabel.toLowerCase()), '.'),
      form,
      h(
        'div',
        { class: 'grid' },
        panel(
          'Organizations and their datasets',
          'treemap',
          async (body) => {
            const data = await getJson<{ organization: string; value: number; datasets: { id: string; value: number }[] }[]>(
              'dataverse/treemap',
              { ...query, datasetsPerOrganization: 12 },
              signal,
            );
            if (data.length === 0) {
              body.append(h('p', { class: 'muted empty' }, 'No dataset matches these filters.'));
              return;
            }
            treemap(
              body,
              data.map((o) => ({ organization: o.organization, value: o.value, repos: o.datasets })),
              'dataset',
              onLeave,
            );
          },
          'wide',
        ),
        panel('Stats', 'stats', async (body) => {
          const r = await getJson<DatasetRanking>('dataverse/organizations', query, signal);
          const ranking: Ranking = {
            ...r,
            totalRepos: r.totalDatasets,
            top: r.top.map((t) => ({ ...t, repos: t.datasets })),
            others: r.others ? { ...r.others, repos: r.others.datasets } : null,
          };
          rankingPanel(body, ranking, 'datasets', metricLabel);
        }),
        panel(`By ${breakdowns.find(([b]) => b === by)?.[1] ?? by}`, 'breakdown', async (body) => {
          const b = await getJson<Breakdown>('dataverse/breakdown', { by, metric }, signal);
          const items = b.items.slice(0, 15).reverse();
          if (items.length === 0) {
            body.append(h('p', { class: 'muted empty' }, 'Nothing to break down.'));
            return;
          }
          attachChart(
            body,
            {
              grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
              xAxis: { type: 'value' },
              yAxis: { type: 'category', data: items.map((i) => i.key) },
              series: [{ type: 'bar', data: items.map((i) => i.value), itemStyle: { color: palette[1] } }],
            },
            items.map((i) => `${i.key}=${i.value}`).join(','),
            onLeave,
            undefined,
            'chart small',
          );
        }),
        panel(
          benchmark === 'true' ? 'Top benchmark datasets' : 'Top datasets',
          'top-datasets',
          async (body) => {
            const top = await getJson<TopDataset[]>('dataverse/top', { k: 20, benchmark }, signal);
            body.append(
              table(
                top,
                [
                  { label: 'dataset', cell: (d) => hubLink(d.id, 'dataset') },
                  { label: 'downloads', cell: (d) => fmt.short(d.downloads), numeric: true },
                  { label: 'likes', cell: (d) => fmt.short(d.likes), numeric: true },
                  { label: 'tasks', cell: (d) => d.taskCategories.slice(0, 3).join(', ') },
                  { label: 'domains', cell: (d) => d.domains.slice(0, 3).join(', ') },
                  { label: 'benchmark', cell: (d) => (d.isBenchmark ? 'yes' : '') },
                ],
                'top-datasets',
              ),
            );
          },
          'wide',
        ),
      ),
    );
  },
};
