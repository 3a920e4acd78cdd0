import { getJson, type Query } from '../api';
import type { View } from '../router';
import { field, formState, h, input, panel, select } from '../ui';
import { metrics, orgTypes, type Ranking, rankingPanel, treemap } from './verse';

interface ModelRanking {
  snapshotId: string;
  metric: string;
  total: number;
  totalModels: number;
  top: { organization: string; value: number; share: number; models: number }[];
  others: { value?: number; share?: number; models?: number } | null;
}

const modalities: [string, string][] = [
  ['', 'any'],
  ['multimodal', 'multimodal'],
  ['computer-vision', 'computer vision'],
  ['natural-language-processing', 'natural language'],
  ['audio', 'audio'],
  ['tabular', 'tabular'],
  ['reinforcement-learning', 'reinforcement learning'],
  ['other', 'other'],
];

const billion = 1e9;

/** ModelVerse: organizations → models, sized by the chosen metric, with every filter in the URL. */
export const modelVerseView: View = {
  path: '/modelverse',
  title: 'ModelVerse',
  render(root, { params, signal, go, onLeave }) {
    const value = (key: string, fallback = '') => params.get(key) ?? fallback;
    const metric = value('metric', 'downloads');
    const metricLabel = metrics.find(([m]) => m === metric)?.[1] ?? metric;
    const form = h(
      'form',
      { class: 'filters', 'aria-label': 'ModelVerse filters' },
      field('Metric', select('metric', metric, metrics)),
      field('Top K organizations', input('k', value('k', '20'), { type: 'number', min: 1, max: 500 })),
      field('Modality', select('modality', value('modality'), modalities)),
      field('Pipeline tag', input('pipelineTag', value('pipelineTag'), { placeholder: 'text-generation' })),
      field('Min parameters (B)', input('minB', value('minB'), { type: 'number', min: 0, step: 'any' })),
      field('Max parameters (B)', input('maxB', value('maxB'), { type: 'number', min: 0, step: 'any' })),
      field('Created from', input('createdFrom', value('createdFrom'), { type: 'date' })),
      field('Created before', input('createdTo', value('createdTo'), { type: 'date' })),
      field('Organization type', select('orgType', value('orgType'), orgTypes)),
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
    );
    form.addEventListener('change', () => go(formState(form)));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      go(formState(form));
    });

    const billions = (key: string) => (params.get(key) ? Math.round(Number(params.get(key)) * billion) : undefined);
    const query: Query = {
      metric,
      k: value('k', '20'),
      modality: value('modality'),
      pipelineTag: value('pipelineTag'),
      minParameters: billions('minB'),
      maxParameters: billions('maxB'),
      createdFrom: value('createdFrom'),
      createdTo: value('createdTo'),
      orgType: value('orgType'),
    };

    root.append(
      h('h1', {}, 'ModelVerse'),
      h(
        'p',
        { class: 'lead' },
        'Which organizations the Hub’s models come from, sized by ',
        h('strong', {}, metricLabel.toLowerCase()),
        '. Click a model to open it on the Hub.',
      ),
      form,
      h(
        'div',
        { class: 'grid' },
        panel(
          'Organizations and their models',
          'treemap',
          async (body) => {
            const data = await getJson<{ organization: string; value: number; models: { id: string; value: number }[] }[]>(
              'modelverse/treemap',
              { ...query, modelsPerOrganization: 12 },
              signal,
            );
            if (data.length === 0) {
              body.append(h('p', { class: 'muted empty' }, 'No model matches these filters.'));
              return;
            }
            treemap(
              body,
              data.map((o) => ({ organization: o.organization, value: o.value, repos: o.models })),
              'model',
              onLeave,
            );
          },
          'wide',
        ),
        panel(
          'Stats',
          'stats',
          async (body) => {
            const r = await getJson<ModelRanking>('modelverse/organizations', query, signal);
            const ranking: Ranking = {
              ...r,
              totalRepos: r.totalModels,
              top: r.top.map((t) => ({ ...t, repos: t.models })),
              others: r.others ? { ...r.others, repos: r.others.models } : null,
            };
            rankingPanel(body, ranking, 'models', metricLabel);
          },
          'wide',
        ),
      ),
    );
  },
};
