import { getJson } from '../api';
import { attachChart, palette } from '../charts';
import type { View } from '../router';
import { appLink, fmt, h, panel, required, stat, table } from '../ui';

interface Summary {
  snapshotId: string;
  at: string;
  models: number;
  datasets: number;
  spaces: number;
  organizations: number;
  derivativeShare: number;
  topOrganizations: { name: string; downloads: number; share: number }[];
  downloadsByOrgType: { orgType: string; downloads: number; share: number }[];
  modalities: { modality: string; models: number; downloads: number }[];
}

const tools: [string, string, string][] = [
  ['/modelverse', 'ModelVerse', 'Who the downloads go to: organizations and their models.'],
  ['/dataverse', 'DataVerse', 'The datasets: tasks, domains, benchmarks.'],
  ['/heatmap', 'Organization HeatMap', 'When organizations publish, day by day over a year.'],
  ['/lineage', 'Base Model Explorer', 'Model trees: finetunes, adapters, quantizations, merges.'],
  ['/search', 'Semantic Search', 'Find models by what they do.'],
  ['/trends', 'Trends', 'Growth, downloads over snapshots, lifecycles.'],
];

export const homeView: View = {
  path: '/',
  title: 'Home',
  render(root, { signal, onLeave }) {
    root.append(
      h('h1', {}, 'What is the open-source AI community building?'),
      h('p', { class: 'lead' }, 'An ecosystem summary of the latest fully ingested snapshot of the Hugging Face Hub.'),
      h('div', { class: 'tools' }, ...tools.map(([path, name, text]) => appLink(path, [h('strong', {}, name), text]))),
      panel('Ecosystem', 'summary', async (body) => {
        const s = await getJson<Summary>('summary', {}, signal);
        body.append(
          h(
            'div',
            { class: 'stats' },
            stat('models', fmt.count(s.models), 'models'),
            stat('datasets', fmt.count(s.datasets), 'datasets'),
            stat('spaces', fmt.count(s.spaces), 'spaces'),
            stat('organizations', fmt.count(s.organizations), 'organizations'),
            stat('models derived from another', fmt.share(s.derivativeShare), 'derivative-share'),
          ),
          h('p', { class: 'muted' }, `Snapshot ${s.snapshotId} · ${fmt.date(s.at)}`),
          h(
            'div',
            { class: 'grid' },
            h('div', { id: 'top-organizations' }, h('h2', {}, 'Top organizations by downloads')),
            h('div', { id: 'org-types' }, h('h2', {}, 'Downloads by organization type')),
          ),
          h('h2', {}, 'Modalities'),
          table(
            s.modalities,
            [
              { label: 'modality', cell: (m) => appLink('/modelverse', m.modality, { modality: m.modality }) },
              { label: 'models', cell: (m) => fmt.count(m.models), numeric: true },
              { label: 'downloads', cell: (m) => fmt.short(m.downloads), numeric: true },
            ],
            'modalities',
          ),
        );
        const top = [...s.topOrganizations].reverse();
        attachChart(
          required(body, '#top-organizations'),
          {
            grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
            xAxis: { type: 'value' },
            yAxis: { type: 'category', data: top.map((o) => o.name) },
            series: [{ type: 'bar', data: top.map((o) => o.downloads), itemStyle: { color: palette[0] } }],
          },
          top.map((o) => `${o.name}=${o.downloads}`).join(','),
          onLeave,
          undefined,
          'chart small',
        );
        attachChart(
          required(body, '#org-types'),
          {
            legend: { bottom: 0, type: 'scroll' },
            series: [
              {
                type: 'pie',
                radius: ['35%', '65%'],
                data: s.downloadsByOrgType.map((t) => ({ name: t.orgType, value: t.downloads })),
                color: palette,
              },
            ],
          },
          s.downloadsByOrgType.map((t) => `${t.orgType}=${t.downloads}`).join(','),
          onLeave,
          undefined,
          'chart small',
        );
      }),
    );
  },
};
