import cytoscape from 'cytoscape';
import { getJson, idPath, type ProblemError } from '../api';
import type { View } from '../router';
import { appLink, field, fmt, h, hubLink, input, panel, select, stat, table } from '../ui';

interface Counts {
  finetunes: number;
  adapters: number;
  quantizations: number;
  merges: number;
  total: number;
}
interface ModelTree {
  id: string;
  resolved: boolean;
  baseModels: { id: string; relation: string; stated: boolean; resolved: boolean }[];
  children: Counts;
  descendants: Counts;
}
interface Member {
  id: string;
  relation: string | null;
  baseModelId: string | null;
  depth: number;
  resolved: boolean;
  author: string | null;
  pipelineTag: string | null;
  downloads: number;
  likes: number;
  createdAt: string | null;
}
interface DescendantsPage {
  id: string;
  depth: number;
  total: number;
  offset: number;
  models: Member[];
}
interface Rank {
  baseModelId: string;
  author: string | null;
  descendants: number;
  descendantDownloads: number;
  finetunes: number;
  adapters: number;
  quantizations: number;
  merges: number;
}
interface SearchHit {
  id: string;
  downloads: number;
  pipelineTag: string | null;
}

const relationColors: Record<string, string> = { finetune: '#6b7cff', adapter: '#16a34a', quantized: '#f59e0b', merge: '#e11d48' };
const perLevel = 25;

/**
 * Base Model Explorer: ?id= the model, ?expand=a,b the models whose children are drawn too,
 * so an expanded tree is a shareable URL.
 */
export const lineageView: View = {
  path: '/lineage',
  title: 'Base Models',
  render(root, { params, signal, go, onLeave }) {
    const id = params.get('id') ?? '';
    const by = params.get('by') ?? 'descendants';
    const expanded = (params.get('expand') ?? '').split(',').filter(Boolean);
    const state = (extra: Record<string, string>) => {
      const next: Record<string, string> = { ...Object.fromEntries(params), ...extra };
      for (const key of Object.keys(next)) if (!next[key]) delete next[key];
      return next;
    };

    const box = input('id', id, { type: 'search', placeholder: 'a model id (microsoft/phi-2) or words to search', 'aria-label': 'Model' });
    const candidates = h('div', { class: 'chips', 'data-testid': 'model-candidates' });
    const form = h('form', { class: 'filters', role: 'search' }, field('Model', box), h('button', { type: 'submit', class: 'primary' }, 'Show tree'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = box.value.trim();
      if (value.includes('/')) {
        go({ id: value, by });
        return;
      }
      candidates.replaceChildren(h('span', { class: 'muted' }, 'Searching…'));
      try {
        const found = await getJson<{ hits: SearchHit[] }>('search', { q: value, k: 10 }, signal);
        candidates.replaceChildren(...found.hits.map((hit) => appLink('/lineage', h('span', { class: 'chip' }, hit.id), { id: hit.id })));
      } catch (error) {
        candidates.replaceChildren(h('span', { class: 'muted' }, (error as ProblemError).message));
      }
    });

    root.append(
      h('h1', {}, 'Base Model Explorer'),
      h(
        'p',
        { class: 'lead' },
        'A model’s family: its base models above, finetunes, adapters, quantizations and merges below. Expand any model to see its own derivatives.',
      ),
      form,
      candidates,
    );

    if (id) {
      const graphBox = h('div', { class: 'graph', 'data-testid': 'family-graph', 'data-nodes': '0' });
      root.append(
        panel(
          id,
          'tree',
          async (body) => {
            const [tree, ancestors] = await Promise.all([
              getJson<ModelTree>(`lineage/${idPath(id)}`, {}, signal),
              getJson<Member[]>(`lineage/ancestors/${idPath(id)}`, {}, signal),
            ]);
            const levels = await Promise.all(
              [id, ...expanded].map((parent) =>
                getJson<DescendantsPage>(`lineage/descendants/${idPath(parent)}`, { depth: 1, sort: 'downloads', limit: perLevel }, signal).then(
                  (page) => ({ parent, page }),
                ),
              ),
            );
            const d = tree.descendants;
            body.append(
              h(
                'p',
                { class: 'facts' },
                hubLink(id),
                appLink('/search', 'more like this', { similar: id }),
                appLink('/trends', 'downloads over time', { model: id }),
              ),
              h(
                'div',
                { class: 'stats' },
                stat('descendants', fmt.count(d.total), 'descendants'),
                stat('finetunes', fmt.count(d.finetunes)),
                stat('adapters', fmt.count(d.adapters)),
                stat('quantizations', fmt.count(d.quantizations)),
                stat('merges', fmt.count(d.merges)),
                stat('direct children', fmt.count(tree.children.total), 'direct-children'),
              ),
              h(
                'div',
                { class: 'legend' },
                ...Object.entries(relationColors).map(([relation, color]) => {
                  const dot = h('i', {});
                  dot.style.background = color;
                  return h('span', {}, dot, relation);
                }),
              ),
              graphBox,
            );
            drawFamily(graphBox, id, ancestors, levels, expanded, (child) => go(state({ expand: [...expanded, child].join(',') })), onLeave);

            const first = levels[0].page;
            body.append(
              h('h2', {}, `Direct derivatives (${fmt.count(first.total)}, top ${Math.min(perLevel, first.total)} by downloads)`),
              table(
                first.models,
                [
                  { label: 'model', cell: (m) => hubLink(m.id) },
                  { label: 'relation', cell: (m) => m.relation ?? '' },
                  { label: 'downloads', cell: (m) => fmt.short(m.downloads), numeric: true },
                  { label: 'likes', cell: (m) => fmt.short(m.likes), numeric: true },
                  {
                    label: '',
                    cell: (m) =>
                      h(
                        'span',
                        {},
                        expanded.includes(m.id)
                          ? h('span', { class: 'muted' }, 'expanded')
                          : h(
                              'button',
                              {
                                type: 'button',
                                class: 'link',
                                'data-expand': m.id,
                                onclick: () => go(state({ expand: [...expanded, m.id].join(',') })),
                              },
                              'expand',
                            ),
                        ' ',
                        appLink('/lineage', 'open', { id: m.id }),
                      ),
                  },
                ],
                'children',
              ),
              ancestors.length ? h('h2', {}, 'Base models') : '',
              ancestors.length
                ? table(
                    ancestors,
                    [
                      { label: 'model', cell: (m) => (m.resolved ? hubLink(m.id) : h('span', {}, m.id)) },
                      { label: 'distance', cell: (m) => m.depth, numeric: true },
                      { label: '', cell: (m) => appLink('/lineage', 'open', { id: m.id }) },
                    ],
                    'ancestors',
                  )
                : '',
            );
          },
          'wide',
        ),
      );
    }

    const switcher = select('by', by, [
      ['descendants', 'by descendants'],
      ['downloads', 'by descendants’ downloads'],
    ]);
    switcher.addEventListener('change', () => go(state({ by: switcher.value })));
    root.append(
      panel(
        'Leaderboard: base models that became platforms',
        'leaderboard',
        async (body) => {
          const ranks = await getJson<Rank[]>('lineage/leaderboard', { by, k: 20 }, signal);
          body.append(
            field('Rank', switcher),
            table(
              ranks,
              [
                { label: '#', cell: (_, i) => i + 1, numeric: true },
                { label: 'base model', cell: (r) => appLink('/lineage', r.baseModelId, { id: r.baseModelId, by }) },
                { label: 'descendants', cell: (r) => fmt.count(r.descendants), numeric: true },
                { label: 'their downloads', cell: (r) => fmt.short(r.descendantDownloads), numeric: true },
                { label: 'finetunes', cell: (r) => fmt.count(r.finetunes), numeric: true },
                { label: 'adapters', cell: (r) => fmt.count(r.adapters), numeric: true },
                { label: 'quantizations', cell: (r) => fmt.count(r.quantizations), numeric: true },
                { label: 'merges', cell: (r) => fmt.count(r.merges), numeric: true },
                { label: '', cell: (r) => hubLink(r.baseModelId) },
              ],
              'leaderboard',
            ),
          );
        },
        'wide',
      ),
    );
  },
};

function drawFamily(
  container: HTMLElement,
  id: string,
  ancestors: Member[],
  levels: { parent: string; page: DescendantsPage }[],
  expanded: string[],
  expand: (child: string) => void,
  onLeave: (cleanup: () => void) => void,
): void {
  const nodes = new Map<string, cytoscape.ElementDefinition>();
  const edges = new Map<string, cytoscape.ElementDefinition>();
  const addNode = (nodeId: string, kind: string, relation: string | null, downloads?: number) => {
    if (!nodes.has(nodeId)) {
      // The focus and its base models keep their full id; derivatives show their name (the id is in the table and on hover).
      const name = kind === 'focus' || kind === 'ancestor' ? nodeId : (nodeId.split('/').pop() ?? nodeId);
      const short = name.length > 24 ? `${name.slice(0, 22)}…` : name;
      nodes.set(nodeId, {
        data: {
          id: nodeId,
          label: downloads === undefined ? short : `${short}\n${fmt.short(downloads)} ↓`,
          kind,
          color: relation ? (relationColors[relation] ?? '#64748b') : '#ff9d00',
        },
      });
    }
  };
  const addEdge = (from: string, to: string, relation: string | null) => {
    const key = `${from}→${to}`;
    if (!edges.has(key))
      edges.set(key, { data: { id: key, source: from, target: to, color: relation ? (relationColors[relation] ?? '#94a3b8') : '#94a3b8' } });
  };
  addNode(id, 'focus', null);
  for (const a of ancestors) addNode(a.id, 'ancestor', null, a.downloads);
  for (const a of ancestors) if (a.baseModelId) addEdge(a.id, a.baseModelId, a.relation);
  for (const { parent, page } of levels) {
    for (const m of page.models) {
      addNode(m.id, expanded.includes(m.id) ? 'expanded' : 'child', m.relation, m.downloads);
      addEdge(parent, m.id, m.relation);
    }
    if (page.total > page.models.length) {
      const more = `${parent} (+${page.total - page.models.length})`;
      nodes.set(more, { data: { id: more, label: `+${fmt.count(page.total - page.models.length)} more`, kind: 'more', color: '#cbd5e1' } });
      addEdge(parent, more, null);
    }
  }
  // Ancestors' edges point child→base in the API; drawn base above, so flip them for the layout.
  const drawnEdges = [...edges.values()]
    .map((e) => {
      const data = e.data as { id: string; source: string; target: string; color: string };
      const fromAncestorWalk = ancestors.some((a) => a.id === data.source && a.baseModelId === data.target);
      return fromAncestorWalk ? { data: { ...data, source: data.target, target: data.source } } : e;
    })
    .filter((e) => nodes.has(String(e.data.source)) && nodes.has(String(e.data.target)));
  const roots = [...nodes.keys()].filter((n) => !drawnEdges.some((e) => e.data.target === n));

  container.dataset.nodes = String(nodes.size - levels.filter((l) => l.page.total > l.page.models.length).length);
  const cy = cytoscape({
    container,
    elements: [...nodes.values(), ...drawnEdges],
    // Levels as rings around the root: a base model with hundreds of derivatives stays readable.
    layout: { name: 'breadthfirst', directed: true, circle: true, roots, spacingFactor: 0.9, padding: 10 },
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(color)',
          label: 'data(label)',
          'font-size': 9,
          'text-wrap': 'wrap',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          width: 14,
          height: 14,
          'min-zoomed-font-size': 7,
        },
      },
      { selector: 'node[kind = "focus"]', style: { width: 26, height: 26, 'font-size': 12, 'font-weight': 'bold' } },
      { selector: 'node[kind = "expanded"]', style: { 'border-width': 3, 'border-color': '#111' } },
      { selector: 'node[kind = "more"]', style: { shape: 'round-rectangle', width: 30, height: 12 } },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'line-color': 'data(color)',
          'target-arrow-color': 'data(color)',
          'target-arrow-shape': 'triangle',
          'curve-style': 'bezier',
          'arrow-scale': 0.7,
        },
      },
    ],
  });
  // A tap on a derivative expands it (its children join the URL's ?expand=).
  cy.on('tap', 'node[kind = "child"]', (event) => expand(event.target.id()));
  onLeave(() => cy.destroy());
}
