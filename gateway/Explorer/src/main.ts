import './style.css';
import { startRouter, type View } from './router';
import { homeView } from './views/home';
import { modelVerseView } from './views/modelverse';
import { dataVerseView } from './views/dataverse';
import { heatMapView } from './views/heatmap';
import { lineageView } from './views/lineage';
import { searchView } from './views/search';
import { trendsView } from './views/trends';
import { h } from './ui';

const views: View[] = [homeView, modelVerseView, dataVerseView, heatMapView, lineageView, searchView, trendsView];

const nav = document.getElementById('nav')!;
for (const view of views.slice(1)) nav.append(h('a', { href: view.path, 'data-link': true }, view.title));

startRouter(views, document.getElementById('app')!, nav);
