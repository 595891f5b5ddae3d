/** The web UI's entry: takes a `?token=` given in the address, then draws the page. */
import { html, render } from 'htm/preact';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { adoptToken } from './api.js';
import { App } from './components/app.js';

adoptToken();
render(html`<${App} />`, document.getElementById('app')!);
