import { getJson, idPath } from '../api';
import { attachChart, palette } from '../charts';
import type { View } from '../router';
import { field, fmt, formState, h, hubLink, input, panel, select, table } from '../ui';

interface Growth {
  month: string;
  created: number;
  cumulative: number;
}
interface Churn {
  snapshotId: string;
  at: string;
  added: number;
  removed: number;
  total: number;
}
interface ModelTrend {
  id: string;
  points: { snapshotId: string; at: string; downloads: number; downloadsAllTime: number | null; likes: number; trendingScore: number | null }[];
}
interface OrgTrend {
  name: string;
  points: { snapshotId: string; at: string; models: number; datasets: number; spaces: number; downloads: number; likes: number }[];
}
interface Lifecycles {
  cohorts: { cohort: string; models: number; points: { ageWeeks: number; medianDownloads: number; shareDownloaded: number }[] }[];
  halfLifeWeeks: number | null;
  persistent: { id: string; ageWeeks: number; downloads: number }[];
  fading: { id: string; ageWeeks: number; peak: number; downloads: number }[];
}

const axisGrid = { left: 8, right: 16, top: 30, bottom: 8, containLabel: true };

/** Trends: hub growth, one model's and one organization's numbers over snapshots, lifecycles. */
export const trendsView: View = {
  path: '/trends',
  title: 'Trends',
  render(root, { params, signal, go, onLeave }) {
    const value = (key: string, fallback = '') => params.get(key) ?? fallback;
    const repoType = value('repoType', 'model');
    const cohort = value('cohort', 'quarter');
    const model = value('model');
    const org = value('org');
    const form = h(
      'form',
      { class: 'filters', 'aria-label': 'Trends' },
      field(
        'Growth of',
        select('repoType', repoType, [
          ['model', 'models'],
          ['dataset', 'datasets'],
          ['space', 'spaces'],
        ]),
      ),
      field('Model', input('model', model, { type: 'search', placeholder: 'microsoft/phi-2' })),
      field('Organization', input('org', org, { type: 'search', placeholder: 'microsoft' })),
      field(
        'Lifecycle cohorts',
        select('cohort', cohort, [
          ['quarter', 'by quarter'],
          ['month', 'by month'],
        ]),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Show'),
    );
    form.addEventListener('change', (event) => {
      if ((event.target as HTMLElement).tagName === 'SELECT') go(formState(form));
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      go(formState(form));
    });

    root.append(
      h('h1', {}, 'Trends'),
      h('p', { class: 'lead' }, 'How the Hub grows, and how models and organizations fare from snapshot to snapshot.'),
      form,
      h(
        'div',
        { class: 'grid' },
        panel(`Hub growth: ${repoType}s created per month`, 'growth', async (body) => {
          const months = await getJson<Growth[]>('trends/growth', { repoType }, signal);
          attachChart(
            body,
            {
              legend: { top: 0 },
              grid: axisGrid,
              xAxis: { type: 'category', data: months.map((m) => m.month) },
              yAxis: [
                { type: 'value', name: 'created' },
                { type: 'value', name: 'cumulative' },
              ],
              series: [
                { name: 'created', type: 'bar', data: months.map((m) => m.created), itemStyle: { color: palette[1] } },
                {
                  name: 'cumulative',
                  type: 'line',
                  yAxisIndex: 1,
                  data: months.map((m) => m.cumulative),
                  itemStyle: { color: palette[0] },
                  showSymbol: false,
                },
              ],
            },
            months.map((m) => `${m.month}=${m.created}`).join(','),
            onLeave,
            undefined,
            'chart small',
          );
        }),
        panel('Snapshots: added and removed', 'churn', async (body) => {
          const churn = await getJson<Churn[]>('trends/churn', {}, signal);
          attachChart(
            body,
            {
              legend: { top: 0 },
              grid: axisGrid,
              xAxis: { type: 'category', data: churn.map((c) => fmt.date(c.at)) },
              yAxis: { type: 'value' },
              series: [
                { name: 'added', type: 'bar', data: churn.map((c) => c.added), itemStyle: { color: palette[2] } },
                { name: 'removed', type: 'bar', data: churn.map((c) => -c.removed), itemStyle: { color: palette[3] } },
              ],
            },
            churn.map((c) => `${c.snapshotId}=${c.total}`).join(','),
            onLeave,
            undefined,
            'chart small',
          );
        }),
        model
          ? panel(`${model} over snapshots`, 'model-trend', async (body) => {
              const trend = await getJson<ModelTrend>(`trends/models/${idPath(model)}`, {}, signal);
              body.append(h('p', { class: 'facts' }, hubLink(model), h('span', { 'data-testid': 'points' }, `${trend.points.length} snapshots`)));
              attachChart(
                body,
                {
                  legend: { top: 0 },
                  grid: axisGrid,
                  xAxis: { type: 'category', data: trend.points.map((p) => fmt.date(p.at)) },
                  yAxis: [
                    { type: 'value', name: 'downloads' },
                    { type: 'value', name: 'likes' },
                  ],
                  series: [
                    { name: 'downloads (30 days)', type: 'line', data: trend.points.map((p) => p.downloads), itemStyle: { color: palette[0] } },
                    { name: 'likes', type: 'line', yAxisIndex: 1, data: trend.points.map((p) => p.likes), itemStyle: { color: palette[1] } },
                  ],
                },
                trend.points.map((p) => `${p.snapshotId}=${p.downloads}`).join(','),
                onLeave,
                undefined,
                'chart small',
              );
            })
          : null,
        org
          ? panel(`${org} over snapshots`, 'org-trend', async (body) => {
              const trend = await getJson<OrgTrend>(`trends/organizations/${idPath(org)}`, {}, signal);
              body.append(
                h(
                  'p',
                  { class: 'facts' },
                  h('a', { href: `https://huggingface.co/${org}`, target: '_blank', rel: 'noopener' }, org),
                  h('span', { 'data-testid': 'points' }, `${trend.points.length} snapshots`),
                ),
              );
              attachChart(
                body,
                {
                  legend: { top: 0 },
                  grid: axisGrid,
                  xAxis: { type: 'category', data: trend.points.map((p) => fmt.date(p.at)) },
                  yAxis: [
                    { type: 'value', name: 'downloads' },
                    { type: 'value', name: 'repos' },
                  ],
                  series: [
                    { name: 'downloads', type: 'line', data: trend.points.map((p) => p.downloads), itemStyle: { color: palette[0] } },
                    { name: 'models', type: 'line', yAxisIndex: 1, data: trend.points.map((p) => p.models), itemStyle: { color: palette[1] } },
                    { name: 'datasets', type: 'line', yAxisIndex: 1, data: trend.points.map((p) => p.datasets), itemStyle: { color: palette[2] } },
                  ],
                },
                trend.points.map((p) => `${p.snapshotId}=${p.downloads}`).join(','),
                onLeave,
                undefined,
                'chart small',
              );
            })
          : null,
        panel(
          `Lifecycles: median downloads by age, per ${cohort}`,
          'lifecycles',
          async (body) => {
            const life = await getJson<Lifecycles>('lifecycles', { cohort, metric: 'downloads' }, signal);
            body.append(
              h('p', { class: 'facts' }, h('span', {}, `half-life: ${life.halfLifeWeeks === null ? '–' : `${life.halfLifeWeeks.toFixed(1)} weeks`}`)),
            );
            attachChart(
              body,
              {
                legend: { top: 0, type: 'scroll' },
                grid: { ...axisGrid, top: 40 },
                xAxis: { type: 'value', name: 'age (weeks)' },
                yAxis: { type: 'value', name: 'median downloads', nameTextStyle: { align: 'left' } },
                series: life.cohorts.map((c, i) => ({
                  name: c.cohort,
                  type: 'line',
                  showSymbol: false,
                  data: c.points.map((p) => [p.ageWeeks, p.medianDownloads]),
                  itemStyle: { color: palette[i % palette.length] },
                })),
              },
              life.cohorts.map((c) => `${c.cohort}=${c.models}`).join(','),
              onLeave,
              undefined,
              'chart small',
            );
            body.append(
              h(
                'div',
                { class: 'grid' },
                h(
                  'div',
                  {},
                  h('h2', {}, 'Still downloaded'),
                  table(life.persistent.slice(0, 10), [
                    { label: 'model', cell: (m) => hubLink(m.id) },
                    { label: 'age (weeks)', cell: (m) => m.ageWeeks, numeric: true },
                    { label: 'downloads', cell: (m) => fmt.short(m.downloads), numeric: true },
                  ]),
                ),
                h(
                  'div',
                  {},
                  h('h2', {}, 'Faded'),
                  table(life.fading.slice(0, 10), [
                    { label: 'model', cell: (m) => hubLink(m.id) },
                    { label: 'peak', cell: (m) => fmt.short(m.peak), numeric: true },
                    { label: 'now', cell: (m) => fmt.short(m.downloads), numeric: true },
                  ]),
                ),
              ),
            );
          },
          'wide',
        ),
      ),
    );
  },
};
