import { getJson, idPath } from '../api';
import type { View } from '../router';
import { appLink, field, fmt, formState, h, hubLink, input, panel, select } from '../ui';

interface Hit {
  id: string;
  repoType?: string;
  score: number;
  snippet: string;
  pipelineTag: string | null;
  libraryName: string | null;
  downloads: number;
  likes: number;
  evidence?: { card: number; metadata: number };
}
interface Results {
  query?: string;
  mode?: string;
  hits: Hit[];
  /** Semantic search stopped widening at its bound (Search:Semantic:MaxCandidates) before k repos passed the filters. */
  partial?: boolean;
}

/** Semantic Search: ?q= with filters and sort, or ?similar=<id> for "more like this". */
export const searchView: View = {
  path: '/search',
  title: 'Search',
  render(root, { params, signal, go }) {
    const value = (key: string, fallback = '') => params.get(key) ?? fallback;
    const q = value('q');
    const similar = value('similar');
    const query = h('input', {
      name: 'q',
      value: q,
      type: 'search',
      placeholder: 'e.g. small model for math word problems',
      'aria-label': 'Search query',
      required: true,
    });
    const form = h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Search' },
      field('Query', query),
      field(
        'Repos',
        select('repoType', value('repoType'), [
          ['', 'models'],
          ['dataset', 'datasets'],
        ]),
      ),
      field(
        'Mode',
        select('mode', value('mode', 'hybrid'), [
          ['hybrid', 'hybrid'],
          ['semantic', 'semantic'],
          ['keyword', 'keyword'],
        ]),
      ),
      field(
        'Sort',
        select('sort', value('sort', 'relevance'), [
          ['relevance', 'relevance'],
          ['downloads', 'downloads'],
          ['likes', 'likes'],
          ['trending', 'trending'],
        ]),
      ),
      field('Pipeline tag', input('pipelineTag', value('pipelineTag'), { placeholder: 'text-generation' })),
      field('Library', input('library', value('library'), { placeholder: 'transformers' })),
      field('License', input('license', value('license'), { placeholder: 'apache-2.0' })),
      field('Author', input('author', value('author'))),
      field('Min downloads', input('minDownloads', value('minDownloads'), { type: 'number', min: 0 })),
      field('Min likes', input('minLikes', value('minLikes'), { type: 'number', min: 0 })),
      field('Created after', input('createdAfter', value('createdAfter'), { type: 'date' })),
      field('Results', input('k', value('k', '20'), { type: 'number', min: 1, max: 100 })),
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      go(formState(form));
    });
    // Changing a filter re-runs a search that is already there; typing waits for Enter.
    form.addEventListener('change', (event) => {
      if ((event.target as HTMLElement) !== query && q) go(formState(form));
    });

    root.append(
      h('h1', {}, 'Semantic Search'),
      h('p', { class: 'lead' }, 'Describe what a model should do; results combine meaning (embeddings) and keywords.'),
      form,
    );
    if (!q && !similar) return;
    const repoType = value('repoType') || 'model';
    root.append(
      panel(
        similar ? `More like ${similar}` : `Results for “${q}”`,
        'results',
        async (body) => {
          const results = similar
            ? await getJson<Results | Hit[]>(`search/similar/${idPath(similar)}`, { k: value('k', '20'), repoType: value('repoType') }, signal)
            : await getJson<Results>(
                'search',
                {
                  q,
                  k: value('k', '20'),
                  mode: value('mode'),
                  sort: value('sort'),
                  repoType: value('repoType'),
                  pipelineTag: value('pipelineTag'),
                  library: value('library'),
                  license: value('license'),
                  author: value('author'),
                  minDownloads: value('minDownloads'),
                  minLikes: value('minLikes'),
                  createdAfter: value('createdAfter'),
                },
                signal,
              );
          const hits = Array.isArray(results) ? results : results.hits;
          if (!Array.isArray(results) && results.partial) {
            body.append(
              h(
                'p',
                { class: 'muted partial', role: 'note', 'data-testid': 'partial' },
                'Semantic search looked at part of the index only (it stops widening at its bound), so more repos may match: ' +
                  'these are the best of what it looked at. Fewer filters, or keyword mode, look further.',
              ),
            );
          }
          if (hits.length === 0) {
            body.append(h('p', { class: 'muted empty' }, 'Nothing found. Try other words or fewer filters.'));
            return;
          }
          body.append(
            h(
              'ol',
              { class: 'hits', 'data-testid': 'hits' },
              ...hits.map((hit) => {
                const type = hit.repoType ?? repoType;
                return h(
                  'li',
                  { 'data-id': hit.id, 'data-downloads': hit.downloads },
                  h('div', {}, hubLink(hit.id, type)),
                  hit.snippet ? h('p', { class: 'snippet' }, hit.snippet) : null,
                  h(
                    'div',
                    { class: 'facts' },
                    hit.pipelineTag ? h('span', {}, hit.pipelineTag) : null,
                    hit.libraryName ? h('span', {}, hit.libraryName) : null,
                    h('span', {}, `${fmt.short(hit.downloads)} downloads`),
                    h('span', {}, `${fmt.short(hit.likes)} likes`),
                    h('span', {}, `score ${hit.score.toFixed(3)}`),
                    hit.evidence
                      ? h(
                          'span',
                          { title: 'how much of the match came from the model card vs the metadata' },
                          `found in card ${Math.round(hit.evidence.card * 100)}% · metadata ${Math.round(hit.evidence.metadata * 100)}%`,
                        )
                      : null,
                    appLink('/search', 'more like this', { similar: hit.id, ...(type === 'dataset' ? { repoType: 'dataset' } : {}) }),
                    type === 'model' ? appLink('/lineage', 'family tree', { id: hit.id }) : null,
                  ),
                );
              }),
            ),
          );
        },
        'wide',
      ),
    );
  },
};
