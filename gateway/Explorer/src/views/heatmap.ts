import { getJson, idPath, ProblemError } from '../api';
import { attachChart } from '../charts';
import type { View } from '../router';
import { field, fmt, formState, h, input, panel, select, table } from '../ui';
import { orgTypes } from './verse';

interface Calendar {
  name: string;
  isProviderGroup: boolean;
  members: string[];
  from: string;
  to: string;
  total: number;
  days: { date: string; models: number; datasets: number; spaces: number }[];
}
interface RankingRow {
  name: string;
  orgType: string | null;
  models: number;
  datasets: number;
  spaces: number;
  total: number;
  activeDays: number;
}
interface Organization {
  name: string;
  type: string;
  fullname?: string | null;
  orgType: string | null;
  providerGroup: string | null;
  isVerified?: boolean;
  models: number;
  datasets: number;
  spaces: number;
  downloads: number;
  likes: number;
  topModels?: { id: string; downloads: number }[];
}

const repoTypes: [string, string][] = [
  ['all', 'all repos'],
  ['model', 'models'],
  ['dataset', 'datasets'],
  ['space', 'spaces'],
];

/** Organization HeatMap: repos created per day over 52 weeks, for the organizations in ?names=a,b. */
export const heatMapView: View = {
  path: '/heatmap',
  title: 'HeatMap',
  render(root, { params, signal, go, onLeave }) {
    const names = (params.get('names') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    const repoType = params.get('repoType') ?? 'all';
    const orgType = params.get('orgType') ?? '';
    const weeks = params.get('weeks') ?? '52';
    const state = () => ({ ...(names.length ? { names: names.join(',') } : {}), ...formState(form) });
    const setNames = (next: string[]) => go({ ...state(), names: [...new Set(next)].join(',') });

    const form = h(
      'form',
      { class: 'filters', 'aria-label': 'HeatMap filters' },
      field('Repos', select('repoType', repoType, repoTypes)),
      field('Weeks', input('weeks', weeks, { type: 'number', min: 1, max: 520 })),
      field('Ranking: organization type', select('orgType', orgType, orgTypes)),
    );
    form.addEventListener('change', () => go(state()));
    form.addEventListener('submit', (event) => event.preventDefault());

    const searchBox = input('search', '', {
      type: 'search',
      placeholder: 'Find an organization or provider group (meta, google…)',
      'aria-label': 'Find an organization',
    });
    const suggestions = h('div', { class: 'chips', 'data-testid': 'org-suggestions' });
    let timer = 0;
    const suggest = async () => {
      const term = searchBox.value.trim();
      if (term.length < 2) {
        suggestions.replaceChildren();
        return;
      }
      try {
        const found = await getJson<Organization[]>('organizations', { search: term, k: 10 }, signal);
        suggestions.replaceChildren(
          ...(found.length
            ? found.map((o) =>
                h(
                  'button',
                  { type: 'button', class: 'chip', 'data-org': o.name, onclick: () => setNames([...names, o.name]) },
                  `${o.name} · ${fmt.short(o.models + o.datasets + o.spaces)} repos`,
                ),
              )
            : [h('span', { class: 'muted' }, 'No organization found.')]),
        );
      } catch (error) {
        if ((error as Error).name !== 'AbortError') suggestions.replaceChildren(h('span', { class: 'muted' }, (error as ProblemError).message));
      }
    };
    searchBox.addEventListener('input', () => {
      clearTimeout(timer);
      timer = window.setTimeout(suggest, 250);
    });
    const searchForm = h(
      'form',
      { class: 'filters', role: 'search' },
      field('Add an organization', searchBox),
      h('button', { type: 'submit' }, 'Add'),
    );
    searchForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (searchBox.value.trim()) setNames([...names, searchBox.value.trim()]);
    });

    const chosen = h(
      'div',
      { class: 'chips' },
      ...names.map((n) =>
        h(
          'span',
          { class: 'chip' },
          n,
          ' ',
          h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${n}`, onclick: () => setNames(names.filter((x) => x !== n)) }, '×'),
        ),
      ),
    );

    const calendars = h('div', {});
    const ranking = panel('Most active organizations', 'ranking', async (body) => {
      const rows = await getJson<RankingRow[]>('heatmap/ranking', { k: 25, weeks, orgType }, signal);
      body.append(
        table(
          rows,
          [
            { label: '#', cell: (_, i) => i + 1, numeric: true },
            {
              label: 'organization',
              cell: (r) => h('button', { type: 'button', class: 'link', 'data-org': r.name, onclick: () => setNames([...names, r.name]) }, r.name),
            },
            { label: 'type', cell: (r) => r.orgType ?? '' },
            { label: 'models', cell: (r) => fmt.count(r.models), numeric: true },
            { label: 'datasets', cell: (r) => fmt.count(r.datasets), numeric: true },
            { label: 'spaces', cell: (r) => fmt.count(r.spaces), numeric: true },
            { label: 'active days', cell: (r) => fmt.count(r.activeDays), numeric: true },
          ],
          'heatmap-ranking',
        ),
      );
      // No organization chosen: show the most active one, so the page is never empty.
      if (names.length === 0 && rows.length > 0) calendars.append(calendarPanel(rows[0].name));
    });

    const calendarPanel = (name: string) =>
      panel(name, `calendar-${name}`, async (body) => {
        const [calendar, organization] = await Promise.all([
          getJson<Calendar>(`heatmap/organizations/${idPath(name)}`, { weeks, repoType }, signal),
          getJson<Organization>(`organizations/${idPath(name)}`, {}, signal).catch((error) => {
            if (error instanceof ProblemError && error.status === 404) return null; // a provider group has no page of its own
            throw error;
          }),
        ]);
        const count = (d: Calendar['days'][number]) =>
          repoType === 'model' ? d.models : repoType === 'dataset' ? d.datasets : repoType === 'space' ? d.spaces : d.models + d.datasets + d.spaces;
        const days = calendar.days.map((d) => [d.date.slice(0, 10), count(d)] as [string, number]);
        const max = Math.max(1, ...days.map(([, n]) => n));
        body.append(
          h(
            'p',
            { class: 'facts' },
            h('span', { 'data-testid': 'calendar-total' }, `${fmt.count(calendar.total)} repos created`),
            h('span', {}, `${fmt.date(calendar.from)} → ${fmt.date(calendar.to)}`),
            calendar.isProviderGroup ? h('span', {}, `provider group: ${calendar.members.join(', ')}`) : null,
            h('a', { href: `https://huggingface.co/${name}`, target: '_blank', rel: 'noopener' }, 'on the Hub'),
          ),
          organization
            ? h(
                'div',
                { class: 'stats' },
                h('div', { class: 'stat' }, h('span', { class: 'value' }, fmt.count(organization.models)), h('span', { class: 'label' }, 'models')),
                h(
                  'div',
                  { class: 'stat' },
                  h('span', { class: 'value' }, fmt.count(organization.datasets)),
                  h('span', { class: 'label' }, 'datasets'),
                ),
                h('div', { class: 'stat' }, h('span', { class: 'value' }, fmt.count(organization.spaces)), h('span', { class: 'label' }, 'spaces')),
                h(
                  'div',
                  { class: 'stat' },
                  h('span', { class: 'value' }, fmt.short(organization.downloads)),
                  h('span', { class: 'label' }, 'downloads'),
                ),
                h(
                  'div',
                  { class: 'stat' },
                  h('span', { class: 'value' }, organization.orgType ?? organization.type),
                  h('span', { class: 'label' }, 'type'),
                ),
              )
            : '',
        );
        const scroller = h('div', { class: 'scroll-x' });
        body.append(scroller);
        attachChart(
          scroller,
          {
            visualMap: { show: false, min: 0, max, inRange: { color: ['#ebedf0', '#9be9a8', '#40c463', '#30a14e', '#216e39'] } },
            calendar: {
              range: [calendar.from.slice(0, 10), calendar.to.slice(0, 10)],
              cellSize: ['auto', 13],
              left: 30,
              right: 10,
              top: 25,
              splitLine: { show: false },
              itemStyle: { color: '#ebedf0', borderColor: '#fff', borderWidth: 2 },
              yearLabel: { show: false },
              dayLabel: { firstDay: 1, nameMap: 'en' },
            },
            series: [{ type: 'heatmap', coordinateSystem: 'calendar', data: days }],
          },
          `${name}:${days.length}:${calendar.total}`,
          onLeave,
          undefined,
          'chart calendar',
        );
      });

    for (const name of names) calendars.append(calendarPanel(name));
    root.append(
      h('h1', {}, 'Organization HeatMap'),
      h('p', { class: 'lead' }, 'Repos created per day, like a contribution calendar. Add organizations, or a provider group such as “meta”.'),
      searchForm,
      suggestions,
      chosen,
      form,
      calendars,
      ranking,
    );
  },
};
