import './style.css';
import { startRouter, type View } from './router';
import { h, required } from './ui';
import { dataVerseView } from './views/dataverse';
import { heatMapView } from './views/heatmap';
import { homeView } from './views/home';
import { lineageView } from './views/lineage';
import { modelVerseView } from './views/modelverse';
import { searchView } from './views/search';
import { trendsView } from './views/trends';

const views: View[] = [homeView, modelVerseView, dataVerseView, heatMapView, lineageView, searchView, trendsView];

const nav = required(document, '#nav');
for (const view of views.slice(1)) nav.append(h('a', { href: view.path, 'data-link': true }, view.title));

startRouter(views, required(document, '#app'), nav);
